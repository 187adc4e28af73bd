"""What the public may read of an Action (the programme's website, `mieux publish`): which
Actions are public and how their stages are said. Pure: the workflow and the CLI use it."""

from __future__ import annotations

from glossary.names import Stage
from glossary.status import ActionStatus

# What the public reads for each stage an approved Action can be in.
PUBLIC_STAGE = {
    Stage.IMPLEMENTATION: "under way",
    Stage.COMPLETION: "activities completed",
    Stage.FOLLOW_UP: "completed (follow-up)",
    Stage.CLOSED: "completed",
    Stage.WITHDRAWN: "discontinued",
}

# An activity's stage, as the public reads it.
PUBLIC_ACTIVITY = {
    "delivered": "held",
    "evaluation": "held",
    "cancelled": "cancelled",
}


def is_public(status: ActionStatus) -> bool:
    """Approved Actions only: a request still in preparation, rejected or forwarded is the
    partner's and the programme's business, not the website's. A withdrawn Action is
    public if it was withdrawn after its approval."""
    if status.stage == Stage.WITHDRAWN:
        return any(span.stage == Stage.IMPLEMENTATION for span in status.stages)
    return status.stage in PUBLIC_STAGE

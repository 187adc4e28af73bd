"""What the public may read of an Action (the programme's website, `mieux publish`): which
Actions are public and how their stages are said. Pure: the workflow and the CLI use it."""

from __future__ import annotations

from glossary.names import N_, Stage
from glossary.status import ActionStatus

# What the public reads for each stage an approved Action can be in.
PUBLIC_STAGE = {
    Stage.IMPLEMENTATION: N_("under way"),
    Stage.COMPLETION: N_("activities completed"),
    Stage.FOLLOW_UP: N_("completed (follow-up)"),
    Stage.CLOSED: N_("completed"),
    Stage.WITHDRAWN: N_("discontinued"),
}

# An activity's stage, as the public reads it.
PLANNED = N_("planned")  # an activity not yet held, as the public reads it
PUBLIC_ACTIVITY = {
    "delivered": N_("held"),
    "evaluation": N_("held"),
    "cancelled": N_("cancelled"),
}


def is_public(status: ActionStatus) -> bool:
    """Approved Actions only: a request still in preparation, rejected or forwarded is the
    partner's and the programme's business, not the website's. A withdrawn Action is
    public if it was withdrawn after its approval."""
    if status.stage == Stage.WITHDRAWN:
        return any(span.stage == Stage.IMPLEMENTATION for span in status.stages)
    return status.stage in PUBLIC_STAGE

"""The register of Actions: what the programme keeps of each Action once it has ended, beside
Temporal (whose retention forgets closed workflows), for reports, M&E and lessons learned.

Ids and institutions only: no names of people, no e-mail addresses, no votes' comments, no
audit trail. `lessons` is written by staff (`mieux register lessons`), never by a workflow.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from glossary.status import ActionStatus, PsgVoteView


class RegisterRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reference: str = Field(pattern=r"^\d{4}-\d{2,3}$")
    source: str = Field(default="workflow", pattern=r"^(workflow|import)$")
    ended_at: datetime | None = None
    requester_types: list[str] = []
    institutions: list[str] = []  # the requesting authorities: public, named on the website
    countries: list[str] = []
    status: ActionStatus

    @property
    def year(self) -> int:
        return self.status.received_on.year


def without_personal_data(status: ActionStatus) -> ActionStatus:
    """The status as the register keeps it: free text written about people goes."""
    return status.model_copy(
        update={
            "audit": [],
            "hold_reason": "",
            "waiting_for": [],
            "psg_votes": [
                PsgVoteView.model_validate(v.model_dump() | {"comment": ""})
                for v in status.psg_votes
            ],
        }
    )

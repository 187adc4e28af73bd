"""The input of an `ActionLifecycle`: everything it needs, captured when it starts."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field

from glossary.action import ActionFiche, PlannedActivity
from glossary.people import Recipient, StaffDirectory
from glossary.policy import Policy
from glossary.request import Request

_REFERENCE = re.compile(r"^(?:action-)?(\d{4}-\d{2,3})$")


def reference_of(text: str) -> str:
    """`2026-03` from `2026-03` or `action-2026-03`; ValueError otherwise."""
    m = _REFERENCE.match(text.strip())
    if not m:
        raise ValueError(f"{text!r} is not an Action reference like 2026-03 or action-2026-03")
    return m[1]


def workflow_id_of(reference: str) -> str:
    return f"action-{reference_of(reference)}"


class ActionInput(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    reference: str = Field(pattern=r"^\d{4}-\d{2,3}$")
    request: Request
    policy: Policy = Policy()
    staff: StaffDirectory
    submitted_by: str = "staff"
    escalation_webhook: bool = Field(
        default=False, description="also POST escalations to the configured webhook"
    )


class DeliveryInput(BaseModel):
    """The input of an `ActivityDelivery` child: one planned activity of an approved Action."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    reference: str = Field(pattern=r"^\d{4}-\d{2,3}$")
    action_title: str
    activity: PlannedActivity
    fiche: ActionFiche
    themes: list[str] = []
    policy: Policy
    staff: StaffDirectory
    officer_id: str
    partner: Recipient
    parent_id: str = Field(description="the ActionLifecycle to report progress to")
    escalation_webhook: bool = Field(
        default=False, description="also POST the activity's escalations to the webhook"
    )

"""The input of an `ActionLifecycle`: everything it needs, captured when it starts."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from glossary.action import ActionFiche, PlannedActivity
from glossary.carried import CarriedState
from glossary.names import reference_of as reference_of
from glossary.names import workflow_id_of as workflow_id_of
from glossary.people import Recipient, StaffDirectory
from glossary.policy import Policy
from glossary.request import Request


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
    # Set only by the Action itself when it continues as new (glossary/carried.py).
    carried: CarriedState | None = None


class Deployment(BaseModel):
    """What the workers are configured with, taken by each new Action whoever submits it
    (a staff member's shell decides neither the clocks nor who holds which role)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    policy: Policy
    staff: StaffDirectory
    escalation_webhook: bool = False


class DeliveryInput(BaseModel):
    """The input of an `ActivityDelivery` child: one planned activity of an approved Action."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    reference: str = Field(pattern=r"^\d{4}-\d{2,3}$")
    action_title: str
    activity: PlannedActivity
    fiche: ActionFiche
    themes: list[str] = []
    countries: list[str] = Field(
        default=[], description="the Action's partner countries: no expert in conflict with one"
    )
    policy: Policy
    staff: StaffDirectory
    officer_id: str
    partner: Recipient
    parent_id: str = Field(description="the ActionLifecycle to report progress to")
    escalation_webhook: bool = Field(
        default=False, description="also POST the activity's escalations to the webhook"
    )

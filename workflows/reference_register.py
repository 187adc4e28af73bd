"""`ReferenceRegister`: one workflow per request year that hands out `YYYY-NN` references
in order of receipt and starts the Action, so there is never a gap or a duplicate, even
when twenty requests arrive at once (DOMAIN.md §6).

Allocation and start happen in one update: an allocated number always has its Action.
"""

from __future__ import annotations

from temporalio import workflow
from temporalio.common import SearchAttributePair, TypedSearchAttributes
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from pydantic import BaseModel, ConfigDict

    from glossary import ActionInput, Policy, Request, StaffDirectory
    from workflows import search_attributes as sa
    from workflows.action_lifecycle import ActionLifecycle

# Keep the register's history short: it continues as new after this many allocations.
ALLOCATIONS_PER_RUN = 500


class RegisterRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    request: Request
    policy: Policy
    staff: StaffDirectory
    submitted_by: str
    escalation_webhook: bool = False


class RegisterState(BaseModel):
    year: int
    last_number: int = 0
    allocated_this_run: int = 0


def register_id(year: int) -> str:
    return f"mieux-references-{year}"


@workflow.defn(name="ReferenceRegister")
class ReferenceRegister:
    @workflow.init
    def __init__(self, state: RegisterState) -> None:
        self.state = state.model_copy(update={"allocated_this_run": 0})

    @workflow.run
    async def run(self, state: RegisterState) -> None:
        await workflow.wait_condition(
            lambda: (
                self.state.allocated_this_run >= ALLOCATIONS_PER_RUN
                or workflow.info().is_continue_as_new_suggested()
            )
        )
        await workflow.wait_condition(workflow.all_handlers_finished)
        workflow.continue_as_new(self.state)

    @workflow.update(name="register_request")
    async def register_request(self, command: RegisterRequest) -> str:
        self.state.last_number += 1
        self.state.allocated_this_run += 1
        reference = f"{self.state.year}-{self.state.last_number:02d}"
        request = command.request
        await workflow.start_child_workflow(
            ActionLifecycle.run,
            ActionInput(
                reference=reference,
                request=request,
                policy=command.policy,
                staff=command.staff,
                submitted_by=command.submitted_by,
                escalation_webhook=command.escalation_webhook,
            ),
            id=f"action-{reference}",
            parent_close_policy=ParentClosePolicy.ABANDON,
            static_summary=f"{reference} {request.country} — {request.topic}",
            static_details=(
                f"**{request.name}** ({reference}), {request.region}\n\n"
                f"Requested by {', '.join(a.institution for a in request.requesting_authorities)}"
                f", received {request.received_on:%d %b %Y} by {request.channel}"
                f" via {request.received_via}.\n\nThemes: "
                + ", ".join(str(t) for t in request.themes)
            ),
            search_attributes=_initial_attributes(reference, request),
        )
        return reference

    @register_request.validator
    def _register_request_valid(self, command: RegisterRequest) -> None:
        if command.request.received_on.year != self.state.year:
            raise ValueError(
                f"request received in {command.request.received_on.year} sent to the"
                f" {self.state.year} register"
            )

    @workflow.query(name="last_reference")
    def last_reference(self) -> str:
        return f"{self.state.year}-{self.state.last_number:02d}"


def _initial_attributes(reference: str, request: Request) -> TypedSearchAttributes:
    """What the Temporal UI can filter on from the first second (no personal data)."""
    return TypedSearchAttributes(
        [
            SearchAttributePair(sa.REFERENCE, reference),
            SearchAttributePair(sa.STAGE, "intake"),
            SearchAttributePair(sa.REGION, str(request.region)),
            SearchAttributePair(sa.COUNTRY, request.country),
            SearchAttributePair(sa.THEMES, [str(t) for t in request.themes]),
        ]
    )

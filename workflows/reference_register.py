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
    from pydantic import BaseModel, ConfigDict, Field

    from activities import options
    from glossary import ActionInput, Policy, Request, StaffDirectory
    from glossary.action_input import Deployment
    from glossary.caller import Caller, CallerKind
    from workflows import search_attributes as sa
    from workflows.action_lifecycle import ActionLifecycle
    from workflows.permissions import Role

# 0.5: a new Action takes the workers' policy and staff directory (`deployment_settings`),
# not those the submitting shell sent; registrations recorded before replay as they ran.
DEPLOYMENT_SETTINGS = "0.5-deployment-settings"
# Who registers a request: the team's intake (workflows/permissions.py has the Actions').
REGISTERS = (Role.PROJECT_OFFICER, Role.PROGRAMME_MANAGER)

# Keep the register's history short: it continues as new after this many allocations.
ALLOCATIONS_PER_RUN = 500


class RegisterRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    request: Request
    policy: Policy
    staff: StaffDirectory
    submitted_by: str
    escalation_webhook: bool = False
    # Derived from the request's content by the CLI (or given with --key): the same request
    # sent again, after a timeout say, gets its first reference instead of a second Action.
    key: str = Field(default="", max_length=80, pattern=r"^[A-Za-z0-9._:-]*$")


class Registration(BaseModel):
    reference: str
    already: bool = False


class RegisterState(BaseModel):
    year: int
    last_number: int = 0
    allocated_this_run: int = 0
    keys: dict[str, str] = {}


def register_id(year: int) -> str:
    return f"mieux-references-{year}"


@workflow.defn(name="ReferenceRegister")
class ReferenceRegister:
    @workflow.init
    def __init__(self, state: RegisterState) -> None:
        self.state = state.model_copy(update={"allocated_this_run": 0})
        self._caller: Caller | None = None  # set by worker/proof.py around each handler

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
        return (await self._register(command)).reference

    @workflow.update(name="register_request_once")
    async def register_request_once(self, command: RegisterRequest) -> Registration:
        """As `register_request`, answering a repeated key with the first reference."""
        first = self.state.keys.get(command.key) if command.key else None
        if first is not None:
            return Registration(reference=first, already=True)
        return await self._register(command)

    @register_request_once.validator
    def _register_request_once_valid(self, command: RegisterRequest) -> None:
        self._register_request_valid(command)

    async def _register(self, command: RegisterRequest) -> Registration:
        self.state.last_number += 1
        self.state.allocated_this_run += 1
        reference = f"{self.state.year}-{self.state.last_number:02d}"
        if command.key:
            # Before the await: a duplicate sent in the same moment must find it.
            self.state.keys[command.key] = reference
        request = command.request
        submitted_by = self._submitter(command)
        deployment = Deployment(
            policy=command.policy,
            staff=command.staff,
            escalation_webhook=command.escalation_webhook,
        )
        if workflow.patched(DEPLOYMENT_SETTINGS):
            deployment = await workflow.execute_local_activity(
                "deployment_settings",
                result_type=Deployment,
                summary="the workers' policy and staff directory",
                **options.DEPLOYMENT_SETTINGS,
            )
        await workflow.start_child_workflow(
            ActionLifecycle.run,
            ActionInput(
                reference=reference,
                request=request,
                policy=deployment.policy,
                staff=deployment.staff,
                submitted_by=submitted_by,
                escalation_webhook=deployment.escalation_webhook,
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
        return Registration(reference=reference)

    def _submitter(self, command: RegisterRequest) -> str:
        caller = self._caller
        if caller is not None and caller.kind == CallerKind.STAFF:
            return caller.listed_as or caller.email
        return command.submitted_by

    def _check_sender(self) -> None:
        """Signed in, a request is registered by the team's intake only."""
        caller = self._caller
        if caller is None or caller.kind == CallerKind.LOCAL:
            return
        if caller.kind == CallerKind.REFUSED:
            raise ValueError(caller.refusal)
        if caller.kind != CallerKind.STAFF:
            raise ValueError("requests are registered by the MIEUX team")
        held = set(caller.roles if caller.roles is not None else caller.listed_roles)
        if not held & {str(r) for r in REGISTERS}:
            who = caller.name or caller.email
            raise ValueError(
                f"{who} may not register a request: it is for a project officer or the"
                " programme manager"
            )

    @register_request.validator
    def _register_request_valid(self, command: RegisterRequest) -> None:
        self._check_sender()
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

"""`mieux request submit`: register a request; the register allocates its reference
`YYYY-NN` and starts the Action in the same update, so a reference always has its Action."""

from __future__ import annotations

import asyncio
import hashlib
import json
import random
import sys
import uuid
from argparse import Namespace

from temporalio.client import (
    WithStartWorkflowOperation,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.service import RPCError, RPCStatusCode

from glossary import Request
from reads.errors import DONE, BadInput, Refused, Unreachable
from reads.session import Session, refusal_reason
from starter.inputs import read_json, validated
from workflows.reference_register import (
    ReferenceRegister,
    RegisterRequest,
    RegisterState,
    Registration,
    register_id,
)

_MAYBE_REGISTERED = (
    "it may still be registered when a worker takes it; see `mieux list`. Submitting the"
    " same file again is safe: it answers with the first reference"
)


# All submissions of a year go to one register workflow, and a Temporal server holds at
# most 10 updates in flight per workflow (`history.maxInFlightUpdates`): beyond that it
# refuses (RESOURCE_EXHAUSTED) or aborts the update. Such a submission is tried again under
# the same update id, which the server answers from the first attempt if that one went
# through, so a retry never allocates a second reference.
ATTEMPTS = 10


def _worth_retrying(error: RPCError) -> bool:
    if error.status == RPCStatusCode.RESOURCE_EXHAUSTED:
        return True
    return error.status == RPCStatusCode.UNAVAILABLE and "aborted" in error.message


def submission_key(request: Request) -> str:
    """The same request file gives the same key: its content, canonical, hashed."""
    canonical = json.dumps(request.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return "content-" + hashlib.sha256(canonical.encode()).hexdigest()[:32]


async def submit_request(session: Session, request: Request, key: str = "") -> Registration:
    """The Action's reference, and whether this key was submitted before."""
    settings = session.settings
    year = request.received_on.year
    client = await session.client()
    command = RegisterRequest(
        request=request,
        policy=settings.policy,
        staff=settings.staff,
        submitted_by=session.identity,
        escalation_webhook=settings.webhook.url is not None,
        key=key or submission_key(request),
    )
    update_id = f"submit-{uuid.uuid4()}"
    for attempt in range(1, ATTEMPTS + 1):
        start = WithStartWorkflowOperation(
            ReferenceRegister.run,
            RegisterState(year=year),
            id=register_id(year),
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            task_queue=settings.task_queue,
        )
        try:
            return await client.execute_update_with_start_workflow(
                ReferenceRegister.register_request_once,
                command,
                start_workflow_operation=start,
                id=update_id,
                rpc_timeout=session.timeout,
            )
        except WorkflowUpdateFailedError as error:
            reason = refusal_reason(error.cause)
            raise Refused(f"the {year} register refused {request.name}: {reason}") from None
        except WorkflowUpdateRPCTimeoutOrCancelledError:
            raise session.no_worker(_MAYBE_REGISTERED) from None
        except RPCError as error:
            if _worth_retrying(error) and attempt < ATTEMPTS:
                await asyncio.sleep(0.1 * attempt + random.random() * 0.1)
                continue
            if error.status == RPCStatusCode.UNAVAILABLE:
                raise Unreachable(
                    f"Temporal is unreachable at {session.address}: {error.message}"
                ) from None
            if error.status in (RPCStatusCode.CANCELLED, RPCStatusCode.DEADLINE_EXCEEDED):
                raise session.no_worker(_MAYBE_REGISTERED) from None
            raise Refused(f"Temporal refused the request {request.name}: {error.message}") from None
    raise AssertionError("unreachable: the last attempt returns or raises")


async def request_submit(session: Session, args: Namespace) -> int:
    request = validated(Request, read_json(args.file), args.file)
    unknown = session.settings.staff.unknown_officer(request.project_officer)
    if unknown:
        raise BadInput(f"{args.file}: project_officer: {unknown}")
    registration = await submit_request(session, request, args.key or "")
    print(registration.reference)
    if registration.already:
        print(
            f"mieux: already submitted as {registration.reference}; no second Action was"
            " started (to register it again as a new request, give another --key)",
            file=sys.stderr,
        )
        return DONE
    from starter.duplicates import warn_of_duplicates

    warning = await warn_of_duplicates(session, request, registration.reference)
    if warning:
        print(warning, file=sys.stderr)
    return DONE

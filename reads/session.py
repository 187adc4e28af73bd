"""One CLI invocation's link to Temporal: the client, and what its errors mean for staff.

Every Temporal failure leaves here as a `CliError` with one line saying what happened:
an unknown reference (exit 2), a closed Action or a refusal (exit 1), an unreachable
server or no worker answering (exit 3).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from temporalio.client import (
    Client,
    WorkflowExecutionDescription,
    WorkflowHandle,
    WorkflowQueryFailedError,
    WorkflowQueryRejectedError,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.exceptions import FailureError
from temporalio.service import RPCError, RPCStatusCode

from config.connection import Connection, SignIn
from config.sources import SettingsError
from reads.errors import BadInput, CliError, Refused, Unreachable
from workflows import search_attributes as sa

if TYPE_CHECKING:
    from config import MieuxSettings
    from glossary import ActionStatus

_TIMED_OUT = (RPCStatusCode.CANCELLED, RPCStatusCode.DEADLINE_EXCEEDED)
_FAILING_TASK = "its workflow task keeps failing; the worker's log says why"


@dataclass(frozen=True)
class Target:
    """The Action a command goes to. Activity commands go there too: the Action checks them
    and relays them to the activity's own workflow (DOMAIN.md §6)."""

    reference: str

    @property
    def workflow_id(self) -> str:
        return f"action-{self.reference}"

    def __str__(self) -> str:
        return f"Action {self.reference}"


def refusal_reason(cause: BaseException) -> str:
    # The workflow's CommandRefused arrives as an ApplicationError whose str() is prefixed
    # with the error type; staff want the sentence alone.
    return cause.message if isinstance(cause, FailureError) else str(cause)


class Session:
    """One invocation's link to Temporal. It reads the connection settings only: the full
    settings (policy, staff, database, SMTP) are read, and checked, when a command first
    asks for them, so a status need not build them."""

    def __init__(
        self,
        settings: MieuxSettings | None = None,
        identity: str | None = None,
        timeout: timedelta = timedelta(seconds=15),
        *,
        connection: Connection | None = None,
        client: Client | None = None,
        token: Callable[[SignIn], Awaitable[str]] | None = None,
    ) -> None:
        if connection is None:
            if settings is None:
                raise TypeError("Session needs the settings or the connection")
            connection = Connection.of(settings)
        self.connection = connection
        self.identity = identity if identity is not None else connection.identity
        self.timeout = timeout
        self._settings = settings
        self._client = client  # given by tests and `mieux dev`; else connected on first use
        # The CLI's signed-in user (`starter.signin.current_token`); the web service signs no
        # one in here: each request carries its own proof.
        self.token = token

    @property
    def settings(self) -> MieuxSettings:
        if self._settings is None:
            from config.settings import load_settings

            try:
                self._settings = load_settings()
            except SettingsError as error:
                raise BadInput(str(error)) from None
        return self._settings

    @property
    def existing_database(self) -> str:
        """The database URL for a command that only reads: a SQLite file that is not there
        is named, never created empty (issue 21: `mieux doc list` run from another folder)."""
        from pathlib import Path

        from sqlalchemy.engine import make_url

        url = self.settings.database_url
        parsed = make_url(url)
        file = parsed.database if parsed.drivername.startswith("sqlite") else None
        if file not in (None, "", ":memory:") and not Path(str(file)).is_file():
            raise BadInput(
                f"no database at {file} (database.url, else state_dir"
                f" {self.settings.state_dir}): run mieux from the folder `make run` runs in,"
                " or set MIEUX_DATABASE__URL"
            )
        return url

    @property
    def address(self) -> str:
        return self.connection.temporal.address

    @property
    def task_queue(self) -> str:
        return self.connection.task_queue

    @property
    def namespace(self) -> str:
        return self.connection.temporal.namespace

    async def client(self, *, models_once_loaded: bool = True) -> Client:
        """The client, connected on first use. A command's converter reads models only once
        pydantic is loaded (`worker.codec`); a worker asks for the pydantic converter as it
        is (`models_once_loaded=False`), the one its workflows' sandbox is tested with."""
        if self._client is None:
            self._client = await self._connect(models_once_loaded)
            await self._sign_in()
        return self._client

    async def _sign_in(self) -> None:
        """Signed in, every command carries the user's token (worker/proof.py checks it)."""
        if not self.connection.auth.issuer or self.token is None:
            return
        from worker.headers import set_token

        set_token(await self.token(self.connection.auth))

    async def _connect(self, models_once_loaded: bool) -> Client:
        from worker.client import connect

        try:
            return await connect(self.connection.temporal, models_once_loaded=models_once_loaded)
        except OSError as error:  # a TLS certificate path that cannot be read
            raise BadInput(f"invalid Temporal TLS setting: {error}") from None
        except (RuntimeError, RPCError) as error:
            raise Unreachable(
                f"Temporal is unreachable at {self.address}"
                f" (namespace {self.namespace}): {_short(error)}"
            ) from None

    async def handle(self, target: Target) -> WorkflowHandle[Any, Any]:
        return (await self.client()).get_workflow_handle(target.workflow_id)

    # -- commands -------------------------------------------------------------------------

    async def update(
        self, target: Target, name: str, payload: dict[str, Any], *, key: str | None = None
    ) -> str:
        """Send the command as an update and wait until the workflow accepts or refuses it.

        The update id is `cli-NAME-KEY`; Temporal answers a repeated id with the first
        update's outcome, so a command re-sent under its key is never applied twice."""
        handle = await self.handle(target)
        used = key or uuid.uuid4().hex[:16]
        update_id = f"cli-{name}-{used}"
        try:
            if key is not None:
                earlier = await self._earlier_outcome(handle, update_id)
                if earlier is not None:
                    return f"already applied under key {key}: {earlier}"
            result = await handle.execute_update(
                name, payload, id=update_id, result_type=str, rpc_timeout=self.timeout
            )
        except WorkflowUpdateFailedError as error:
            raise Refused(refusal_reason(error.cause)) from None
        except WorkflowUpdateRPCTimeoutOrCancelledError:
            raise await self.stuck(
                target,
                "it may still be applied when a worker takes it; check with"
                f" `mieux status {target.reference}`, or send it again with `--key {used}`:"
                " it is then applied once",
            ) from None
        except RPCError as error:
            raise await self.explain(error, target) from None
        return str(result)

    async def _earlier_outcome(self, handle: WorkflowHandle[Any, Any], update_id: str) -> Any:
        """The outcome of an update already sent under this id, or None if there is none."""
        try:
            return await handle.get_update_handle(update_id, result_type=str).result(
                rpc_timeout=self.timeout
            )
        except RPCError as error:
            if error.status == RPCStatusCode.NOT_FOUND:
                return None
            raise

    async def signal(self, target: Target, name: str, payload: dict[str, Any]) -> None:
        """Leave the command with the server: it is delivered when a worker runs again."""
        handle = await self.handle(target)
        try:
            await handle.signal(name, payload, rpc_timeout=self.timeout)
        except RPCError as error:
            raise await self.explain(error, target) from None

    # -- reads ----------------------------------------------------------------------------

    async def status(self, reference: str) -> ActionStatus:
        from glossary import ActionStatus

        status: ActionStatus = await self._query_status(reference, ActionStatus)
        return status

    async def status_json(self, reference: str) -> dict[str, Any]:
        """The status as the workflow wrote it, without building its model."""
        status: dict[str, Any] = await self._query_status(reference, None)
        return status

    async def _query_status(self, reference: str, model: type | None) -> Any:
        target = Target(reference)
        handle = await self.handle(target)
        try:
            return await handle.query("status", result_type=model, rpc_timeout=self.timeout)
        except (WorkflowQueryFailedError, WorkflowQueryRejectedError) as error:
            raise Refused(f"the status of {target} could not be read: {error}") from None
        except RPCError as error:
            raise await self.explain(error, target) from None

    # -- what an RPC error means --------------------------------------------------------

    def failure(self, error: RPCError, what: str) -> CliError:
        """What an RPC error means when no particular Action is concerned."""
        if error.status == RPCStatusCode.UNAVAILABLE:
            return Unreachable(f"Temporal is unreachable at {self.address}: {error.message}")
        if error.status in _TIMED_OUT:
            return Unreachable(
                f"Temporal at {self.address} did not answer within"
                f" {self.timeout.total_seconds():g} s"
            )
        if error.status in (RPCStatusCode.INVALID_ARGUMENT, RPCStatusCode.NOT_FOUND):
            return BadInput(f"{what}: {error.message}")
        return Refused(f"Temporal refused {what}: {error.message}")

    async def explain(self, error: RPCError, target: Target) -> CliError:
        """What an RPC error about one Action (or one of its activities) means."""
        if error.status in _TIMED_OUT:
            return await self.stuck(target)
        if error.status == RPCStatusCode.FAILED_PRECONDITION:
            # The server answers at once when it knows no worker can: none polls the task
            # queue, or the workflow's task keeps failing.
            if "no poller" in error.message:
                return self.no_worker("", waited=False)
            if "failed state" in error.message:
                return Unreachable(f"{target} cannot answer: {_FAILING_TASK}")
        if error.status != RPCStatusCode.NOT_FOUND:
            return self.failure(error, str(target))
        # The workflow id exists but refuses: it has ended, or is ending ("update aborted by
        # closing workflow"). Only a workflow that cannot be described is unknown.
        described = await self._describe(target)
        if described is not None:
            return Refused(f"{target} is {_stage(described)}: it takes no more commands")
        return BadInput(
            f"no Action {target.reference} (no workflow action-{target.reference}"
            f" in namespace {self.namespace} at {self.address})"
        )

    async def _describe(self, target: Target) -> WorkflowExecutionDescription | None:
        handle = await self.handle(target)
        try:
            return await handle.describe(rpc_timeout=self.timeout)
        except RPCError:
            return None

    async def stuck(self, target: Target, consequence: str = "") -> Unreachable:
        """Why a workflow did not answer in time: a failing workflow task, or no worker."""
        described = await self._describe(target)
        if described is not None:
            raw = described.raw_description
            attempt = raw.pending_workflow_task.attempt
            if attempt > 1:
                return Unreachable(f"{target} cannot answer: {_FAILING_TASK} (attempt {attempt})")
        return self.no_worker(consequence)

    def no_worker(self, consequence: str, *, waited: bool = True) -> Unreachable:
        queue = f"task queue {self.task_queue!r} at {self.address}"
        what = (
            f"no worker answered within {self.timeout.total_seconds():g} s on {queue}"
            if waited
            else f"no worker polls {queue}"
        )
        return Unreachable(
            f"{what} (is `mieux worker` running?)" + (f"; {consequence}" if consequence else "")
        )


def _stage(described: WorkflowExecutionDescription) -> str:
    """The stage the workflow last published, else its Temporal status."""
    stage = described.typed_search_attributes.get(sa.STAGE)
    if stage:
        return stage
    return described.status.name.lower() if described.status else "closed"


def _short(error: Exception) -> str:
    text = str(error)
    for known in ("Connection refused", "dns error", "timed out", "Connection reset"):
        if known.lower() in text.lower():
            return known.lower()
    return text.removeprefix("Failed client connect: ")[:200]

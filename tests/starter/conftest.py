"""The CLI against the session's Temporal dev server (`local_env`), with a worker running
the real workflows and the recording Outbox of tests/workflows/support.py.

The CLI runs in-process (`run_async`) for speed; it reads its settings from the
environment, as it does for staff.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
import pytest_asyncio
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from glossary import ActionStatus
from starter.cli import run_async
from tests.workflows.support import (
    Outbox,
    demo_roster_copy,
    running_worker,
    sample_fiche,
    sample_request,
)

T = TypeVar("T")

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

# Action ids are global on the shared dev server: each test takes its own request year.
_years = itertools.count(2101)


@dataclass
class Outcome:
    code: int
    out: str
    err: str


@dataclass
class Cli:
    capsys: pytest.CaptureFixture[str]
    tmp_path: Path
    year: int

    async def __call__(self, *argv: str) -> Outcome:
        self.capsys.readouterr()
        code = await run_async(list(argv))
        captured = self.capsys.readouterr()
        return Outcome(code, captured.out, captured.err)

    async def ok(self, *argv: str) -> str:
        """stdout of a command that must succeed."""
        outcome = await self(*argv)
        assert outcome.code == 0, outcome.err
        assert outcome.err == ""
        return outcome.out

    def file(self, name: str, content: Any) -> str:
        path = self.tmp_path / name
        path.write_text(content if isinstance(content, str) else json.dumps(content))
        return str(path)

    def request_file(self, **changes: Any) -> str:
        changes.setdefault("received_on", f"{self.year}-03-02")
        # One partner per request unless a test says otherwise: two open Actions of one
        # partner on one topic draw the duplicate warning (tested on its own).
        name = changes.get("name", "Kenya III")
        changes.setdefault(
            "requesting_authorities",
            [{"institution": f"Immigration ({name}, {self.tmp_path.name})", "country": "Kenya"}],
        )
        request = sample_request(**changes).model_dump(mode="json")
        return self.file(f"request-{request['name']}.json", request)

    def fiche_file(self, **changes: Any) -> str:
        return self.file("fiche.json", sample_fiche(**changes))

    async def submit(self, **changes: Any) -> str:
        return await self.submit_file(self.request_file(**changes))

    async def submit_file(self, path: str) -> str:
        return (await self.ok("request", "submit", path)).strip()

    async def status(self, reference: str) -> ActionStatus:
        return ActionStatus.model_validate_json(await self.ok("status", reference, "--json"))

    async def to_psg(self, **changes: Any) -> str:
        reference = await self.submit(**changes)
        await self.ok("intake", reference, "accept")
        await self.ok("fiche", "submit", reference, self.fiche_file())
        await self.ok("consult", reference, "--by", "EC services", "--no-objection")
        return reference


def temporal_address(env: WorkflowEnvironment) -> str:
    return env.client.service_client.config.target_host


@pytest.fixture
def cli_env(
    local_env: WorkflowEnvironment,
    task_queue: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> dict[str, str]:
    """The environment a staff member's shell would have, pointing at the test server."""
    env = {
        "TEMPORAL_ADDRESS": temporal_address(local_env),
        "MIEUX_TASK_QUEUE": task_queue,
        "MIEUX_IDENTITY": "tester",
        "MIEUX_STATE_DIR": str(tmp_path / "state"),
    }
    for name in ("MIEUX_CONFIG", "MIEUX_POLICY__WORKING_HOURS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


@pytest.fixture
def year() -> int:
    return next(_years)


@pytest.fixture
def cli(
    cli_env: dict[str, str], capsys: pytest.CaptureFixture[str], tmp_path: Path, year: int
) -> Cli:
    return Cli(capsys, tmp_path, year)


@pytest.fixture
def outbox() -> Outbox:
    return Outbox()


@pytest.fixture
def roster_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The demo roster, shared by the worker's roster activities and the CLI's settings."""
    url = demo_roster_copy(tmp_path)
    monkeypatch.setenv("MIEUX_DATABASE__URL", url)
    return url


@pytest_asyncio.fixture
async def worker(
    local_env: WorkflowEnvironment, task_queue: str, outbox: Outbox, roster_url: str
) -> AsyncIterator[Worker]:
    async with running_worker(local_env, task_queue, outbox, roster_url=roster_url) as running:
        yield running


async def eventually(check: Callable[[], Awaitable[T | None]], seconds: float = 10.0) -> T:
    """Poll `check` until it returns a value: visibility (list) lags writes by design."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while True:
        found = await check()
        if found is not None:
            return found
        assert loop.time() < deadline, f"not true within {seconds} s"
        await asyncio.sleep(0.05)

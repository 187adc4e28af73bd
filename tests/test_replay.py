"""Every recorded history replays with the current workflow code (docs/versioning.md).

An Action runs for months, so the workflow code that resumes it after a deployment must make
the same decisions, in the same order, as the code that started it. A failure here means a
change would break Actions already running: guard it with `workflow.patched(...)`, or, before
anything runs in production, re-record with `make histories`.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import AsyncIterator
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from config.staff import DEFAULT_STAFF
from tests.record_histories import (
    CONVERTER,
    EUDEL,
    HISTORIES,
    PARTNER,
    RECORDING_TRUST,
    SCENARIOS,
    load_history,
    recordable,
    recorded_files,
    released_files,
    scenario_of,
)
from worker.main import WORKFLOWS
from worker.proof import ProofInterceptor, Trust

FILES = recorded_files()
# Kept from earlier releases: replayed too, as long as Actions started on them may run.
RELEASED = released_files()
# 15 scenarios, the implementation ones with their activities: an empty or half-deleted
# folder fails here instead of passing with nothing replayed.
AT_LEAST = 20
ALL = FILES + RELEASED
# The workers as a signed-in deployment runs them: commands recorded before senders were
# proven (no proof in their headers) must replay as they were taken.
REPLAYER = Replayer(
    workflows=WORKFLOWS,
    data_converter=CONVERTER,
    interceptors=[
        ProofInterceptor(Trust(issuer="https://login.example.org/tenant", secret="rotated"))
    ],
)
# Since 0.7 an Action reads at its start whether it checks its senders, so its signals are
# checked on replay too: the histories recorded since replay under the trust they were
# recorded with (the recorder's proof interceptor; 0.7.0's had none, and replay as local).
BEFORE_PROOFS_AT_START = {"0.1.0", "0.2.0", "0.3.0", "0.4.0", "0.5.0", "0.6.0"}
REPLAYER_AS_RECORDED = Replayer(
    workflows=WORKFLOWS,
    data_converter=CONVERTER,
    interceptors=[ProofInterceptor(RECORDING_TRUST)],
)


def _release(path: Path) -> str:
    return path.parent.name if path.parent.parent.name == "released" else ""


def test_every_scenario_has_its_recorded_history():
    assert len(FILES) >= AT_LEAST
    assert {p.stem for p in FILES if "." not in p.stem} == {e.name for e in recordable()}
    # No file left behind by a scenario that was renamed or removed.
    assert {scenario_of(p) for p in FILES} <= {e.name for e in recordable()}


def _id(path: Path) -> str:
    return path.relative_to(HISTORIES).with_suffix("").as_posix()


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def replayed() -> dict[str, Exception | None]:
    """Every history replayed once, all on one replay worker (a worker each is four times
    slower): file name -> the replay's failure, None when it replayed."""
    failures: dict[str, Exception | None] = {}
    for replayer, paths in (
        (REPLAYER, [p for p in ALL if _release(p) in BEFORE_PROOFS_AT_START]),
        (REPLAYER_AS_RECORDED, [p for p in ALL if _release(p) not in BEFORE_PROOFS_AT_START]),
    ):
        histories = {_id(p): load_history(p) for p in paths}

        async def each(histories=histories) -> AsyncIterator[WorkflowHistory]:
            for history in histories.values():
                yield history

        results = await replayer.replay_workflows(each(), raise_on_replay_failure=False)
        failures |= {name: results.replay_failures.get(h.run_id) for name, h in histories.items()}
    return failures


@pytest.mark.parametrize("path", ALL, ids=[_id(p) for p in ALL])
async def test_recorded_history_replays_with_the_current_code(path: Path, replayed):
    # A NondeterminismError (or the workflow task's own error) when the code has diverged.
    failure = replayed[_id(path)]
    if failure is not None:
        raise failure


@pytest.mark.parametrize("path", ALL, ids=[_id(p) for p in ALL])
def test_recorded_history_has_no_failed_workflow_task(path: Path):
    """A failed task in a recording is a bug caught at recording time, not a path to keep."""
    events = load_history(path).events
    assert not [e for e in events if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED]


def _emails(node: Any) -> dict[str, str]:
    """email -> name of every person-shaped object (a dict with both) in a JSON tree."""
    found: dict[str, str] = {}
    if isinstance(node, dict):
        if isinstance(node.get("email"), str):
            found[node["email"].lower()] = str(node.get("name", ""))
        for value in node.values():
            found |= _emails(value)
    elif isinstance(node, list):
        for value in node:
            found |= _emails(value)
    return found


@cache
def _fictitious_people() -> dict[str, str]:
    """The staff of config/staff.py, the demo roster (experts, focal points) and the
    recorder's demo contacts: every person these histories may name."""
    people = _emails(DEFAULT_STAFF.model_dump(mode="json"))
    people |= _emails(json.loads((files("activities") / "roster_demo.json").read_text()))
    people |= _emails([PARTNER.model_dump(mode="json"), EUDEL.model_dump(mode="json")])
    return people


def _decoded(node: Any) -> Any:
    """The history's JSON with every payload's `data` decoded (inputs, results, signals,
    updates, memos): what a reader of the file would find in it."""
    if isinstance(node, dict):
        encoding = node.get("metadata", {}).get("encoding") if "data" in node else None
        if encoding and base64.b64decode(encoding) == b"json/plain":
            return json.loads(base64.b64decode(node["data"]))
        return {key: _decoded(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_decoded(value) for value in node]
    return node


def _strings(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [s for value in node.values() for s in _strings(value)]
    if isinstance(node, list):
        return [s for value in node for s in _strings(value)]
    return [node] if isinstance(node, str) else []


EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


@pytest.mark.parametrize("path", ALL, ids=[_id(p) for p in ALL])
def test_recorded_history_names_only_fictitious_people(path: Path):
    """No personal data in the repository (DOMAIN §5): everyone a history names, by address
    and name, is one of the fictitious people of the staff directory, demo roster or demo
    contacts, and no other address appears anywhere in it."""
    decoded = _decoded(json.loads(path.read_text()))
    known = _fictitious_people()
    people = _emails(decoded)
    assert people, "expected the demo contacts in the payloads (are they still decoded?)"
    assert {e: n for e, n in people.items() if known.get(e) != n} == {}
    addresses = {a.lower() for s in _strings(decoded) if "@" in s for a in EMAIL.findall(s)}
    assert addresses - known.keys() == set()


PENDING = [e.name for e in SCENARIOS.values() if e.pending]


@pytest.mark.xfail(
    bool(PENDING),
    strict=True,
    reason=f"pending until the implementation stage lands: {', '.join(PENDING)}",
)
def test_every_path_of_issue_7_is_recorded():
    # strict: once the last pending scenario is recorded this passes, and the marker (now
    # false) no longer expects a failure.
    issue_7 = {
        "happy_path_to_closed",
        "psg_revise_and_resubmit",
        "hold_and_resume",
        "withdraw_during_implementation",
        "expert_declines_twice_then_nomination",
        "amended_plan",
        "refused_command_in_audit",
    }
    assert issue_7 <= {p.stem for p in FILES}

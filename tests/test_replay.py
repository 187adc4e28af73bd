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
from pathlib import Path
from typing import Any

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from tests.record_histories import SCENARIOS, load_history, recordable, recorded_files
from worker.main import WORKFLOWS

FILES = recorded_files()
# The paths of issue 7 recordable today plus the register's; an empty or half-deleted
# folder fails here instead of passing with nothing replayed.
AT_LEAST = 10
REPLAYER = Replayer(workflows=WORKFLOWS, data_converter=pydantic_data_converter)


def test_every_scenario_has_its_recorded_history():
    assert len(FILES) >= AT_LEAST
    assert {p.stem for p in FILES} == {e.name for e in recordable()}


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
async def test_recorded_history_replays_with_the_current_code(path: Path):
    history = load_history(path)
    # Raises NondeterminismError (or the workflow task's error) when the code has diverged.
    result = await REPLAYER.replay_workflow(history)
    assert result.replay_failure is None


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_recorded_history_has_no_failed_workflow_task(path: Path):
    """A failed task in a recording is a bug caught at recording time, not a path to keep."""
    events = load_history(path).events
    assert not [e for e in events if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED]


# Addresses reserved for documentation (RFC 2606, RFC 6761): they can belong to nobody.
RESERVED = re.compile(r"(^|\.)(example\.(org|com|net)|example|test|invalid|localhost)$")
EMAIL = re.compile(r"[\w.+-]+@([\w-]+(?:\.[\w-]+)+)")


def _payload_texts(node: Any) -> list[str]:
    """The decoded `data` of every payload in a history (inputs, results, signals, memos)."""
    found: list[str] = []
    if isinstance(node, dict):
        if isinstance(node.get("data"), str) and "metadata" in node:
            found.append(base64.b64decode(node["data"]).decode("utf-8", "replace"))
        for value in node.values():
            found += _payload_texts(value)
    elif isinstance(node, list):
        for value in node:
            found += _payload_texts(value)
    return found


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_recorded_history_holds_only_fictitious_contacts(path: Path):
    """No personal data in the repository (DOMAIN §5): every address is a reserved one."""
    document = json.loads(path.read_text())
    texts = [*_payload_texts(document), path.read_text()]
    domains = {m.group(1).lower() for text in texts for m in EMAIL.finditer(text)}
    assert domains, "expected the demo contacts in the payloads (are they still decoded?)"
    assert {d for d in domains if not RESERVED.search(d)} == set()


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

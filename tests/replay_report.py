"""Replay every recorded history with the current workflow code and print the figures.

    .venv/bin/python -m tests.replay_report

Per history: its workflow type, event count and replay time (one replay each, as
tests/test_replay.py does); then the count, the largest and median event counts, and the
time to replay them all on one replay worker. Exits 1 if any history fails to replay.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import time
from collections.abc import AsyncIterator

from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from tests.record_histories import (
    CONVERTER,
    HISTORIES,
    load_history,
    recorded_files,
    released_files,
)
from worker.main import WORKFLOWS


async def report() -> int:
    files = recorded_files() + released_files()
    if not files:
        print("no history in tests/histories: run `make histories`")
        return 1
    histories = [load_history(p) for p in files]
    replayer = Replayer(workflows=WORKFLOWS, data_converter=CONVERTER)
    failed = 0
    print(f"{'history':56} {'type':18} {'events':>6} {'replay':>8}")
    for path, history in zip(files, histories, strict=True):
        began = time.perf_counter()
        result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
        took = time.perf_counter() - began
        kind = history.events[0].workflow_execution_started_event_attributes.workflow_type.name
        verdict = "" if result.replay_failure is None else "  FAILED"
        failed += result.replay_failure is not None
        name = path.relative_to(HISTORIES).as_posix()
        print(f"{name:56} {kind:18} {len(history.events):6} {took * 1000:6.0f} ms{verdict}")

    async def each() -> AsyncIterator[WorkflowHistory]:
        for history in histories:
            yield history

    began = time.perf_counter()
    results = await replayer.replay_workflows(each(), raise_on_replay_failure=False)
    together = time.perf_counter() - began
    counts = [len(h.events) for h in histories]
    print(
        f"{len(histories)} histories; events: largest {max(counts)},"
        f" median {statistics.median(counts):g}, total {sum(counts)};"
        f" all replayed in {together:.2f} s on one replay worker"
        f" ({len(results.replay_failures)} failed)"
    )
    return 1 if failed or results.replay_failures else 0


if __name__ == "__main__":
    code = asyncio.run(report())
    # Leave without interpreter finalisation: processes that used the Temporal runtime
    # crash at exit now and then (TEMPORAL-NOTES.md, sdk-python #300).
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)

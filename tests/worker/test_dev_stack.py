"""`make run` (`mieux dev`) keeps its own Temporal dev server running: killed, it is started
again on the same state, and the stack's worker carries on with the Actions (issue 15)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.conftest import free_port

MIEUX = Path(sys.executable).parent / "mieux"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
LINE_TIMEOUT = 90.0


async def _line(stream: asyncio.StreamReader, starting: str) -> str:
    """The first line that starts with `starting`, skipping the others."""
    while True:
        raw = await asyncio.wait_for(stream.readline(), LINE_TIMEOUT)
        assert raw, f"the stream ended before a line starting {starting!r}"
        if raw.decode().startswith(starting):
            return raw.decode()


async def _mieux(env: dict[str, str], *argv: str) -> tuple[int, str, str]:
    done = await asyncio.to_thread(
        subprocess.run, [str(MIEUX), *argv], env=env, capture_output=True, text=True, check=False
    )
    return done.returncode, done.stdout, done.stderr


def _processes_with(argument: str) -> list[int]:
    """The processes whose command line holds `argument` (what `pgrep -f` reads)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            words = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:  # not a process, or one that has just ended
            continue
        if entry.name.isdigit() and argument.encode() in words:
            found.append(int(entry.name))
    return found


async def test_the_dev_stack_restarts_its_temporal_server_and_its_worker_carries_on(tmp_path):
    temporal, web = free_port(), free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("MIEUX_", "TEMPORAL_"))},
        "MIEUX_STATE_DIR": str(tmp_path / "state"),
        "MIEUX_TASK_QUEUE": f"dev-{temporal}",
        "MIEUX_DEV__TEMPORAL_PORT": str(temporal),
        "MIEUX_DEV__UI_PORT": str(free_port()),
        "MIEUX_DEV__SMTP_PORT": str(free_port()),
        "MIEUX_WEB__PORT": str(web),
        "MIEUX_WEB__BASE_URL": f"http://127.0.0.1:{web}",
        "TEMPORAL_ADDRESS": f"127.0.0.1:{temporal}",
    }
    stack = await asyncio.create_subprocess_exec(
        str(MIEUX), "dev", env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert stack.stdout is not None and stack.stderr is not None
    try:
        await _line(stack.stdout, "mieux-flow is running.")
        code, reference, err = await _mieux(
            env, "request", "submit", str(EXAMPLES / "request.json")
        )
        assert code == 0, err
        reference = reference.strip()

        [server] = _processes_with(str(tmp_path / "state" / "temporal.db"))
        os.kill(server, signal.SIGKILL)
        exited = await _line(stack.stderr, "mieux dev: the Temporal dev server exited")
        back = await _line(stack.stderr, "mieux dev: the Temporal dev server is back")

        # The update waits for the stack's worker to poll the restarted server.
        code, accepted, err = await _mieux(env, "intake", reference, "accept", "--timeout", "60")
        code_status, status, _ = await _mieux(env, "status", reference, "--json")
    finally:
        if stack.returncode is None:
            stack.send_signal(signal.SIGINT)
        await asyncio.wait_for(stack.communicate(), 60)

    assert "exited with -9; starting it again in 1 s" in exited
    assert back.strip() == "mieux dev: the Temporal dev server is back"
    assert (code, accepted) == (0, f"{reference}: accepted; Action Fiche due in 21 days\n"), err
    assert code_status == 0 and '"stage": "fiche_drafting"' in status
    assert stack.returncode == 0

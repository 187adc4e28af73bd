"""Staff commands, process start to exit, against a bare `import temporalio.client`.

Runs its own dev server and an in-process worker, puts one Action at the PSG, then runs, round
by round and side by side so that load on the machine hits both alike:

    python -c "import temporalio.client"          (the floor: the SDK itself)
    mieux status REF --json
    mieux status REF                                   (the table staff read)
    mieux hold REF --reason ...  /  mieux resume REF   (alternating: an applied command)

and prints the medians and the median of the per-round ratios.

    .venv/bin/python -m benchmarks.cli_startup --rounds 20
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.servers import dev_server, recording_worker
from tests.workflows.support import (
    accept,
    action_input,
    sample_fiche,
)
from workflows.action_lifecycle import ActionLifecycle

TASK_QUEUE = "mieux-bench-cli"
MIEUX = str(Path(sys.executable).with_name("mieux"))


def _timed(argv: list[str], env: dict[str, str]) -> float:
    began = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - began
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited {done.returncode}: {done.stderr.strip()}")
    return elapsed


async def run(rounds: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {
        "bare import": [],
        "status --json": [],
        "status": [],
        "hold/resume": [],
    }
    with tempfile.TemporaryDirectory(prefix="mieux-bench-cli-") as folder:
        env = await dev_server()
        try:
            async with recording_worker(env.client, TASK_QUEUE, Path(folder)):
                reference = "2026-01"
                handle = await env.client.start_workflow(
                    ActionLifecycle.run,
                    action_input(reference),
                    id=f"action-{reference}",
                    task_queue=TASK_QUEUE,
                )
                await accept(handle)
                await handle.execute_update("submit_fiche", {"fiche": sample_fiche()})
                shell = os.environ | {
                    "TEMPORAL_ADDRESS": env.client.service_client.config.target_host,
                    "MIEUX_TASK_QUEUE": TASK_QUEUE,
                    "MIEUX_STATE_DIR": folder,
                }
                bare = [sys.executable, "-c", "import temporalio.client"]
                status_json = [MIEUX, "status", reference, "--json"]
                status = [MIEUX, "status", reference]
                for n in range(rounds):
                    command = (
                        [MIEUX, "hold", reference, "--reason", f"round {n}"]
                        if n % 2 == 0
                        else [MIEUX, "resume", reference]
                    )
                    times["bare import"].append(await asyncio.to_thread(_timed, bare, shell))
                    times["status --json"].append(
                        await asyncio.to_thread(_timed, status_json, shell)
                    )
                    times["status"].append(await asyncio.to_thread(_timed, status, shell))
                    times["hold/resume"].append(await asyncio.to_thread(_timed, command, shell))
        finally:
            await env.shutdown()
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20, help="rounds of the four (default 20)")
    args = parser.parse_args(argv)
    if args.rounds < 2:
        parser.error("--rounds: at least 2")
    times = asyncio.run(run(args.rounds))
    bare = times["bare import"]
    print(f"{args.rounds} rounds, {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}")
    print(f"{'':14} {'median':>8} {'min':>8} {'ratio to bare (median of rounds)':>34}")
    for name, xs in times.items():
        ratio = statistics.median(x / b for x, b in zip(xs, bare, strict=True))
        print(f"{name:14} {statistics.median(xs):7.3f}s {min(xs):7.3f}s {ratio:33.2f}x")
    return 0


if __name__ == "__main__":
    code = main()
    # The Temporal runtime can crash at interpreter exit (TEMPORAL-NOTES.md): the figures are
    # printed, so leave without the interpreter's teardown.
    sys.stdout.flush()
    os._exit(code)

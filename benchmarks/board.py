"""The board and `mieux list` with many open Actions (issue 24).

Its own dev server and a worker process (`benchmarks.parked_actions --worker`: the real
workflows, the tests' recording Outbox), then, for each N asked for (cumulative: 100, then
900 more, ...), parks Actions on their intake clock and measures, side by side so that the
machine's load hits all alike:

    GET /board                       the first page (the web app in this process, over ASGI)
    GET /board?region=...&officer=   a filtered page
    mieux list                       process start to exit, every open Action
    python -c "import temporalio.client"   the floor: the SDK itself

and prints the median and 95th percentile of each, and the worker's resident memory.

    .venv/bin/python -m benchmarks.board --actions 100 --actions 1000 --actions 10000
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time

import httpx

from benchmarks.cli_startup import MIEUX, _timed
from benchmarks.parked_actions import TASK_QUEUE, _park, _protocol_lines, _rss_mib
from benchmarks.servers import dev_server
from config.settings import MieuxSettings, WebSettings
from web.app import create_app

FILTERED = "/board?region=Sub-Saharan+Africa&officer=po.martin&stage=intake"


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


async def _board_times(web: httpx.AsyncClient, path: str, rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        began = time.perf_counter()
        page = await web.get(path)
        times.append(time.perf_counter() - began)
        if page.status_code != 200 or "/actions/" not in page.text:
            raise SystemExit(f"GET {path}: {page.status_code}")
    return times


async def run(levels: list[int], rounds: int) -> None:
    env = await dev_server()
    address = env.client.service_client.config.target_host
    worker = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "benchmarks.parked_actions", "--worker", address, "--cache", "250",
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert worker.stdout and worker.stdin
    lines: asyncio.Queue[str] = asyncio.Queue()
    reader = asyncio.create_task(_protocol_lines(worker.stdout, lines))
    while await lines.get() != "ready":
        pass
    settings = MieuxSettings(
        task_queue=TASK_QUEUE, web=WebSettings(secret="benchmark", base_url="http://bench")
    )
    app = create_app(settings, env.client)
    print(f"{os.cpu_count()} cores; {rounds} rounds per figure; seconds (median / p95)")
    print(
        f"{'open':>7} {'park s':>7} {'board p1':>15} {'board filtered':>15} {'mieux list':>15}"
        f" {'bare import':>15} {'list/bare':>9} {'worker RSS':>10}"
    )
    parked = 0
    try:
        with tempfile.TemporaryDirectory(prefix="mieux-bench-board-") as folder:
            shell = os.environ | {
                "TEMPORAL_ADDRESS": address,
                "MIEUX_TASK_QUEUE": TASK_QUEUE,
                "MIEUX_STATE_DIR": folder,
            }
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as web:
                for level in levels:
                    park_s = await _park(env.client, f"board-{level}", level - parked, "intake")
                    parked = level
                    first = await _board_times(web, "/board", rounds)
                    filtered = await _board_times(web, FILTERED, rounds)
                    listing, bare = [], []
                    for _ in range(max(rounds // 4, 3)):
                        listing.append(await asyncio.to_thread(_timed, [MIEUX, "list"], shell))
                        python = [sys.executable, "-c", "import temporalio.client"]
                        bare.append(await asyncio.to_thread(_timed, python, shell))
                    ratio = statistics.median(x / b for x, b in zip(listing, bare, strict=True))
                    print(
                        f"{level:>7} {park_s:7.1f}"
                        + "".join(
                            f" {statistics.median(x):7.3f}/{_p95(x):7.3f}"
                            for x in (first, filtered, listing, bare)
                        )
                        + f" {ratio:9.2f} {_rss_mib(worker.pid):9.0f}M",
                        flush=True,
                    )
    finally:
        worker.stdin.write(b"\n")
        await worker.stdin.drain()
        await asyncio.wait_for(worker.wait(), 60)
        reader.cancel()
        await env.shutdown()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, action="append", help="open Actions (cumulative)")
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args(argv)
    levels = sorted(args.actions or [100, 1000])
    if levels[0] < 1 or args.rounds < 1:
        parser.error("--actions and --rounds at least 1")
    asyncio.run(run(levels, args.rounds))
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    os._exit(code)  # the Temporal runtime can crash at interpreter exit (TEMPORAL-NOTES.md)

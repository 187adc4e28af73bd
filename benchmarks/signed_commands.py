"""A signed-in command against the same command today (issue 20): `mieux status` and
`mieux approve`, process start to exit, paired round by round.

Runs its own dev server, a real OpenID Connect provider (tests/oidc_provider.py) and two
in-process workers: one in the local single-user mode (as `make run` is, and as every
deployment was before sign-in), one trusting the provider. Each round puts one Action at the
PSG on each, then times, side by side:

    mieux status REF                              (local)  /  (signed in: token read, sent)
    mieux approve REF --member EEAS               (local)  /  (signed in: checked by the worker)

and prints the medians and the median of the per-round ratios signed/local.

    .venv/bin/python -m benchmarks.signed_commands --rounds 15
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
from pathlib import Path

import httpx
from temporalio.client import Client

from benchmarks.cli_startup import _timed
from benchmarks.servers import dev_server
from config.connection import SignIn
from starter.signin import _save
from tests.oidc_provider import running_provider
from tests.workflows.support import Outbox, action_input, proving, running_worker, sample_fiche
from worker.headers import sending
from worker.proof import Trust
from workflows.action_lifecycle import ActionLifecycle

MIEUX = str(Path(sys.executable).with_name("mieux"))


def _device_sign_in(issuer: str, sub: str) -> dict[str, str]:
    """The tokens `mieux login` would keep, through the provider's device grant."""
    document = httpx.get(f"{issuer}/.well-known/openid-configuration").json()
    grant = httpx.post(
        document["device_authorization_endpoint"],
        data={"client_id": "mieux", "scope": "openid email profile offline_access"},
    ).json()
    httpx.post(f"{issuer}/device", data={"user_code": grant["user_code"], "sub": sub})
    return httpx.post(
        document["token_endpoint"],
        data={
            "grant_type": "urn:ietf:params:oauth:grant-type:device_code",
            "device_code": grant["device_code"],
            "client_id": "mieux",
        },
    ).json()


async def _at_psg(client: Client, queue: str, reference: str, token: str | None) -> None:
    handle = await client.start_workflow(
        ActionLifecycle.run, action_input(reference), id=f"action-{reference}", task_queue=queue
    )
    with sending(token=token):
        await handle.execute_update("intake_decision", {"decision": "accept"})
        await handle.execute_update("submit_fiche", {"fiche": sample_fiche()})
        await handle.execute_update("consultation_feedback", {"organisation": "EC services"})


async def run(rounds: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {k: [] for k in ("status", "approve")}
    signed: dict[str, list[float]] = {k: [] for k in ("status", "approve")}
    with tempfile.TemporaryDirectory(prefix="mieux-bench-signed-") as folder:
        env = await dev_server()
        client = proving(env.client)
        try:
            with running_provider() as provider:
                trust = Trust(issuer=provider.issuer, audience="mieux", secret="bench")
                await trust.load_keys()
                auth = SignIn(issuer=provider.issuer)
                shell = os.environ | {
                    "TEMPORAL_ADDRESS": env.client.service_client.config.target_host,
                    "MIEUX_STATE_DIR": folder,
                    "XDG_CONFIG_HOME": f"{folder}/config",
                }
                os.environ["XDG_CONFIG_HOME"] = f"{folder}/config"
                officer = _device_sign_in(provider.issuer, "po.martin")["id_token"]
                _save(auth, _device_sign_in(provider.issuer, "psg.eeas"))
                local = shell | {"MIEUX_TASK_QUEUE": "bench-local"}
                proven = shell | {"MIEUX_TASK_QUEUE": "bench-signed"}
                proven["MIEUX_AUTH__ISSUER"] = provider.issuer
                async with (
                    running_worker(env, "bench-local", Outbox()),
                    running_worker(env, "bench-signed", Outbox(), trust=trust),
                ):
                    for n in range(rounds):
                        ref_local, ref_signed = f"2026-{100 + n}", f"2027-{100 + n}"
                        await _at_psg(client, "bench-local", ref_local, None)
                        await _at_psg(client, "bench-signed", ref_signed, officer)
                        for name, argv_local, argv_signed in (
                            ("status", ["status", ref_local], ["status", ref_signed]),
                            (
                                "approve",
                                ["approve", ref_local, "--member", "EEAS"],
                                ["approve", ref_signed, "--member", "EEAS"],
                            ),
                        ):
                            times[name].append(
                                await asyncio.to_thread(_timed, [MIEUX, *argv_local], local)
                            )
                            signed[name].append(
                                await asyncio.to_thread(_timed, [MIEUX, *argv_signed], proven)
                            )
        finally:
            await env.shutdown()
    return {
        "status (today)": times["status"],
        "status (signed in)": signed["status"],
        "approve (today)": times["approve"],
        "approve (signed in)": signed["approve"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15, help="rounds (default 15)")
    args = parser.parse_args(argv)
    if args.rounds < 2 or args.rounds > 800:
        parser.error("--rounds: from 2 to 800")
    times = asyncio.run(run(args.rounds))
    print(f"{args.rounds} rounds, {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}")
    print(f"{'':20} {'median':>8} {'min':>8} {'signed/today (median of rounds)':>33}")
    for name, xs in times.items():
        ratio = ""
        if name.endswith("(signed in)"):
            today = times[name.replace("(signed in)", "(today)")]
            ratio = f"{statistics.median(x / t for x, t in zip(xs, today, strict=True)):.2f}x"
        print(f"{name:20} {statistics.median(xs):7.3f}s {min(xs):7.3f}s {ratio:>33}")
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    os._exit(code)  # the Temporal runtime can crash at interpreter exit (TEMPORAL-NOTES.md)

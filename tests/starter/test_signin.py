"""`mieux login` (the device authorization grant against a real provider), `whoami`,
`logout`, and what a signed-in command proves (issue 20)."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from config.staff import DEFAULT_STAFF
from tests.oidc_provider import Provider, running_provider
from tests.starter.conftest import Cli
from tests.workflows.support import Outbox, running_worker
from worker.proof import Trust

MIEUX = Path(sys.executable).parent / "mieux"


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    with running_provider() as running:
        yield running


@pytest.fixture
def signed_env(
    cli_env: dict[str, str],
    provider: Provider,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> dict[str, str]:
    env = {
        **cli_env,
        "MIEUX_AUTH__ISSUER": provider.issuer,
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    monkeypatch.delenv("MIEUX_IDENTITY", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    env.pop("MIEUX_IDENTITY", None)
    return env


@pytest_asyncio.fixture
async def proving_worker(
    local_env: WorkflowEnvironment, task_queue: str, provider: Provider, roster_url: str
) -> AsyncIterator[Worker]:
    trust = Trust(
        issuer=provider.issuer,
        audience="mieux",
        secret="workers-secret",
        directory=DEFAULT_STAFF,
    )
    await trust.load_keys()
    async with running_worker(
        local_env, task_queue, Outbox(), roster_url=roster_url, trust=trust
    ) as running:
        yield running


async def login(provider: Provider, env: dict[str, str], sub: str) -> tuple[int, str]:
    """`mieux login` in its own process; the person approves the code at the provider."""
    process = await asyncio.create_subprocess_exec(
        str(MIEUX),
        "login",
        env={**os.environ, **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    prompt = (await process.stdout.readline()).decode()
    code = prompt.rsplit(" ", 1)[1].strip()
    assert prompt.startswith(f"To sign in, open {provider.issuer}/device")
    async with httpx.AsyncClient() as http:
        approved = await http.post(
            f"{provider.issuer}/device", data={"user_code": code, "sub": sub}
        )
    assert approved.text == "approved"
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    return process.returncode, out.decode()


@pytest.mark.usefixtures("proving_worker")
async def test_a_command_needs_a_sign_in_and_then_names_the_signed_in_person(
    cli: Cli, provider: Provider, signed_env: dict[str, str]
) -> None:
    before = await cli("request", "submit", cli.request_file())
    assert before.code == 2
    assert before.err == f"mieux: not signed in to {provider.issuer}: run `mieux login`\n"

    _, said = await login(provider, signed_env, "po.martin")
    reference = await cli.submit()
    assert said == "signed in as Claire Martin <po.martin@mieux.example.org>\n"
    assert (await cli.ok("whoami")).startswith(
        f"Claire Martin <po.martin@mieux.example.org>, signed in to {provider.issuer} until "
    )
    cache = Path(signed_env["XDG_CONFIG_HOME"]) / "mieux" / "tokens.json"
    assert cache.stat().st_mode & 0o777 == 0o600

    await cli.ok("intake", reference, "accept")
    status = await cli.status(reference)
    assert (status.stage, status.audit[-1].by) == ("fiche_drafting", "po.martin")

    typed = await cli("--as", "intern.bob", "hold", reference, "--reason", "a test")
    assert (typed.code, typed.err) == (
        2,
        "mieux: --as is not taken when staff sign in (auth.issuer): see `mieux whoami`\n",
    )
    withdraw = await cli("withdraw", reference, "--reason", "the partner withdrew")
    assert withdraw.code == 1
    assert withdraw.err.startswith("mieux: refused: Claire Martin may not send withdraw")
    assert (await cli.status(reference)).stage == "fiche_drafting"

    assert (await cli.ok("logout")) == f"signed out of {provider.issuer}\n"
    after = await cli("hold", reference, "--reason", "after sign-out")
    assert after.code == 2 and "run `mieux login`" in after.err


@pytest.mark.usefixtures("proving_worker")
async def test_a_psg_desk_signed_in_may_not_register_a_request(
    cli: Cli, provider: Provider, signed_env: dict[str, str]
) -> None:
    await login(provider, signed_env, "psg.eeas")
    outcome = await cli("request", "submit", cli.request_file())
    assert outcome.code == 1
    assert outcome.err.endswith(
        "EEAS desk may not register a request: it is for a project officer or the"
        " programme manager\n"
    )


async def test_a_signed_in_deployments_worker_will_not_start_without_the_workers_secret(
    cli: Cli, signed_env: dict[str, str], tmp_path: Path
) -> None:
    outcome = await cli("worker")
    assert outcome.code == 2
    assert outcome.err.startswith("mieux: auth.issuer needs web.secret (MIEUX_WEB__SECRET)")
    assert not (tmp_path / "state").exists()  # refused before anything was created

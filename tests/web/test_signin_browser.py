"""A staff member signs in through a real OpenID Connect provider in a real browser and
casts a PSG vote from the case page (issue 20); strangers get neither pages nor payloads."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from config.settings import AuthSettings
from tests.conftest import free_port
from tests.oidc_provider import Provider, running_provider, signed_token
from tests.web.support import SECRET, start
from tests.web.test_browser import IMAGES, browser_page, web_service, web_settings
from tests.workflows.support import (
    Outbox,
    action_input,
    proving,
    running_worker,
    sample_fiche,
    status_of,
)
from worker.headers import sending
from worker.proof import Trust


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    with running_provider() as running:
        yield running


@contextlib.asynccontextmanager
async def at_psg_with_signin(
    env: WorkflowEnvironment, task_queue: str, provider: Provider
) -> AsyncIterator[tuple[WorkflowHandle[Any, Any], str]]:
    """A worker and `mieux web` trusting the provider, and an Action at the PSG (its
    officer signed in); yields the Action and the web service's address."""
    client = proving(env.client)
    trust = Trust(issuer=provider.issuer, audience="mieux", secret=SECRET)
    await trust.load_keys()
    port = free_port()
    settings = web_settings(
        task_queue,
        port,
        auth=AuthSettings(issuer=provider.issuer, client_id="mieux", client_secret="web-client"),
    )
    async with (
        running_worker(env, task_queue, Outbox(), trust=trust),
        web_service(settings, client),
    ):
        handle = await start(client, task_queue, action_input())
        with sending(token=signed_token(provider, "po.martin")):
            await handle.execute_update("intake_decision", {"decision": "accept"})
            await handle.execute_update("submit_fiche", {"fiche": sample_fiche()})
            await handle.execute_update("consultation_feedback", {"organisation": "EC services"})
        yield handle, f"http://127.0.0.1:{port}"


async def test_a_psg_desk_signs_in_and_votes_from_the_case_page(
    time_skipping_env: WorkflowEnvironment, task_queue: str, provider: Provider
) -> None:
    async with at_psg_with_signin(time_skipping_env, task_queue, provider) as (handle, base):
        reference = handle.id.removeprefix("action-")
        case = f"{base}/actions/{reference}"

        async with httpx.AsyncClient() as stranger:
            page = await stranger.get(case)
            assert (page.status_code, page.headers["location"]) == (
                303,
                f"/signin?next=/actions/{reference}",
            )
            board = await stranger.get(f"{base}/board")
            assert board.status_code == 303
            decode = await stranger.post(f"{base}/codec/decode", json={"payloads": []})
            assert decode.status_code == 401

        async with browser_page() as page:
            await page.goto(case)
            # The provider's own sign-in form: the desk picks who they are.
            await page.get_by_role("button", name="psg.eeas").click()
            await page.locator("#vote").wait_for()
            await page.select_option("#decision", "approve")
            await page.fill("#comment", "EEAS supports the Action.")
            await page.get_by_role("button", name="Cast the vote").click()
            said = await page.locator("#vote-outcome").inner_text()
            IMAGES.mkdir(parents=True, exist_ok=True)
            await page.screenshot(path=str(IMAGES / "signed-in-vote.png"), full_page=True)
            codec = await page.evaluate(
                """async (url) => (await fetch(url, {method: 'POST',
                   headers: {'content-type': 'application/json'},
                   body: JSON.stringify({payloads: []})})).status""",
                f"{base}/codec/decode",
            )
            # A desk of one body may not vote for another, whatever the form says.
            await page.goto(case)
            options = await page.locator("#member option").all_inner_texts()

        assert said == "EEAS voted 'approved' (round 1)"
        assert codec == 200
        assert options == []  # EEAS has voted; the form offers nothing more
        status = await status_of(handle)
        assert [(v.member, v.by, v.comment) for v in status.psg_votes] == [
            ("EEAS", "psg.eeas", "EEAS supports the Action.")
        ]


async def test_a_forged_vote_form_for_another_body_is_refused_by_the_workflow(
    time_skipping_env: WorkflowEnvironment, task_queue: str, provider: Provider
) -> None:
    """The page offers EEAS only; a hand-made form for DG_HOME reaches the workflow and is
    refused there, where no client goes around the check."""
    async with at_psg_with_signin(time_skipping_env, task_queue, provider) as (handle, base):
        reference = handle.id.removeprefix("action-")
        async with browser_page() as page:
            await page.goto(f"{base}/actions/{reference}")
            await page.get_by_role("button", name="psg.eeas").click()
            await page.locator("#vote").wait_for()
            await page.evaluate(
                "document.querySelector('#member').innerHTML ="
                " '<option value=\"DG_HOME\">DG_HOME</option>'"
            )
            await page.get_by_role("button", name="Cast the vote").click()
            said = await page.locator("#vote-outcome").inner_text()
        assert said == "EEAS desk votes for EEAS, not for DG_HOME"
        assert (await status_of(handle)).psg_votes == []

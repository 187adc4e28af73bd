"""As a person would: a real email caught by the SMTP server, its link opened in a real
browser (Debian's chromium, driven by Playwright with `executable_path`), the form
submitted, the confirmation page read; and the Temporal UI showing a decrypted Action
through our codec endpoint. Screenshots go to docs/images/."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.answer_links import AnswerLinks
from activities.documents import DocumentActivities
from activities.email import EmailActivities
from config.settings import MieuxSettings, SmtpSettings, TemporalSettings, WebSettings
from tests.activities.support import bodies
from tests.conftest import SmtpServer, free_port
from tests.web.support import SECRET, start
from tests.workflows.support import (
    Outbox,
    action_input,
    activity,
    activity_plan,
    demo_roster_copy,
    roster_activities,
    status_of,
    to_implementation,
    until,
)
from web.server import EmbeddedServer, server
from worker.binaries import temporal_cli
from worker.codec import data_converter, new_key
from worker.main import WORKFLOWS
from workflows import search_attributes

# The README's screenshots are refreshed with MIEUX_SCREENSHOTS=1; other runs keep theirs
# in a temporary folder, so a test run leaves the working tree as it found it.
IMAGES = (
    Path(__file__).resolve().parents[2] / "docs" / "images"
    if os.environ.get("MIEUX_SCREENSHOTS")
    else Path(tempfile.gettempdir()) / "mieux-screenshots"
)
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# CI installs chromium (.ci/run); only a developer's machine without it may skip.
pytestmark = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"),
    reason="Debian's chromium is not installed (apt-get install chromium)",
)
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextlib.asynccontextmanager
async def browser_page() -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    assert CHROMIUM is not None, "chromium is needed in CI: .ci/run installs it"
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=BROWSER_ARGS
        )
        try:
            page = await browser.new_page(viewport={"width": 1200, "height": 800})
            yield page
        finally:
            await browser.close()


@contextlib.asynccontextmanager
async def web_service(settings: MieuxSettings, client: Client) -> AsyncIterator[None]:
    """The real service on a loopback port, as `mieux web` serves it."""
    web = server(settings, client, cls=EmbeddedServer)
    task = asyncio.create_task(web.serve())
    try:
        while not web.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.02)  # waiting for a listening socket, not for the code
        yield
    finally:
        web.should_exit = True
        await task


def web_settings(task_queue: str, port: int, **more: Any) -> MieuxSettings:
    base = f"http://127.0.0.1:{port}"
    return MieuxSettings(
        task_queue=task_queue,
        web=WebSettings(secret=SECRET, base_url=base, host="127.0.0.1", port=port),
        **more,
    )


async def test_an_expert_confirms_in_a_browser_from_the_invitation_email(
    time_skipping_env: WorkflowEnvironment,
    task_queue: str,
    smtp_server: SmtpServer,
    tmp_path: Path,
):
    env, outbox = time_skipping_env, Outbox()
    port = free_port()
    settings = web_settings(task_queue, port)
    database = f"sqlite:///{tmp_path / 'mieux.db'}"
    email = EmailActivities(
        SmtpSettings(host=smtp_server.host, port=smtp_server.port),
        database,
        links=AnswerLinks(settings.web.base_url, SECRET),
    )
    documents = DocumentActivities(database)
    async with (
        Worker(
            env.client,
            task_queue=task_queue,
            workflows=WORKFLOWS,
            activities=[
                email.send_notice,
                documents.write_document,
                outbox.post_escalation,
                *roster_activities(demo_roster_copy(tmp_path)),
            ],
        ),
        web_service(settings, env.client),
    ):
        today = (await env.get_current_time()).date()
        handle = await start(env.client, task_queue, action_input())
        await to_implementation(handle, activity_plan(today + timedelta(days=40), 1))
        message = await _arrived(smtp_server)
        text, html = bodies(message)
        confirm = re.search(r'href="([^"]+/confirm)"', html)
        assert confirm is not None and confirm.group(1) in text

        async with browser_page() as page:
            opened = await page.goto(confirm.group(1))
            assert opened is not None and opened.status == 200
            await page.get_by_text("MIEUX 2026-01").first.wait_for()
            IMAGES.mkdir(parents=True, exist_ok=True)
            await page.screenshot(path=str(IMAGES / "answer-page.png"), full_page=True)
            began = asyncio.get_running_loop().time()
            await page.get_by_role("button", name="Confirm").click()
            outcome = page.locator("#outcome")
            await outcome.wait_for()
            took = asyncio.get_running_loop().time() - began
            said = await outcome.inner_text()
            await page.screenshot(path=str(IMAGES / "confirmation-page.png"), full_page=True)
        print(f"\nclick to recorded: {took * 1000:.0f} ms")
        assert said.startswith("Thank you: your confirmation for the workshop in Nairobi")
        status = await until(
            handle,
            lambda s: any(e.state == "confirmed" for e in activity(s, 1).experts),
        )
        confirmed = [e for e in activity(status, 1).experts if e.state == "confirmed"]
        assert len(confirmed) == 1
        assert status.audit[-1].command == "expert_response"


async def _arrived(smtp: SmtpServer) -> Any:
    """The first invitation to an expert, once the SMTP server has it."""

    def invitation(inbox: Any) -> Any:
        for message in inbox.messages:
            invited = "You are invited to contribute as an expert" in bodies(message)[0]
            if message["X-Mieux-Notice"] == "invitation" and invited:
                return message
        return None

    return await smtp.inbox.wait_for(invitation)


@pytest_asyncio.fixture(loop_scope="session")
async def encrypted_dev_server() -> AsyncIterator[tuple[WorkflowEnvironment, str, int, int]]:
    """A dev server with its UI pointed at our codec endpoint, payloads encrypted."""
    key, web_port, ui_port = new_key(), free_port(), free_port()
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=temporal_cli(),
        data_converter=data_converter(key),
        search_attributes=search_attributes.ALL,
        ui=True,
        ui_port=ui_port,
        dev_server_log_level="error",
        dev_server_extra_args=["--ui-codec-endpoint", f"http://127.0.0.1:{web_port}/codec"],
    )
    yield env, key, web_port, ui_port
    await env.shutdown()


async def test_the_temporal_ui_shows_an_encrypted_action_decoded_by_our_codec_endpoint(
    encrypted_dev_server: tuple[WorkflowEnvironment, str, int, int],
    task_queue: str,
):
    env, key, web_port, ui_port = encrypted_dev_server
    target = env.client.service_client.config.target_host
    settings = web_settings(
        task_queue,
        web_port,
        temporal=TemporalSettings(address=target, payload_key=key),
    ).model_copy(
        update={
            "web": WebSettings(
                secret=SECRET,
                base_url=f"http://127.0.0.1:{web_port}",
                port=web_port,
                ui_origin=f"http://127.0.0.1:{ui_port}",
                ui_url=f"http://127.0.0.1:{ui_port}",
            )
        }
    )
    outbox = Outbox()
    async with (
        Worker(
            env.client,
            task_queue=task_queue,
            workflows=WORKFLOWS,
            activities=outbox.activities_without_a_database(),
        ),
        web_service(settings, env.client),
    ):
        handle = await start(env.client, task_queue, action_input())
        await status_of(handle)
        # What the server stores is ciphertext: the history's input has no clear text.
        history = await handle.fetch_history()
        stored = history.events[0].workflow_execution_started_event_attributes.input
        assert b"Kenya III" not in stored.SerializeToString()
        async with browser_page() as page:
            url = f"http://127.0.0.1:{ui_port}/namespaces/default/workflows/{handle.id}"
            await page.goto(url)
            shown = page.get_by_text("Kenya III").first
            await shown.wait_for(timeout=20000)
            IMAGES.mkdir(parents=True, exist_ok=True)
            await page.screenshot(path=str(IMAGES / "temporal-ui-decoded.png"))


async def test_the_board_in_a_browser_lists_open_actions_and_links_their_case_pages(
    local_env: WorkflowEnvironment, task_queue: str
):
    import uuid

    env, outbox = local_env, Outbox()
    port = free_port()
    settings = web_settings(task_queue, port)
    year = 3000 + uuid.uuid4().int % 5000
    async with (
        Worker(
            env.client,
            task_queue=task_queue,
            workflows=WORKFLOWS,
            activities=outbox.activities_without_a_database(),
        ),
        web_service(settings, env.client),
    ):
        handles = []
        for n, changes in enumerate(
            [
                {},
                {"region": "Central Asia", "name": "Uzbekistan II", "countries": ["Uzbekistan"]},
                {"name": "Cabo Verde IV", "countries": ["Cabo Verde"]},
            ],
            start=1,
        ):
            handles.append(
                await start(env.client, task_queue, action_input(f"{year}-0{n}", **changes))
            )
        await handles[1].execute_update(
            "intake_decision", {"decision": "accept", "by": "po.martin"}
        )
        await handles[2].execute_update("hold", {"reason": "elections", "by": "pm.rossi"})
        async with browser_page() as page:
            for _ in range(100):
                await page.goto(f"http://127.0.0.1:{port}/board")
                text = await page.locator("#board").inner_text()
                if all(f"{year}-0{n}" in text for n in (1, 2, 3)) and "on hold" in text:
                    break
                await asyncio.sleep(0.1)  # visibility catches up with the workflows
            assert "Uzbekistan II" in text and "Action Fiche drafting" in text
            IMAGES.mkdir(parents=True, exist_ok=True)
            await page.screenshot(path=str(IMAGES / "board.png"), full_page=True)
            await page.get_by_role("link", name="status").first.click()
            await page.get_by_text("Audit trail").wait_for()
            assert f"{year}-0" in await page.locator("h1").inner_text()

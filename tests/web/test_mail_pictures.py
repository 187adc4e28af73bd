"""The mails of one standard Action as their recipients read them, in a real browser: the
partner, an expert and a PSG member desk (issue 21). Each picture is checked for what its
reader needs (the Action, the answer buttons, no roster code where a person reads), and,
with MIEUX_SCREENSHOTS=1, written to docs/images/."""

from __future__ import annotations

import pytest
from temporalio.testing import WorkflowEnvironment

from activities.answer_links import AnswerLinks
from activities.compose import render_bodies
from tests.notice_timeline import drive
from tests.web.test_browser import CHROMIUM, IMAGES, browser_page
from tests.workflows.support import Outbox

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")

READERS = {
    "mail-partner-validation.png": ("validation_request", "partner_focal_point"),
    "mail-expert-invitation.png": ("invitation", "expert"),
    "mail-psg-vote-request.png": ("vote_request", "psg:EEAS"),
}


async def test_each_recipient_reads_their_mail_with_its_answer_buttons(
    time_skipping_env: WorkflowEnvironment,
) -> None:
    outbox = Outbox()
    await drive(time_skipping_env, outbox)
    links = AnswerLinks("https://mieux.example.org", "secret-for-the-pictures")
    async with browser_page() as page:
        for picture, (kind, role) in READERS.items():
            sent = next(s for s in outbox.matching(kind) if s.notice.to.role == role)
            _, html = render_bodies(sent.notice, links.for_notice(sent.notice))
            await page.set_content(html)
            text = await page.inner_text("body")
            IMAGES.mkdir(parents=True, exist_ok=True)
            await page.screenshot(path=str(IMAGES / picture), full_page=True)
            assert f"MIEUX {sent.notice.reference}" in text, picture
            buttons = [link.label for link in links.for_notice(sent.notice)]
            assert buttons and all(label in text for label in buttons), picture
            if role == "expert":
                assert sent.notice.to.id not in text.split("Attached")[0], picture


async def test_the_partner_opens_the_validation_page_from_the_mail(
    time_skipping_env: WorkflowEnvironment, task_queue: str
) -> None:
    """The page behind the partner's "Validate the deliverables" button, in a browser."""
    from tests.web.support import links, web_client
    from tests.workflows.support import running_worker
    from tests.workflows.test_notices import _completed

    outbox = Outbox()
    env = time_skipping_env
    async with running_worker(env, task_queue, outbox), web_client(env.client, task_queue) as web:
        await _completed(env, task_queue)
        request = next(iter(outbox.matching("validation_request")))
        answer = await web.get(links(request)["validate"])
    assert answer.status_code == 200
    async with browser_page() as page:
        await page.set_content(answer.text)
        text = await page.inner_text("body")
        IMAGES.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(IMAGES / "page-partner-validation.png"), full_page=True)
    assert "Validation of the deliverables" in text
    assert "the partner's validation of the Action's deliverables" in text
    assert "Validate the deliverables" in text

"""Answer pages in the reader's language, as they open them (issue 23): real notices caught
by the SMTP server, their links opened in chromium. A French EU Delegation (Niger) answers
the consultation, an Arabic one (Jordan) reads its page right to left, a Spanish expert
confirms. Screenshots go to docs/images/ with MIEUX_SCREENSHOTS=1."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.answer_links import AnswerLinks
from activities.documents import DocumentActivities
from activities.email import EmailActivities
from config.settings import SmtpSettings
from glossary.answers import AnswerRequest, AnswerStep, AnswerToken, sign
from glossary.languages import Language
from glossary.people import Contact
from tests.activities.support import bodies
from tests.conftest import SmtpServer, free_port
from tests.web.support import SECRET, start
from tests.web.test_browser import IMAGES, browser_page, pytestmark, web_service, web_settings
from tests.workflows.support import (
    Outbox,
    accept,
    action_input,
    activity_plan,
    demo_roster_copy,
    invited,
    roster_activities,
    sample_fiche,
    until,
    vote,
)
from worker.main import WORKFLOWS

__all__ = ["pytestmark"]  # chromium needed, as for every browser test

NIGER_EUDEL = "delegation-niger@eeas.example.eu"
JORDAN_EUDEL = "delegation-jordan@eeas.example.eu"


def _link(smtp: SmtpServer, to: str, kind: str, choice: str) -> str:
    for message in smtp.inbox.messages:
        if message["To"].addresses[0].addr_spec == to and message["X-Mieux-Notice"] == kind:
            found = re.search(rf'href="([^"]+/{choice})"', bodies(message)[1])
            assert found is not None
            return found.group(1)
    raise AssertionError(f"no {kind} to {to}")


def _notified(inbox: Any, to: str, kind: str) -> bool:
    return any(
        m["To"].addresses[0].addr_spec == to and m["X-Mieux-Notice"] == kind for m in inbox.messages
    )


def _with_eudel(reference: str, country: str, email: str, **more: Any) -> Any:
    return action_input(
        reference,
        countries=[country],
        eudel_contact=Contact(name=f"EU Delegation {country}", email=email),
        **more,
    )


async def test_answer_pages_speak_the_language_of_the_link(
    time_skipping_env: WorkflowEnvironment, task_queue: str, smtp_server: SmtpServer, tmp_path: Path
):
    env, outbox = time_skipping_env, Outbox()
    port = free_port()
    settings = web_settings(task_queue, port)
    database = f"sqlite:///{tmp_path / 'mieux.db'}"
    roster = demo_roster_copy(tmp_path)
    engine = create_engine(roster)
    with engine.begin() as db:
        db.execute(text("UPDATE experts SET language = 'es'"))
    engine.dispose()
    email = EmailActivities(
        SmtpSettings(host=smtp_server.host, port=smtp_server.port),
        database,
        links=AnswerLinks(settings.web.base_url, SECRET),
    )
    async with (
        Worker(
            env.client,
            task_queue=task_queue,
            workflows=WORKFLOWS,
            activities=[
                email.send_notice,
                DocumentActivities(database).write_document,
                outbox.post_escalation,
                *roster_activities(roster),
            ],
        ),
        web_service(settings, env.client),
    ):
        today = (await env.get_current_time()).date()
        niger = await start(env.client, task_queue, _with_eudel("2026-01", "Niger", NIGER_EUDEL))
        jordan = await start(
            env.client,
            task_queue,
            _with_eudel("2026-02", "Jordan", JORDAN_EUDEL, region="Middle East"),
        )
        plan = activity_plan(today + timedelta(days=40), 1)
        for handle in (niger, jordan):
            await accept(handle)
            await handle.execute_update("submit_fiche", {"fiche": sample_fiche(activities=plan)})
        # Wait for the consultations themselves: each notice is delivered on its own, so an
        # earlier notice to the same Delegation says nothing about this one.
        for eudel in (NIGER_EUDEL, JORDAN_EUDEL):
            await smtp_server.inbox.wait_for(
                lambda inbox, to=eudel: _notified(inbox, to, "consultation")
            )
        IMAGES.mkdir(parents=True, exist_ok=True)

        async with browser_page() as page:
            # French: the consultation, answered.
            await page.goto(_link(smtp_server, NIGER_EUDEL, "consultation", "no-objection"))
            assert await page.locator("html").get_attribute("lang") == "fr"
            await page.get_by_role("heading", name="Consultation sur la fiche d'Action").wait_for()
            await page.screenshot(path=str(IMAGES / "answer-page-fr.png"), full_page=True)
            await page.get_by_role("button", name="Pas d'objection").click()
            said = await page.locator("#outcome").inner_text()
            assert said == (
                "Merci : l'absence d'objection de la Délégation de l'UE à la fiche d'Action"
                " est enregistrée."
            )
            # The same page in the other languages (a link carries its reader's language).
            headings = {
                Language.EN: "Consultation on the Action Fiche",
                Language.PT: "Consulta sobre a ficha da Ação",
                Language.RU: "Консультация по карточке мероприятия",
            }
            for language, heading in headings.items():
                await page.goto(_consultation_link(settings.web.base_url, language))
                await page.get_by_role("heading", name=heading).wait_for()
                shot = IMAGES / f"answer-page-{language.value}.png"
                await page.screenshot(path=str(shot), full_page=True)
            # Arabic: right to left.
            await page.goto(_link(smtp_server, JORDAN_EUDEL, "consultation", "objection"))
            assert await page.locator("html").get_attribute("dir") == "rtl"
            direction = await page.evaluate("getComputedStyle(document.body).direction")
            assert direction == "rtl"
            await page.get_by_role("button", name="اعتراض").wait_for()
            await page.screenshot(path=str(IMAGES / "answer-page-ar.png"), full_page=True)

            # Spanish: the expert's invitation, once the Niger Action is approved.
            await niger.execute_update(
                "consultation_feedback", {"organisation": "EC services", "by": "ec.services"}
            )
            for member in ("DG_INTPA", "DG_HOME", "EEAS"):
                await vote(niger, member)
            status = await until(niger, lambda s: len(invited(s, 1)) == 2)
            expert = next(a for a in status.activities if a.number == 1).experts[0].expert_id
            address = _expert_address(roster, expert)
            await smtp_server.inbox.wait_for(lambda inbox: _notified(inbox, address, "invitation"))
            await page.goto(_link(smtp_server, address, "invitation", "confirm"))
            assert await page.locator("html").get_attribute("lang") == "es"
            await page.get_by_role("heading", name="Invitación a una actividad").wait_for()
            await page.screenshot(path=str(IMAGES / "answer-page-es.png"), full_page=True)
            await page.get_by_role("button", name="Confirmar").click()
            said = await page.locator("#outcome").inner_text()
        assert said.startswith("Gracias: su confirmación para la actividad «taller» en Nairobi")


def _consultation_link(base_url: str, language: Language) -> str:
    """The Niger EU Delegation's link as a reader of `language` would have it."""
    token = AnswerToken.for_notice(
        "2026-01",
        "eudel-2026-01",
        AnswerRequest(step=AnswerStep.CONSULTATION, subject="EUDEL", round=1),
        datetime.now(UTC),
        language,
    )
    return f"{base_url}/answer/{sign(token, SECRET)}/no-objection"


def _expert_address(roster: str, expert_id: str) -> str:
    engine = create_engine(roster)
    with engine.connect() as db:
        found = db.execute(
            text("SELECT email FROM experts WHERE id = :id"), {"id": expert_id}
        ).scalar_one()
    engine.dispose()
    return str(found)


async def test_an_invitation_reads_in_each_language_in_a_browser():
    """The HTML of one invitation in each language, as a mail client shows it; the pictures
    of the closing note (docs/images/notice-LANG.png with MIEUX_SCREENSHOTS=1)."""
    from activities.compose import render_bodies
    from glossary.answers import AnswerRequest, AnswerStep
    from glossary.languages import Language
    from glossary.notices import NoticeKind, NoticeText
    from glossary.people import Recipient
    from glossary.phrases import T
    from tests.activities.support import OFFICER, make_notice

    seen = {}
    async with browser_page() as page:
        for language in Language:
            expert = Recipient(
                role="expert",
                id="EX-PT-01",
                name="Inês Duarte",
                email="ines.duarte@sef.example.pt",
                timezone="Africa/Niamey",
                language=language,
            )
            when = {"type": "workshop", "place": "Niamey, Niger"}
            notice = make_notice(
                kind=NoticeKind.INVITATION,
                to=expert,
                cc=[],
                reply_to=OFFICER,
                answer=AnswerRequest(step=AnswerStep.INVITATION, subject="EX-PT-01", round=1),
                text=NoticeText(
                    subject=T(
                        "invitation: {type:t} {place}, {start:daymonth}-{end:shortdate}",
                        start="2027-03-08",
                        end="2027-03-10",
                        **when,
                    ),
                    awaited=T("your answer: confirm or decline"),
                    details=[T("Activity: {title} ({type:t})", title="Migration data", **when)],
                ),
            )
            links = AnswerLinks("https://mieux.example.org", SECRET).for_notice(notice)
            _, html = render_bodies(notice, links)
            await page.set_content(html)
            direction = await page.evaluate("getComputedStyle(document.body).direction")
            seen[language.value] = (await page.locator("html").get_attribute("lang"), direction)
            await page.screenshot(path=str(IMAGES / f"notice-{language.value}.png"), full_page=True)
    assert seen == {
        "en": ("en", "ltr"),
        "fr": ("fr", "ltr"),
        "es": ("es", "ltr"),
        "pt": ("pt", "ltr"),
        "ru": ("ru", "ltr"),
        "ar": ("ar", "rtl"),
    }

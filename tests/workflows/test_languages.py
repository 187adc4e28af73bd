"""Each person reads their notices in their own language (issue 23): one Action with a
French-speaking partner and EU Delegation (Niger), Spanish-speaking experts and English-
speaking focal points, through the real email activity and a real SMTP server."""

from __future__ import annotations

import io
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

import docx
from sqlalchemy import create_engine, text

from activities.document_content import content_of
from activities.document_render import to_docx, to_markdown
from glossary.people import Contact
from tests.activities.support import bodies
from tests.conftest import SmtpServer
from tests.workflows.real_mail import RealMail
from tests.workflows.support import (
    STAFF,
    action_input,
    activity_plan,
    demo_roster_copy,
    invited,
    respond,
    running_worker,
    start_action,
    to_implementation,
    until,
)

PARTNER = "focal@interieur.example.ne"
EUDEL = "delegation-niger@eeas.example.eu"
GREETING = {"fr": "Bonjour ", "es": "Estimado/a ", "en": "Dear "}


def _recipient(message: EmailMessage) -> str:
    return message["To"].addresses[0].addr_spec


async def test_each_person_reads_every_notice_in_their_own_language(
    time_skipping_env, task_queue, smtp_server: SmtpServer, database_url, tmp_path: Path
):
    env = time_skipping_env
    roster = demo_roster_copy(tmp_path)
    engine = create_engine(roster)
    with engine.begin() as db:  # every expert of the roster reads Spanish
        db.execute(text("UPDATE experts SET language = 'es'"))
        experts = {row.email for row in db.execute(text("SELECT email FROM experts"))}
        focal_points = {row.email for row in db.execute(text("SELECT email FROM focal_points"))}
    engine.dispose()
    staff = {member.email for member in STAFF.members()}
    niger = action_input(
        countries=["Niger"],
        partner_focal_point=Contact(name="Aïssata Moussa", email=PARTNER, timezone="Africa/Niamey"),
        eudel_contact=Contact(name="Délégation de l'UE au Niger", email=EUDEL),
    )
    mail = RealMail(smtp_server, database_url)
    async with running_worker(env, task_queue, mail, roster_url=roster):
        handle = await start_action(env.client, task_queue, niger)
        today = (await env.get_current_time()).date()
        plan = activity_plan(
            today + timedelta(days=40), 1, interpretation="French-English, consecutive"
        )
        await to_implementation(handle, plan, working_language="fr")
        status = await until(handle, lambda s: len(invited(s, 1)) == 2)
        confirmed = invited(status, 1)[0]
        await respond(handle, 1, confirmed, True)
        # Each notice is delivered on its own (0.6), so the confirmation may overtake the
        # invitations: wait for every notice read below, not just the last one sent.
        await smtp_server.inbox.wait_for(
            lambda inbox: (
                all(
                    any(wanted in str(m["Subject"]) for m in inbox.messages)
                    for wanted in (
                        "invitación: taller, Nairobi",
                        "su participación está confirmada",
                        "invitation: workshop Nairobi",
                        "approuvée par le comité de pilotage",
                    )
                )
                and any(
                    _recipient(m) == EUDEL and m["X-Mieux-Notice"] == "consultation"
                    for m in inbox.messages
                )
            )
        )

    language_of = {PARTNER: "fr", EUDEL: "fr"} | dict.fromkeys(experts, "es")
    language_of |= dict.fromkeys(focal_points | staff, "en")
    read: dict[str, list[str]] = {}
    for message in smtp_server.inbox.messages:
        to = _recipient(message)
        expected = language_of[to]
        text_body, html_body = bodies(message)
        assert message["Content-Language"] == expected, (to, message["Subject"])
        assert text_body.startswith(GREETING[expected]), (to, text_body[:40])
        assert f'<html lang="{expected}"' in html_body
        read.setdefault(expected, []).append(str(message["Subject"]))
    subjects = "\n".join(read["fr"])
    assert "MIEUX 2026-01: demande reçue : Kenya III" in subjects
    assert "pour commentaires : fiche d'Action v1" in subjects
    assert "Décision du comité de pilotage : approuvée par le comité de pilotage" in subjects
    assert any(
        s.startswith("MIEUX 2026-01: invitación: taller, Nairobi, Kenya, del") for s in read["es"]
    )
    assert any("su participación está confirmada: taller" in s for s in read["es"])
    assert any(s.startswith("MIEUX 2026-01: invitation: workshop Nairobi") for s in read["en"])
    # The EU Delegation's answer links are labelled in French.
    [consultation] = [
        m for m in smtp_server.inbox.messages
        if _recipient(m) == EUDEL and m["X-Mieux-Notice"] == "consultation"
    ]  # fmt: skip
    text_body, _ = bodies(consultation)
    assert "Pas d'objection:" in text_body and "Formuler une objection:" in text_body

    # The Word invitation the workflow asked for, rendered and read back as Word would.
    invitation = next(d for d in mail.documents if d.kind == "expert_invitation")
    assert invitation.language == "es"
    document = docx.Document(io.BytesIO(to_docx(content_of(invitation))))
    written = "\n".join(p.text for p in document.paragraphs)
    assert written.startswith("Invitación y términos de referencia: MIEUX 2026-01, actividad 1")
    assert "MIEUX le invita, a través de su punto focal" in written
    assert "Términos de referencia" in written and "Tareas" in written
    assert document.core_properties.language == "es"
    # The Fiche, drafted with the partner, is in the working language it records, with each
    # activity's interpretation.
    fiche = to_markdown(content_of(next(d for d in mail.documents if d.kind == "action_fiche")))
    assert fiche.startswith("# Fiche d'Action : ")
    assert "**Langue de travail:** français" in fiche
    assert "interprétation : French-English, consecutive" in fiche
    assert "**Interpretación:** French-English, consecutive" in to_markdown(content_of(invitation))

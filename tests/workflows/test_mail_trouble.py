"""One recipient's mail trouble never holds an Action (issue 22.1-3): each notice is
delivered on its own, through the real email activity and a real SMTP server that defers
or refuses per recipient; what did not surely arrive is in the Action's status."""

from __future__ import annotations

from collections import Counter

from glossary.notices import MailTrouble
from tests.conftest import SmtpServer
from tests.smtp_faults import FaultyInbox
from tests.workflows.real_mail import RealMail
from tests.workflows.support import (
    STAFF,
    accept,
    action_input,
    days,
    running_worker,
    start_action,
    status_of,
)

OFFICER = STAFF.officer("po.martin").email
MANAGER = STAFF.programme_manager.email
PARTNER = "focal@immigration.example.ke"


async def test_a_mailbox_that_defers_holds_up_neither_the_clocks_nor_anyone_elses_mail(
    time_skipping_env, task_queue, faulty_smtp: tuple[FaultyInbox, SmtpServer], database_url
):
    env = time_skipping_env
    inbox, server = faulty_smtp
    inbox.rcpt[OFFICER] = "451 4.2.2 mailbox full"
    # Longer than the wait for the first reminder: a notice being retried must not hold it.
    mail = RealMail(server, database_url, give_up_after_hours=8 * 24)
    async with running_worker(env, task_queue, mail):
        handle = await start_action(env.client, task_queue, action_input())
        accepted = await accept(handle)
        await env.sleep(days(22))
        status = await status_of(handle)

    # The partner heard at once.
    assert any("received" in s for s in inbox.to(PARTNER))
    # The Fiche clock ran on time: the escalation reached the programme manager at day 21.
    assert any("overdue" in s and "Action Fiche" in s for s in inbox.to(MANAGER))
    fiche = sorted(
        mail.matching("reminder", "fiche") + mail.matching("escalation", "fiche"),
        key=lambda s: s.at,
    )
    assert [(s.notice.to.id, round((s.at - accepted) / days(1), 3)) for s in fiche] == [
        ("po.martin", 7),
        ("po.martin", 14),
        ("po.martin", 19),
        ("pm.rossi", 21),
    ]
    assert not inbox.to(OFFICER)
    problems = Counter((p.trouble, p.kind) for p in status.mail_problems)
    # Each of the officer's notices deferred for 8 days (the setting), then given up.
    assert problems[(MailTrouble.GAVE_UP, "reminder")] == 1  # given up at day 15; the others tried
    assert problems[(MailTrouble.GAVE_UP, "assignment")] == 1
    assert {p.to for p in status.mail_problems} == {"po.martin"}
    given_up = [a.detail for a in status.audit if "given up" in a.detail]
    assert given_up[0] == (
        "2026-01/assignment/po.martin/po.martin not sent: the server deferred the address of "
        "project_officer po.martin (451) for 8 days; given up"
    )
    # Nothing went twice.
    ids = [m["Message-ID"] for m in inbox.messages]
    assert len(ids) == len(set(ids))


async def test_a_copy_the_server_defers_does_not_hold_the_message_and_is_reported(
    time_skipping_env, task_queue, faulty_smtp: tuple[FaultyInbox, SmtpServer], database_url
):
    """The partner's decision copies the officer; the officer's server says 452."""
    env = time_skipping_env
    inbox, server = faulty_smtp
    inbox.rcpt[OFFICER] = "452 4.2.2 mailbox full"
    async with running_worker(env, task_queue, RealMail(server, database_url, 24)):
        handle = await start_action(env.client, task_queue, action_input())
        await handle.execute_update(
            "intake_decision", {"decision": "reject", "reason": "out of scope", "by": "po.martin"}
        )
        status = await handle.result()

    [decision] = [s for s in inbox.to(PARTNER) if "rejected" in s]
    assert decision.endswith("your request Kenya III: rejected at intake: out of scope")
    [copy] = [p for p in status.mail_problems if p.trouble == MailTrouble.COPY_REFUSED]
    assert (copy.kind, copy.to) == ("decision", "po.martin")
    assert copy.key == "2026-01/intake/decision/partner-2026-01"
    assert copy.detail == "the copy to po.martin was refused by the mail server"

"""The programme manager's daily digest of notices whose delivery is unknown (issue 22.3).

A notice cut off while the mail server took it is never sent again by itself (activities/
email.py): staff decide, from `mieux mail stuck`. So that no one has to think of asking, a
Temporal schedule the workers keep (worker/schedules.py) starts this workflow once a day; it
reads the outbox and, when something is there, mails the list with the command for each.
The notice's key carries the day: a schedule that fires twice sends one digest.
"""

from __future__ import annotations

from datetime import datetime

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities import options
    from glossary.action_input import Deployment
    from glossary.notices import Notice, NoticeKind, NoticeReceipt, UnconfirmedNotice
    from glossary.people import Recipient


def digest_schedule_id(task_queue: str) -> str:
    """One schedule per deployment (its task queue): `mieux-mail-digest` by default."""
    return f"{task_queue}-mail-digest"


# Listed in full up to this many; past it, the count and `mieux mail stuck` for the rest.
LISTED = 40


@workflow.defn(name="MailDigest")
class MailDigest:
    @workflow.run
    async def run(self) -> int:
        """The number of notices listed: 0 when there was nothing to say (no mail)."""
        stuck = await workflow.execute_activity(
            "unconfirmed_notices",
            result_type=list[UnconfirmedNotice],
            summary="notices claimed and never confirmed",
            **options.UNCONFIRMED_NOTICES,
        )
        if not stuck:
            return 0
        deployment = await workflow.execute_local_activity(
            "deployment_settings",
            result_type=Deployment,
            summary="the programme manager",
            **options.DEPLOYMENT_SETTINGS,
        )
        manager = Recipient.of("programme_manager", deployment.staff.programme_manager)
        await workflow.execute_activity(
            "send_notice",
            digest(stuck, manager, workflow.now()),
            result_type=NoticeReceipt,
            summary=f"mail digest to {manager.id}",
            **options.SEND_NOTICE,
        )
        return len(stuck)


def digest(stuck: list[UnconfirmedNotice], to: Recipient, now: datetime) -> Notice:
    count = len(stuck)
    lines = [
        f"{n.key} (cut off {n.claimed_at:%Y-%m-%d %H:%M} UTC on {n.host}): "
        f"if it did not arrive, `mieux mail resend {n.key} --confirm`"
        for n in stuck[:LISTED]
    ]
    if count > LISTED:
        lines.append(f"... and {count - LISTED} more: `mieux mail stuck` lists them all.")
    several = "notices" if count > 1 else "notice"
    return Notice(
        key=f"mail-digest/{now:%Y-%m-%d}/daily/{to.id}",
        kind=NoticeKind.MAIL_DIGEST,
        reference="mail",
        to=to,
        subject=f"MIEUX: {count} {several} may not have arrived",
        # "nothing ...": no deadline and no answer form; the commands are in the list.
        awaited="nothing by a deadline: your decision on each notice below",
        command="mieux mail stuck",
        details=lines,
        planned_at=now,
    )

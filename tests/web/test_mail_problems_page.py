"""Mail that may not have reached someone is shown where staff look: the case page and
`mieux status` (issue 22.3), with what to do about it."""

from __future__ import annotations

from temporalio import activity

from glossary.notices import Notice, NoticeReceipt
from starter.render import status_text
from tests.web.support import start, web_client
from tests.workflows.support import (
    Outbox,
    Sent,
    accept,
    action_input,
    running_worker,
    sent_at,
    status_of,
)


class CutOff(Outbox):
    """The officer's notices were cut off in delivery by an earlier attempt: the email
    activity answers them `unconfirmed` (tests/activities/test_email.py shows it does)."""

    @activity.defn(name="send_notice")
    async def send_notice(self, notice: Notice) -> NoticeReceipt:
        self.sent.append(Sent(notice, sent_at(notice, activity.info().scheduled_time)))
        cut_off = notice.to.id == "po.martin"
        return NoticeReceipt(
            key=notice.key, message_id="<x@test>", sent=not cut_off, unconfirmed=cut_off
        )


async def test_the_case_page_and_the_status_list_mail_that_may_not_have_arrived(
    time_skipping_env, task_queue
):
    env = time_skipping_env
    async with running_worker(env, task_queue, CutOff()), web_client(env.client, task_queue) as web:
        handle = await start(env.client, task_queue, action_input())
        await accept(handle)
        status = await status_of(handle)
        page = await web.get("/actions/2026-01")

    [problem] = status.mail_problems
    assert (problem.key, problem.trouble) == (
        "2026-01/assignment/po.martin/po.martin",
        "unconfirmed",
    )
    section = page.text.split('<h2 id="mail">')[1].split("</table>")[0]
    assert "<td>2026-01/assignment/po.martin/po.martin</td><td>Claire Martin</td>" in section
    assert "may not have arrived" in section
    assert "mieux mail resend 2026-01/assignment/po.martin/po.martin --confirm" in section
    assert "Mail that may not have reached someone" in status_text(
        status, status.received_on and problem.at
    )

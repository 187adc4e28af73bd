"""Every notice of one standard Action, in order, with its day and recipient.

    .venv/bin/python -m tests.notice_timeline [--markdown]

Runs the real workflows on the time-skipping test server (the notice and document
activities record instead of sending; the roster is the demo roster), with people answering
the way MIEUX's reports describe: the Fiche submitted on day 18 of its 21, positive silence
in consultation, one PSG member late, each expert confirming on day 5 of 7, reports a few
days after each activity, feedback and the follow-up questionnaire answered late.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import uuid
from datetime import datetime, timedelta

from temporalio.testing import WorkflowEnvironment

from glossary import Policy
from glossary.people import Contact
from tests.workflows.support import (
    Outbox,
    action_input,
    activity,
    activity_plan,
    invited,
    respond,
    running_worker,
    sample_fiche,
    start_action,
    until,
    vote,
)
from worker.binaries import temporal_test_server
from worker.client import register_search_attributes
from worker.codec import data_converter


def days(n: float) -> timedelta:
    return timedelta(days=n)


async def drive(env: WorkflowEnvironment, outbox: Outbox) -> datetime:
    task_queue = f"timeline-{uuid.uuid4()}"
    today = (await env.get_current_time()).date()
    plan = activity_plan(today + timedelta(days=80), 2)

    eudel = Contact(name="EUDEL desk", email="eudel@eeas.example.eu", timezone="Africa/Nairobi")
    async with running_worker(env, task_queue, outbox):
        # The default policy, working hours included: reminders wait for the working morning.
        policy = Policy()
        handle = await start_action(
            env.client, task_queue, action_input(policy=policy, eudel_contact=eudel)
        )
        began = (await handle.describe()).start_time
        await env.sleep(days(3))
        await handle.execute_update("intake_decision", {"decision": "accept", "by": "po.martin"})
        await env.sleep(days(18))
        await handle.execute_update("submit_fiche", {"fiche": sample_fiche(activities=plan)})
        await env.sleep(days(5.1))  # silence: no objection
        await vote(handle, "DG_INTPA")
        await vote(handle, "DG_HOME")
        await env.sleep(days(6))
        await vote(handle, "EEAS")
        status = await until(handle, lambda s: all(len(invited(s, n)) == 2 for n in (1, 2)))
        await env.sleep(days(5))
        for n in (1, 2):
            for expert in invited(status, n):
                await respond(handle, n, expert, True)
        # Both workshops end by day 90; their reports come five days later.
        await env.sleep(began + days(95) - await env.get_current_time())
        for n in (1, 2):
            await until(handle, lambda s, n=n: activity(s, n).stage == "reporting")
            await handle.execute_update(
                "activity_completed",
                {"activity": n, "participants": 24, "women": 11, "men": 13},
            )
        await env.sleep(days(12))
        for n in (1, 2):
            await until(handle, lambda s, n=n: activity(s, n).stage == "evaluation")
            await handle.execute_update("evaluation_done", {"activity": n, "scores": {"q": 4}})
        await until(handle, lambda s: s.stage == "completion")
        await handle.execute_update("deliverables_validated", {"by": "partner"})
        await env.sleep(days(20))
        await handle.execute_update("feedback_received", {"overall_rating": 4})
        await until(handle, lambda s: s.stage == "follow_up")
        await env.sleep(days(200))
        await handle.execute_update(
            "follow_up_received", {"adopted": True, "adoption": "protocol signed"}
        )
        await handle.result()
    return began


def rows(outbox: Outbox, began: datetime) -> list[tuple[str, ...]]:
    out = []
    for s in sorted(outbox.sent, key=lambda s: (s.at, s.notice.key)):
        _, clock, step, _ = s.notice.key.split("/", 3)
        attached = ", ".join(d.rsplit(".", 1)[1] for d in s.notice.documents) or "-"
        out.append(
            (
                f"{(s.at - began) / days(1):6.1f}",
                f"{s.at:%Y-%m-%d %H:%M}",
                str(s.notice.kind),
                f"{clock}/{step}",
                f"{s.notice.to.role} {s.notice.to.id}",
                attached,
            )
        )
    return out


PAGE_HEAD = """# Who is told what, and when

Every notice of one standard Action, in the order it went, as printed by (and checked
against the code by `tests/test_notices_doc.py`)

```
.venv/bin/python -m tests.notice_timeline --markdown
```

That command runs the real workflows on Temporal's time-skipping test server with the default
policy (`docs/process.md`, working hours Mon-Fri 09:00-17:00 in each recipient's zone), the demo
roster and two workshops, while people answer as MIEUX's reports describe: the Fiche on day
18 of its 21, positive silence in consultation, one PSG member voting after the day-5
reminder, every expert confirming on day 5 of 7, completion reports five days after the
workshops, feedback on day 20, the follow-up questionnaire answered after its reminder.
The "day" counts from the request; "sent" is when the notice activity ran (UTC).

Who answers how: the MIEUX team (project officer, programme manager, programme director)
get the `mieux` command that answers each notice; everyone else (partner, EUDEL, EC services,
PSG members, experts, focal points) answers through the links in the message (one per
possible answer, bound to that step and round: `docs/security.md`), and questions go by reply
to the project officer named in the message, the message's `Reply-To`. Without `web.secret`
notices carry no links and ask for a reply instead. Information notices (decisions,
confirmations, withdrawals) carry no "Awaited / By" form; the partner and the EUDEL read the
PSG's decision without the DGs' individual votes.
"""
HEAD = ("day", "sent (UTC)", "kind", "clock/step", "to", "attached")


async def timeline() -> list[tuple[str, ...]]:
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=temporal_test_server(), data_converter=data_converter(None)
    )
    try:
        await register_search_attributes(env.client)
        outbox = Outbox()
        began = await drive(env, outbox)
    finally:
        await env.shutdown()
    return rows(outbox, began)


def page(table: list[tuple[str, ...]]) -> str:
    """docs/notices.md: the text above, then the table."""
    lines = [PAGE_HEAD, "| " + " | ".join(HEAD) + " |", "|" + "---|" * len(HEAD)]
    lines += ["| " + " | ".join(c.strip() for c in row) + " |" for row in table]
    return "\n".join(lines) + "\n"


async def main(markdown: bool) -> int:
    table = await timeline()
    head = HEAD
    if markdown:
        print(page(table), end="")
    else:
        for row in [head, *table]:
            print(f"{row[0]:>6}  {row[1]:16}  {row[2]:15}  {row[3]:34}  {row[4]:36}  {row[5]}")
    print(f"\n{len(table)} notices", file=sys.stderr)
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m tests.notice_timeline")
    parser.add_argument("--markdown", action="store_true", help="a Markdown table")
    code = asyncio.run(main(parser.parse_args().markdown))
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)  # TEMPORAL-NOTES: a client process can crash at interpreter exit

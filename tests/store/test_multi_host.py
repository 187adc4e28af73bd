"""Two worker hosts, one PostgreSQL, one task queue: two `mieux worker` processes with
different state folders (as two machines: nothing shared on disk), one of them killed with
SIGKILL twice and restarted while ten Actions' reminders fall due and their experts are
mobilised. Every notice arrives exactly once, every attachment is readable, no reservation
is lost. Real dev server, real SMTP server, real PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select
from temporalio.testing import WorkflowEnvironment

from activities.compose import message_id
from activities.roster import load_demo_roster
from glossary import Policy
from store.tables import AssignmentRow, OutboxRow
from tests.conftest import SmtpServer
from tests.web.support import start
from tests.workflows.support import action_input, activity_plan, sample_fiche, until, vote

ACTIONS = 10
# What each Action must send once: acknowledgement, assignment, the intake escalation, the
# partner's acceptance and the PSG decision to partner and officer, the Fiche to the EC
# services, three vote requests, two invitations to expert, focal point and officer. The
# two intake reminders come on top, unless a host's downtime made them stale: then only the
# latest alarm of the clock goes (no burst, DOMAIN §4), so 0 to 2.
ONCE_EACH = {
    "acknowledgement": 1,
    "assignment": 1,
    "escalation": 1,
    "decision": 3,
    "consultation": 1,
    "vote_request": 3,
    "invitation": 6,
}
POLICY = Policy(
    working_hours="",
    intake_deadline=timedelta(seconds=15),
    intake_reminders=[timedelta(seconds=5), timedelta(seconds=10)],
)


class Host:
    """One `mieux worker` process with its own state folder, as on its own machine."""

    def __init__(self, name: str, env: dict[str, str], folder: Path) -> None:
        self.name, self.env, self.folder = name, env, folder
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        log = (self.folder / "worker.log").open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "starter.cli", "worker"],
            env={**self.env, "MIEUX_STATE_DIR": str(self.folder)},
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    async def polling(self) -> None:
        deadline = time.monotonic() + 30
        while b"worker polling" not in (self.folder / "worker.log").read_bytes():
            assert self.process is not None and self.process.poll() is None, self.log()
            assert time.monotonic() < deadline, self.log()
            await asyncio.sleep(0.1)  # waiting for a process to start, not for workflow code

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def log(self) -> str:
        return (self.folder / "worker.log").read_text(errors="replace")[-2000:]


def _is(key: str, kind: str) -> bool:
    steps = {"invitation": "/invitation/", "vote_request": "/vote-request/"}
    return steps.get(kind, f"/{kind}/") in key


def _subjects(smtp: SmtpServer, reference: str, words: str) -> int:
    return sum(
        1
        for m in smtp.inbox.messages
        if m["X-Mieux-Reference"] == reference and words in str(m["Subject"])
    )


# Subject words -> the step of the notice key, to find the same notice in the outbox.
STEP_OF = {
    "overdue: Intake decision": "/intake/due/",
    "for comments": "/fiche/",
    "PSG vote": "/vote-request/",
    "invitation": "/invitation/",
}


async def _arrived(smtp: SmtpServer, url: str, reference: str, words: str, count: int) -> None:
    """`count` such notices received, or claimed and left `sending` by a host killed at the
    moment of delivery (their outcome unknown: staff decide, `mieux mail stuck`)."""
    engine = create_engine(url)
    try:
        deadline = time.monotonic() + 90
        while True:
            with engine.connect() as db:
                pending = db.scalar(
                    select(func.count())
                    .select_from(OutboxRow)
                    .where(
                        OutboxRow.key.like(f"{reference}%{STEP_OF[words]}%"),
                        OutboxRow.state == "sending",
                        OutboxRow.claimed_at < time.time() - 5,
                    )
                )
            if _subjects(smtp, reference, words) + (pending or 0) >= count:
                return
            assert time.monotonic() < deadline, f"{reference}: {words!r} x{count} never arrived"
            await asyncio.sleep(0.2)  # polling the real SMTP server's inbox
    finally:
        engine.dispose()


async def _drive(
    env: WorkflowEnvironment, task_queue: str, smtp: SmtpServer, url: str, n: int, year: int
):
    reference = f"{year}-{n:02d}"
    today = (await env.get_current_time()).date()
    handle = await start(env.client, task_queue, action_input(reference, policy=POLICY))
    # The intake clock runs its reminders and escalation while a host is killed.
    await _arrived(smtp, url, reference, "overdue: Intake decision", 1)
    await handle.execute_update("intake_decision", {"decision": "accept", "by": "po.martin"})
    plan = activity_plan(today + timedelta(days=40 + 30 * n), 1)
    await handle.execute_update("submit_fiche", {"fiche": sample_fiche(activities=plan)})
    await _arrived(smtp, url, reference, "for comments", 1)
    await handle.execute_update("consultation_feedback", {"organisation": "EC services"})
    await _arrived(smtp, url, reference, "PSG vote", 3)
    for member in ("DG_INTPA", "DG_HOME", "EEAS"):
        await vote(handle, member)
    await _arrived(smtp, url, reference, "invitation", 6)
    return await until(
        handle,
        lambda s: sum(1 for e in s.activities[0].experts if e.state == "invited") == 2,
        seconds=90,
    )


@pytest.mark.timeout(240)
async def test_two_worker_hosts_one_killed_twice_send_every_notice_once(
    local_env: WorkflowEnvironment,
    smtp_server: SmtpServer,
    postgres_database: str,
    tmp_path: Path,
):
    env = local_env
    task_queue = f"multi-host-{uuid.uuid4()}"
    year = 4000 + uuid.uuid4().int % 4000
    await asyncio.to_thread(load_demo_roster, postgres_database)
    settings_env = {
        key: value for key, value in os.environ.items() if not key.startswith("MIEUX_")
    } | {
        "TEMPORAL_ADDRESS": env.client.service_client.config.target_host,
        "MIEUX_TASK_QUEUE": task_queue,
        "MIEUX_DATABASE__URL": postgres_database,
        "MIEUX_SMTP__HOST": smtp_server.host,
        "MIEUX_SMTP__PORT": str(smtp_server.port),
    }
    hosts = [Host(name, settings_env, tmp_path / name) for name in ("host-a", "host-b")]
    began = time.monotonic()
    kills = 0
    try:
        for host in hosts:
            host.start()
        await asyncio.gather(*(h.polling() for h in hosts))
        driving = asyncio.gather(
            *(
                _drive(env, task_queue, smtp_server, postgres_database, n, year)
                for n in range(1, ACTIONS + 1)
            )
        )
        victim = hosts[0]
        for at in (6.0, 20.0):  # during the intake reminders, then during mobilisation
            await asyncio.sleep(max(0.0, began + at - time.monotonic()))  # a fault at a time
            victim.kill()
            kills += 1
            await asyncio.sleep(2.0)  # down for two seconds, as a crashed host would be
            victim.start()
            await victim.polling()
        statuses = await driving
    finally:
        for host in hosts:
            host.stop()
    took = time.monotonic() - began

    mine = [
        m for m in smtp_server.inbox.messages if str(m["X-Mieux-Reference"]).startswith(str(year))
    ]
    ids = Counter(str(m["Message-ID"]) for m in mine)
    duplicates = sum(count - 1 for count in ids.values())
    database = create_engine(postgres_database)
    with database.connect() as db:
        rows = db.execute(select(OutboxRow.key, OutboxRow.state, OutboxRow.host)).all()
        reserved = db.scalar(
            select(func.count())
            .select_from(AssignmentRow)
            .where(AssignmentRow.reference.like(f"{year}-%"))
        )
    ours = [r for r in rows if r.key.startswith(str(year))]
    stuck = [r.key for r in ours if r.state == "sending"]
    kinds = Counter(str(m["X-Mieux-Notice"]) for m in mine)
    print(
        f"\nmulti-host: {len(ours)} notices claimed in the outbox, {len(mine)} received,"
        f" {duplicates} duplicates, {len(stuck)} stuck (listed by `mieux mail stuck`);"
        f" {kills} SIGKILLs survived; {reserved} reservations for {2 * ACTIONS} invitations;"
        f" {took:.1f} s; by kind {dict(sorted(kinds.items()))}"
    )
    assert duplicates == 0
    # Whatever a workflow decided to send went through the shared outbox: every row marked
    # sent arrived; a row left `sending` by a host killed at the moment of delivery may or
    # may not have (the SMTP server may have taken it): staff decide, never a second copy.
    received = {str(m["Message-ID"]) for m in mine}
    claimed = {message_id(r.key): r for r in ours}
    assert received <= set(claimed)
    assert {i for i, r in claimed.items() if r.state == "sent"} <= received
    missing = set(claimed) - received
    assert all(claimed[i].state == "sending" for i in missing)
    for kind, each in ONCE_EACH.items():
        lost = sum(1 for i in missing if _is(claimed[i].key, kind))
        assert kinds[kind] + lost == each * ACTIONS, kind
    # Reminders a host's downtime made stale are superseded by the later alarm, not burst.
    assert kinds["reminder"] <= 2 * ACTIONS
    assert {r.host for r in ours} <= {socket.gethostname()[:120]}
    # Attachments: each Fiche went out as .docx, read from the database by whichever host.
    fiches = [m for m in mine if "for comments" in str(m["Subject"])]
    assert len(fiches) == ACTIONS
    for message in fiches:
        names = [a.get_filename() for a in message.iter_attachments()]
        assert any(name.endswith(".docx") for name in names), names
    # No reservation lost: every invited expert holds one, and nobody else.
    invited = {(s.reference, e.expert_id) for s in statuses for e in s.activities[0].experts}
    assert len(invited) == 2 * ACTIONS
    assert reserved == 2 * ACTIONS
    database.dispose()

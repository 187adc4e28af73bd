"""What every Action workflow shares: clocks, hold/resume, the audit trail, the way staff
commands are checked, and the notices that go out. The stages themselves live in the
workflow modules; this hides the Temporal mechanics, not the story.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from temporalio import workflow
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from activities import options as activity_options
    from glossary import (
        AuditEntry,
        CommandRefused,
        Hold,
        Notice,
        NoticeKind,
        NoticeReceipt,
        Policy,
        Recipient,
        Resume,
        StaffDirectory,
        WorkingHours,
        parse_command,
    )
    from glossary.answers import AnswerRequest
    from glossary.caller import Caller, CallerKind
    from glossary.commands import Command, ExtendDeadline, command_name
    from glossary.notices import MailProblem, MailTrouble, NoticeText
    from glossary.people import STAFF_ROLES
    from glossary.phrases import Phrase, T, words
    from workflows.clock import Alarm, Clock, Clocks
    from workflows.permissions import Person, person_in, refusal

C = TypeVar("C", bound=Command)

# Actions started since release 0.2 (docs/versioning.md): the notices of DOMAIN §3-§4 to
# everyone concerned, clocks anchored to calendar dates unmoved by a hold, no burst of past
# alarms. One marker per workflow, read once at start; older Actions replay as they ran.
NOTICES_AND_DATED_CLOCKS = "0.2-notices-and-dated-clocks"
# 0.3: an ended Action writes its record to the register of Actions (glossary/register.py).
# Checked where the Action ends, so Actions started on 0.2 register too when they end.
REGISTER_ENDED_ACTIONS = "0.3-register-ended-actions"
# 0.4: a public summary (glossary DocumentKind.PUBLIC_SUMMARY) at approval and at the end.
# Checked at approval first: an Action approved before 0.4 writes none, start to end.
PUBLIC_SUMMARIES = "0.4-public-summaries"
# 0.5: a signal's sender is proven (docs/security.md). Checked at each signal, so a signal
# recorded before 0.5 replays as it was taken; updates are checked in their validators,
# which never run on replay.
PROVEN_SENDERS = "0.5-proven-senders"
# 0.5: the consultation waits for every consulted body (or the window's end); a comment
# after it closes is recorded and passed to the officer. Read at each consultation's start.
CONSULT_EVERYONE = "0.5-consult-everyone"
# 0.5: the intake clock runs from the request's receipt, not its registration.
INTAKE_FROM_RECEIPT = "0.5-intake-from-receipt"
# 0.5: at completion the partner is asked to validate the deliverables, with a clock.
VALIDATION_REQUEST = "0.5-validation-request"
# 0.5: a nominated expert is invited (and confirms) like any other; before, placed at once.
NOMINATIONS_INVITED = "0.5-nominations-invited"
# 0.5: activities start as their `depends_on` are delivered; a two-step Action's next step
# has a clock. Read once, when implementation begins.
DEPENDENCIES = "0.5-dependencies"
# 0.6: each notice is delivered on its own, beside the Action: a recipient whose server
# defers their mail never holds up the clocks, the documents or anyone else's mail; what
# did not surely arrive is kept in `mail_problems`. Read once at start.
MAIL_APART = "0.6-mail-apart"
# 0.6: the Action keeps in its memo what the board lists beside the search attributes (its
# name, whom it waits on, its mail problems), so the board reads visibility, never one query
# per Action (issue 24). Read once at start.
BOARD_MEMO = "0.6-board-memo"
# 0.7: signals and updates that reach the same workflow task are applied updates first,
# whatever order the SDK's core hands them over in. Live, core put an update received with a
# signal before it; on replay (no cache, or another worker) after it, so the commands came
# in another order and the task failed as nondeterministic. A signal handler now yields once
# before it reads or changes anything, and issues no command of its own (the 0.5 marker is
# read here, at start). Read once at start; Actions started before replay as they ran.
SIGNALS_AFTER_UPDATES = "0.7-signals-after-updates"
# 0.9: an activity whose workflow was closed outside the Action (terminated by hand) before
# it took place cannot tell its experts or free their dates, so the Action does: each expert
# held for it (and their focal point) hears it is off, and the roster holds their dates no
# more. Checked where such an end is found, and only when experts were held, so a history
# without the marker replays as it ran.
EXPERTS_FREED = "0.9-experts-freed-when-an-activity-is-closed-outside"
# 0.9: an activity an earlier run of the Action started (continued as new, 0.8) reports by
# signal, and nothing tells the current run if it is terminated by hand: the Action would
# wait for it for ever. Quiet past its own next deadline (or a fortnight), it is asked to
# report, and a request that finds it ended closes it as above. Read once, where a run
# resumed in implementation begins.
ADOPTED_WATCHED = "0.9-adopted-activities-watched"
# Kept in the status: enough to act on, bounded whatever a mail server does.
MAIL_PROBLEMS_KEPT = 50
# Refusals listed one by one in the audit trail; past this they are only counted (by command
# and sender, at most REFUSAL_COUNTERS of them), so a flood of forged or mistaken signals
# cannot grow the state, the status query or the case file without bound (issue 22.7).
REFUSALS_LISTED = 200
REFUSAL_COUNTERS = 50


class ActionWithdrawn(Exception):
    """Raised out of a wait when the Action is withdrawn; the run method ends it."""


class Casework:
    reference: str
    title: str
    policy: Policy
    staff: StaffDirectory
    officer_id: str

    def _open_case(self, reference: str, title: str, policy: Policy) -> None:
        self.reference = reference
        self.title = title
        self.policy = policy
        self.hours: WorkingHours | None = policy.hours
        self.v2 = workflow.patched(NOTICES_AND_DATED_CLOCKS)
        self.clocks = Clocks(strict=self.v2)
        self.held_since: datetime | None = None
        self.audit: list[AuditEntry] = []
        # By clock: the audit entry of the latest run of its steps not sent (_drop_superseded).
        self._skipped_from: dict[str, tuple[AuditEntry, str, datetime, int]] = {}
        self.on_hold = False
        self.hold_reason = ""
        self.withdrawal: Any = None
        self._revision = 0
        self._holds = 0
        self._outbox: list[Notice] = []
        self._effects: list[Callable[[], Awaitable[Any]]] = []
        self.mail_apart = workflow.patched(MAIL_APART)
        # Read by the worker's interceptor (worker/proof.py) as each signal arrives.
        self.signals_after_updates = workflow.patched(SIGNALS_AFTER_UPDATES)
        if self.signals_after_updates:
            workflow.patched(PROVEN_SENDERS)
        self._deliveries: list[asyncio.Task[None]] = []
        # Notices being delivered, by key: what a run that continues as new sends again.
        self._in_flight: dict[str, Notice] = {}
        self.mail_problems: list[MailProblem] = []
        self._refusals = 0
        self.refusals_not_listed: dict[str, int] = {}
        self._alarm_time: datetime | None = None
        # Set by the worker's interceptor (worker/proof.py) around each handler and
        # validator; None where no interceptor runs (replay tests): the local single user.
        self._caller: Caller | None = None

    def now(self) -> datetime:
        """Workflow time, or the exact time of the alarm being handled.

        A timer's task runs a few milliseconds after it fired; what an alarm starts (the
        next clock, the audit entry, the notice) dates from the alarm itself, so clocks
        chained over months never drift.
        """
        return self._alarm_time or workflow.now()

    # -- commands ---------------------------------------------------------------------

    def _parse(self, model: type[C], raw: Any, *, allowed_on_hold: bool = False) -> C:
        caller = self._caller
        if caller is not None and caller.kind == CallerKind.REFUSED:
            raise CommandRefused(caller.refusal)
        command = self._authorize(command_name(model), parse_command(model, raw))
        if self._ended():
            raise CommandRefused(
                f"Action {self.reference} is {self._stage_name()}: it takes no more commands"
            )
        if self.on_hold and not allowed_on_hold:
            raise CommandRefused(
                f"Action {self.reference} is on hold ({self.hold_reason}); resume it first"
            )
        return command

    # -- who sends it (workflows/permissions.py) -------------------------------------------

    takes_outside_commands = True  # an activity's workflow takes its commands from its Action

    def _authorize(self, name: str, command: C) -> C:
        """The command as the proven sender may send it (`by` is who they are), or
        CommandRefused with the reason. The local single user may send anything."""
        caller = self._caller
        if caller is None or caller.kind in (CallerKind.LOCAL, CallerKind.INTERNAL):
            return command
        if not self.takes_outside_commands:
            raise CommandRefused(
                f"{name} for an activity goes to its Action ({self.reference}), which checks"
                " and relays it"
            )
        if caller.kind == CallerKind.LINK:
            assert caller.link is not None
            if not caller.decided:
                self._check_link(name, command, caller)
            return command.model_copy(update={"by": caller.link.recipient})
        person = self._person(caller)
        if not caller.decided:
            why = refusal(
                name,
                person,
                officer_of_action=person.id == self.officer_id
                or caller.email.lower() == self._officer().email.lower(),
                body=str(getattr(command, "member", "")),
            )
            if why:
                raise CommandRefused(why)
        return command.model_copy(update={"by": person.id})

    def _person(self, caller: Caller) -> Person:
        listed = person_in(self.staff, caller.email)
        if caller.roles is not None:  # `auth.roles_claim`: the provider's groups decide
            return Person(
                id=listed.id if listed else caller.email or caller.subject,
                name=caller.name or (listed.name if listed else caller.email),
                roles=frozenset(caller.roles),
            )
        if listed is None:
            raise CommandRefused(
                f"{caller.name or caller.email or caller.subject} is signed in but not in this"
                " Action's staff directory, so holds no role here"
            )
        return listed

    def _check_link(self, name: str, command: Command, caller: Caller) -> None:
        """An answer link answers one step for one person; the workflow says which."""
        raise CommandRefused(f"{name} is not answered by a link")

    def _from_our_workers(self) -> bool:
        """An internal message (Action <-> activity): signed by our workers, or local."""
        caller = self._caller
        return caller is None or caller.kind in (CallerKind.LOCAL, CallerKind.INTERNAL)

    def _proven(self) -> None:
        """In a signal handler: a sender unproven before release 0.5 replays as taken."""
        if self._caller is not None and not workflow.patched(PROVEN_SENDERS):
            self._caller = None

    def _record(self, command_name: str, by: str, accepted: bool, detail: str) -> None:
        if not accepted:
            self._refusals += 1
            if self._refusals > REFUSALS_LISTED:
                self._count_refusal(f"{command_name} from {by[:80]}")
                return
        self.audit.append(
            AuditEntry(at=self.now(), by=by, command=command_name, accepted=accepted, detail=detail)
        )

    def _count_refusal(self, what: str) -> None:
        counts = self.refusals_not_listed
        if what not in counts and len(counts) >= REFUSAL_COUNTERS:
            what = "others"
        counts[what] = counts.get(what, 0) + 1

    def _accepted(self, command_name: str, command: Command, detail: str) -> str:
        self._record(command_name, command.by, True, detail)
        self._revision += 1
        return detail

    def _signalled(self, command_name: str, raw: Any, apply: Callable[[Any], str]) -> None:
        """A signal is fire-and-forget: a refusal is kept in the audit trail, nothing else."""
        self._proven()
        try:
            apply(raw)
        except CommandRefused as refused:
            self._record(command_name, self._sender(raw), False, str(refused))
            self._revision += 1

    def _sender(self, raw: Any) -> str:
        """Who a refusal is recorded against: whom the proof names, else what they typed."""
        caller = self._caller
        if caller is not None and caller.kind == CallerKind.LINK and caller.link:
            return caller.link.recipient
        if caller is not None and caller.kind == CallerKind.STAFF:
            listed = person_in(self.staff, caller.email)
            return listed.id if listed else (caller.email or caller.subject)[:80]
        by = raw.get("by", "unknown") if isinstance(raw, dict) else "unknown"
        if caller is not None and caller.kind == CallerKind.REFUSED:
            return f"unproven ({str(by)[:60]})"
        return str(by)[:80]

    # -- hold, resume, deadlines ----------------------------------------------------------

    def _check_hold(self, raw: Any) -> Hold:
        return self._parse(Hold, raw)

    def _apply_hold(self, command: Hold) -> str:
        now = self.now()
        self.on_hold = True
        self.hold_reason = command.reason
        self.held_since = now
        self.clocks.pause(now)
        self._holds += 1
        self.clocks.start(
            Clock(
                name=f"hold-{self._holds}",
                kind="hold",
                label="Still on hold?",
                started_at=now,
                due_at=now + self.policy.hold_reminder_every,
                escalate_every=self.policy.hold_reminder_every,
                escalate_to="programme manager",
                pausable=False,
                is_deadline=False,
            )
        )
        return self._accepted("hold", command, f"on hold: {command.reason}")

    def _check_resume(self, raw: Any) -> Resume:
        command = self._parse(Resume, raw, allowed_on_hold=True)
        if not self.on_hold:
            raise CommandRefused(
                f"Action {self.reference} is not on hold; there is nothing to resume"
            )
        return command

    def _apply_resume(self, command: Resume) -> str:
        self.on_hold = False
        self.hold_reason = ""
        self.clocks.stop_kind("hold")
        held = self.clocks.resume(self.now())
        if self.v2 and self.held_since is not None:
            held = self.now() - self.held_since
        return self._accepted(
            "resume", command, f"resumed after {_days(held)}; clocks moved on by that"
        )

    def _check_extend(self, raw: Any) -> ExtendDeadline:
        command = self._parse(ExtendDeadline, raw, allowed_on_hold=True)
        clock = self.clocks.find(command.clock)
        if clock is None or not clock.is_deadline:
            open_names = ", ".join(c.kind for c in self.clocks.open.values() if c.is_deadline)
            raise CommandRefused(
                f"no open clock {command.clock!r} on Action {self.reference}"
                + (f" (open: {open_names})" if open_names else " (no clock is running)")
            )
        return command

    def _apply_extend(self, command: ExtendDeadline) -> str:
        clock = self.clocks.find(command.clock)
        assert clock is not None
        clock.due_at += command.extend_by
        return self._accepted(
            "extend_deadline",
            command,
            f"{clock.label} now due {clock.due_at:%Y-%m-%d %H:%M} UTC"
            f" (+{_days(command.extend_by)}): {command.reason}",
        )

    # -- waiting ------------------------------------------------------------------------

    def _ended(self) -> bool:
        raise NotImplementedError

    def _stage_name(self) -> str:
        raise NotImplementedError

    def _on_alarm(self, clock: Clock, alarm: Alarm) -> None:
        """Decide what an alarm means; notices it queues go out on the next flush."""
        raise NotImplementedError

    def _publish(self) -> None:
        """Keep search attributes and current details in step with the state."""

    def _continue_if_long(self) -> None:
        """Continue as new when the history grows long (ActionLifecycle, glossary/carried.py)."""

    async def _wait_until(self, done: Callable[[], bool]) -> None:
        """Sleep until `done()`, firing the clocks' alarms on time; hold pauses them."""
        while True:
            await self._flush()
            if self.withdrawal is not None:
                raise ActionWithdrawn()
            if done():
                self._publish()
                return
            alarm = self.clocks.next_alarm(self.hours)
            self._publish()
            self._continue_if_long()
            now = workflow.now()
            if alarm is not None and alarm.at <= now:
                await self._fire(alarm)
                continue
            seen = self._revision
            try:
                await workflow.wait_condition(
                    lambda seen=seen: self._revision != seen or done(),
                    timeout=(alarm.at - now) if alarm else None,
                    timeout_summary=alarm.summary if alarm else None,
                )
            except TimeoutError:
                assert alarm is not None
                await self._fire(alarm)

    async def _fire(self, alarm: Alarm) -> None:
        clock = self.clocks.get(alarm.clock)
        if clock is None:
            return
        self.clocks.mark(alarm)
        self._alarm_time = alarm.at
        queued = len(self._outbox)
        try:
            if clock.kind == "hold":
                self._notify(self._hold_reminder(alarm))
            else:
                self._on_alarm(clock, alarm)
            if self.v2 and self.clocks.superseded(alarm, workflow.now(), self.hours):
                self._drop_superseded(clock, alarm, queued)
        finally:
            self._alarm_time = None

    def _drop_superseded(self, clock: Clock, alarm: Alarm, queued: int) -> None:
        """A later step of this clock is also past: what this alarm decided stands, but its
        notices are not sent, so nobody gets a burst of stale reminders (kept in the audit)."""
        mine = [n for n in self._outbox[queued:] if n.key.split("/")[1] == clock.name]
        if not mine:
            return
        self._outbox = self._outbox[:queued] + [n for n in self._outbox[queued:] if n not in mine]
        # A clock far behind (a request received months before it was registered) passes
        # many steps at once: one line for the run of them, not one each, so the audit
        # trail still shows what happened.
        first = self._skipped_from.get(clock.name)
        if first is not None and self.audit and self.audit[-1] is first[0]:
            entry, step, at, count = first
            count += 1
            entry.detail = (
                f"{clock.label}: {count} steps not sent, {step} to {alarm.step} (due"
                f" {at:%Y-%m-%d %H:%M} to {alarm.at:%Y-%m-%d %H:%M} UTC): each was overtaken"
                " by a later one; only the latest goes out"
            )
            self._skipped_from[clock.name] = (entry, step, at, count)
            return
        self._record(
            "clock",
            "clock",
            True,
            f"{clock.label} {alarm.step} not sent (due {alarm.at:%Y-%m-%d %H:%M} UTC): a later"
            " step was already due; only the latest goes out",
        )
        self._skipped_from[clock.name] = (self.audit[-1], alarm.step, alarm.at, 1)

    # -- notices ------------------------------------------------------------------------

    def _officer(self) -> Recipient:
        return Recipient.of("project_officer", self.staff.officer(self.officer_id))

    def _manager(self) -> Recipient:
        return Recipient.of("programme_manager", self.staff.programme_manager)

    def _hold_reminder(self, alarm: Alarm) -> Notice:
        raise NotImplementedError

    def notice(
        self,
        kind: NoticeKind,
        *,
        clock: str,
        step: str,
        to: Recipient,
        subject: str | Phrase,
        awaited: str | Phrase,
        due_at: datetime | None = None,
        command: str = "",
        cc: list[Recipient] | None = None,
        details: list[str | Phrase] | list[str] | None = None,
        documents: list[str] | None = None,
        answer: AnswerRequest | None = None,
    ) -> Notice:
        """Phrases (glossary/phrases.py) are written in the recipient's language when the
        mail is composed; the notice keeps their English too, for staff and the audit."""
        lines = list(details or [])
        phrased = [x for x in (subject, awaited, *lines) if isinstance(x, Phrase)]
        text = (
            NoticeText(
                subject=subject if isinstance(subject, Phrase) else None,
                awaited=awaited if isinstance(awaited, Phrase) else None,
                # A plain line (a name, an output from the Fiche) is data: kept as it is.
                details=[
                    line if isinstance(line, Phrase) else Phrase(id="{text}", args={"text": line})
                    for line in lines
                ],
            )
            if phrased
            else None
        )
        return Notice(
            key=f"{self.reference}/{clock}/{step}/{to.id}",
            kind=kind,
            reference=self.reference,
            action_title=self.title,
            to=to,
            cc=cc or [],
            subject=f"MIEUX {self.reference}: {words(subject)}",
            awaited=words(awaited),
            due_at=due_at,
            command=command,
            details=[words(line) for line in lines],
            documents=documents or [],
            planned_at=self.now(),
            reply_to=None if to.role in STAFF_ROLES else self._officer(),
            answer=None if to.role in STAFF_ROLES else answer,
            text=text,
        )

    def _calling_off(
        self,
        *,
        number: int,
        title: str,
        expert_id: str,
        expert_name: str,
        invited: bool,
        to: Recipient,
        what_where: dict[str, Any],
        reason: str | Phrase,
    ) -> Notice:
        """An expert (or their focal point) told an activity is off: an invitation
        withdrawn, or a confirmed place cancelled. Written by the activity, or by the Action
        for an activity closed outside it (0.9): the same key either way, so it goes once."""
        if invited:
            step, details = f"invitation-{expert_id}", [reason]
            subject = T(
                "invitation withdrawn: {place}, {start:daymonth}-{end:shortdate}", **what_where
            )
            awaited = T("nothing: the activity is cancelled")
        else:
            confirmed = T("{expert} was confirmed for {title}", expert=expert_name, title=title)
            step, details = f"confirmed-{expert_id}", [confirmed, reason]
            subject = T(
                "activity cancelled: {place}, {start:daymonth}-{end:shortdate}", **what_where
            )
            awaited = T("nothing: the activity is cancelled and the dates are released")
        return self.notice(
            NoticeKind.WITHDRAWAL,
            clock=f"cancel-{number}",
            step=step,
            to=to,
            subject=subject,
            awaited=awaited,
            details=details,
        )

    def _notify(self, *notices: Notice) -> None:
        self._outbox.extend(notices)

    def _later(self, effect: Callable[[], Awaitable[Any]]) -> None:
        """Queue an effect (an activity, a signal) decided by a synchronous handler."""
        self._effects.append(effect)

    def _later_activity(self, name: str, arg: Any, options: dict[str, Any], summary: str) -> None:
        self._later(lambda: workflow.execute_activity(name, arg, summary=summary, **options))

    async def _flush(self) -> None:
        """Run what handlers and alarms queued, in order; each notice is at most once."""
        while self._outbox or self._effects:
            effects, self._effects = self._effects, []
            for effect in effects:
                await effect()
            batch, self._outbox = self._outbox, []
            if self.mail_apart:
                # Tasks of the workflow's own event loop: deterministic, and the Action's
                # next step never waits for a mail server.
                self._deliveries = [t for t in self._deliveries if not t.done()]
                self._deliveries.extend(asyncio.create_task(self._send(n)) for n in batch)
            else:
                await asyncio.gather(*(self._send(n) for n in batch))

    async def _mail_delivered(self) -> None:
        """Before the run returns: a notice still being retried would be cancelled."""
        await workflow.wait_condition(lambda: all(t.done() for t in self._deliveries))

    async def _send(self, notice: Notice) -> None:
        self._in_flight[notice.key] = notice
        try:
            await self._deliver(notice)
        finally:
            self._in_flight.pop(notice.key, None)

    async def _deliver(self, notice: Notice) -> None:
        try:
            receipt = await workflow.execute_activity(
                "send_notice",
                notice,
                result_type=NoticeReceipt,
                summary=f"{notice.kind} to {notice.to.id}",
                **activity_options.SEND_NOTICE,
            )
        except ActivityError as error:
            # Refused for good (a bad address, a header that cannot be written), or deferred
            # for days (`smtp.give_up_after_hours`): the Action goes on without that one
            # message, and the audit trail and the status say so.
            cause = getattr(error.cause, "message", str(error.cause))
            if self.mail_apart:
                cause = cause.removeprefix(f"notice {notice.key}: ")
                gave_up = getattr(error.cause, "type", "") == activity_options.MAIL_GIVEN_UP
                trouble = MailTrouble.GAVE_UP if gave_up else MailTrouble.REFUSED
                self._mail_problem(notice, trouble, cause)
            self._record("notice", "mail", False, f"{notice.key} not sent: {cause}")
            self._revision += 1
            return
        if self.mail_apart:
            self._receipt_problems(notice, receipt)
        if notice.kind == NoticeKind.ESCALATION and self._webhook_enabled():
            await workflow.execute_activity(
                "post_escalation",
                notice,
                summary=f"escalation webhook for {notice.to.id}",
                **activity_options.POST_ESCALATION,
            )

    def _receipt_problems(self, notice: Notice, receipt: NoticeReceipt) -> None:
        for copy in receipt.copies_refused:
            detail = f"the copy to {copy} was refused by the mail server"
            self._mail_problem(notice, MailTrouble.COPY_REFUSED, detail, to=copy)
            self._record("notice", "mail", False, f"{notice.key}: {detail}")
        if receipt.unconfirmed:
            detail = (
                "cut off while the mail server took it: it may not have arrived; "
                f"`mieux mail resend {notice.key} --confirm` sends it again"
            )
            self._mail_problem(notice, MailTrouble.UNCONFIRMED, detail)
            self._record("notice", "mail", False, f"{notice.key}: {detail}")
        if receipt.copies_refused or receipt.unconfirmed:
            self._revision += 1

    def _mail_problem(
        self, notice: Notice, trouble: MailTrouble, detail: str, to: str = ""
    ) -> None:
        """`to`: who did not get it, when not the addressee (a copy)."""
        problem = MailProblem(
            key=notice.key,
            kind=notice.kind,
            to=to or notice.to.id,
            trouble=trouble,
            at=workflow.now(),
            detail=detail,
        )
        self.mail_problems = [*self.mail_problems, problem][-MAIL_PROBLEMS_KEPT:]

    def _webhook_enabled(self) -> bool:
        return False


def _days(delta: timedelta) -> str:
    """A duration as staff say it: "45 days", "3 h 20 min", "under a minute"."""
    if delta >= timedelta(days=1):
        days = round(delta / timedelta(days=1), 1)
        return "1 day" if days == 1 else f"{days:g} days"
    hours, rest = divmod(int(delta.total_seconds()), 3600)
    minutes = rest // 60
    if not hours and not minutes:
        return "under a minute"
    return f"{hours} h {minutes} min" if hours else f"{minutes} min"

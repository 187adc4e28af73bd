"""Everyone the Action needs is told, at the moment that matters, with the document it is
about (DOMAIN.md §2-§4): recipient, time and attachment of each notice."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from temporalio import activity as temporal_activity
from temporalio.exceptions import ApplicationError

from glossary import Notice, NoticeReceipt, Policy, Stage
from glossary.people import Contact
from tests.workflows.support import (
    Outbox,
    accept,
    action_input,
    activity,
    activity_plan,
    confirm_all,
    days,
    invited,
    no_objections,
    running_worker,
    sample_fiche,
    start_action,
    status_of,
    to_implementation,
    to_psg,
    until,
    vote,
)
from workflows import search_attributes as sa

EUDEL = Contact(name="EUDEL Kenya desk", email="eudel@eeas.example.eu", timezone="Africa/Nairobi")
PSG_PEOPLE = {"psg.intpa", "psg.home", "psg.eeas"}


def to_whom(outbox: Outbox, kind: str, clock_prefix: str = "") -> dict[str, Any]:
    """recipient id -> the Sent record, for the notices of one kind (and clock)."""
    return {s.notice.to.id: s for s in outbox.matching(kind, clock_prefix)}


async def test_at_intake_the_partner_gets_the_reference_and_the_officer_the_case(
    time_skipping_env, task_queue
):
    env, outbox = time_skipping_env, Outbox()
    async with running_worker(env, task_queue, outbox):
        handle = await start_action(env.client, task_queue, action_input())
        started = (await handle.describe()).start_time
        await handle.execute_update(
            "intake_decision", {"decision": "accept", "project_officer": "po.okafor"}
        )
        await until(handle, lambda _: len(outbox.matching("assignment")) == 2)
    [ack] = outbox.matching("acknowledgement")
    assert ack.notice.to.id == "partner-2026-01"
    assert abs(ack.at - started) < timedelta(seconds=1)
    assert any("MIEUX 2026-01" in line for line in ack.notice.details)
    assert ack.notice.reply_to is not None and ack.notice.reply_to.id == "po.martin"
    first, second = outbox.matching("assignment")
    assert (first.notice.to.id, second.notice.to.id) == ("po.martin", "po.okafor")
    assert first.notice.command == "mieux intake 2026-01 accept"
    assert second.notice.command == "mieux fiche submit 2026-01 FICHE.json"


async def test_the_fiche_goes_to_the_eudel_and_the_ec_services_with_the_deadline(
    time_skipping_env, task_queue
):
    env, outbox = time_skipping_env, Outbox()
    async with running_worker(env, task_queue, outbox):
        handle = await start_action(env.client, task_queue, action_input(eudel_contact=EUDEL))
        await accept(handle)
        await handle.execute_update("submit_fiche", {"fiche": sample_fiche()})
        await until(handle, lambda _: len(outbox.matching("consultation")) == 2)
        status = await status_of(handle)
    clock = next(c for c in status.clocks if c.name == "consultation-1")
    sent = to_whom(outbox, "consultation")
    assert set(sent) == {"eudel-2026-01", "ec.services"}
    [fiche] = outbox.documents
    assert (fiche.kind, fiche.fiche_version) == ("action_fiche", 1)
    for s in sent.values():
        assert s.notice.due_at == clock.due_at == clock.started_at + days(5)
        assert abs(s.at - clock.started_at) < timedelta(seconds=1)
        docs = s.notice.documents
        assert [d.rsplit(".", 1)[1] for d in docs] == ["docx", "md"]
        assert "action_fiche" in docs[0]
    assert [d.label for d in status.documents] == ["Action Fiche v1"]


async def test_every_psg_member_is_asked_when_the_round_opens_with_the_fiche(
    time_skipping_env, task_queue
):
    env, outbox = time_skipping_env, Outbox()
    async with running_worker(env, task_queue, outbox):
        handle = await start_action(env.client, task_queue, action_input())
        opened = await to_psg(handle)
        await until(handle, lambda _: len(outbox.matching("vote_request")) == 3)
    asked = to_whom(outbox, "vote_request", "psg-1")
    assert set(asked) == PSG_PEOPLE
    for s in asked.values():
        assert abs(s.at - opened) < timedelta(seconds=1)
        assert s.notice.due_at == opened + days(10)
        assert s.notice.documents and s.notice.documents[0].endswith(".docx")


async def test_the_eudel_learns_the_psg_decision_and_the_partner_not_the_votes(
    time_skipping_env, task_queue
):
    env, outbox = time_skipping_env, Outbox()
    async with running_worker(env, task_queue, outbox):
        handle = await start_action(env.client, task_queue, action_input(eudel_contact=EUDEL))
        await to_psg(handle)
        for member in ("DG_INTPA", "DG_HOME", "EEAS"):
            await vote(handle, member)
        await until(handle, lambda _: len(outbox.matching("decision", "psg-1")) == 3)
    told = to_whom(outbox, "decision", "psg-1")
    assert set(told) == {"partner-2026-01", "po.martin", "eudel-2026-01"}
    decision = ["The PSG's decision: approved by the PSG."]
    assert told["partner-2026-01"].notice.details == decision
    assert told["eudel-2026-01"].notice.details == decision
    # Each DG's vote, for the officer only.
    assert told["po.martin"].notice.details[0] == decision[0]
    assert len(told["po.martin"].notice.details) == 4


async def test_the_eudel_is_told_of_a_withdrawal(time_skipping_env, task_queue):
    env, outbox = time_skipping_env, Outbox()
    async with running_worker(env, task_queue, outbox):
        handle = await start_action(env.client, task_queue, action_input(eudel_contact=EUDEL))
        await accept(handle)
        await handle.execute_update("withdraw", {"reason": "the ministry was dissolved"})
        await handle.result()
    assert set(to_whom(outbox, "withdrawal", "withdrawal")) == {
        "partner-2026-01",
        "po.martin",
        "eudel-2026-01",
    }


async def test_focal_points_get_the_expert_confirmation_reminders_too(
    time_skipping_env, task_queue
):
    env, outbox = time_skipping_env, Outbox()
    today = (await env.get_current_time()).date()
    async with running_worker(env, task_queue, outbox):
        handle = await start_action(env.client, task_queue, action_input())
        await to_implementation(handle, activity_plan(today + timedelta(days=40), 1))
        status = await until(handle, lambda s: len(invited(s, 1)) == 2)
        await env.sleep(days(4.5))
        await until(handle, lambda _: len(outbox.matching("reminder", "expert")) == 4)
    reminders = outbox.matching("reminder", "expert")
    roles = sorted(s.notice.to.role for s in reminders)
    assert roles == ["expert", "expert", "focal_point", "focal_point"]
    invited_at = {
        s.notice.to.id: s.at for s in outbox.matching("invitation") if s.notice.to.role == "expert"
    }
    assert set(invited_at) == set(invited(status, 1))
    for s in reminders:
        # Whose invitation a focal point's reminder is about: its answer link says.
        expert = s.notice.to.id if s.notice.to.role == "expert" else s.notice.answer.subject
        assert abs(s.at - (invited_at[expert] + days(4))) < timedelta(seconds=1)
    # The officer's copy of each invitation carries the command; the others reply to them.
    copies = [s.notice for s in outbox.matching("invitation") if s.notice.to.role != "expert"]
    officer = [n for n in copies if n.to.role == "project_officer"]
    assert len(officer) == 2 and all("mieux expert confirm" in n.command for n in officer)


async def test_questionnaire_reminders_at_14_and_25_days_then_the_officer_at_30(
    time_skipping_env, task_queue
):
    env, outbox = time_skipping_env, Outbox()
    async with running_worker(env, task_queue, outbox):
        handle = await _completed(env, task_queue)
        started = next(c for c in (await status_of(handle)).clocks if c.name == "feedback")
        await env.sleep(days(31))
        await until(handle, lambda _: bool(outbox.matching("escalation", "feedback")))
    sent = [
        (s.notice.key.split("/")[2], s.notice.to.id, s.at)
        for s in outbox.sent
        if s.notice.key.split("/")[1] == "feedback"
    ]
    assert sent == [
        ("questionnaire", "partner-2026-01", started.started_at),
        ("reminder-1", "partner-2026-01", started.started_at + days(14)),
        ("reminder-2", "partner-2026-01", started.started_at + days(25)),
        ("due", "po.martin", started.started_at + days(30)),
    ]


async def test_follow_up_at_6_months_reminder_14_days_later_and_the_officer_at_the_check(
    time_skipping_env, task_queue
):
    env, outbox = time_skipping_env, Outbox()
    async with running_worker(env, task_queue, outbox):
        handle = await _completed(env, task_queue)
        await handle.execute_update("deliverables_validated", {"by": "partner"})
        await handle.execute_update("feedback_received", {"overall_rating": 4})
        status = await until(handle, lambda s: s.stage == Stage.FOLLOW_UP)
        began = next(c for c in status.clocks if c.name == "follow-up").started_at
        await env.sleep(days(361))
        result = await handle.result()
    sent = [
        (s.notice.kind, s.notice.key.split("/")[2], s.notice.to.id, s.at)
        for s in outbox.sent
        if s.notice.key.split("/")[1] == "follow-up"
    ]
    assert sent == [
        ("questionnaire", "reminder-1", "partner-2026-01", began + days(180)),
        ("reminder", "reminder-2", "partner-2026-01", began + days(194)),
        ("escalation", "due", "po.martin", began + days(360)),
    ]
    assert result.stage == Stage.CLOSED


async def test_evaluation_scores_reach_the_activity_view(time_skipping_env, task_queue):
    env, outbox = time_skipping_env, Outbox()
    async with running_worker(env, task_queue, outbox):
        handle = await _completed(env, task_queue)
        status = await status_of(handle)
    view = activity(status, 1)
    assert view.evaluation == {"relevance": 5, "quality": 4}
    assert view.evaluation_summary == "useful and well run"
    [report] = [d for d in outbox.documents if d.kind == "activity_report"]
    assert report.activity is not None and report.activity.evaluation == view.evaluation


async def test_still_on_hold_every_30_days_beyond_the_first(time_skipping_env, task_queue):
    env, outbox = time_skipping_env, Outbox()
    async with running_worker(env, task_queue, outbox):
        handle = await start_action(env.client, task_queue, action_input())
        await accept(handle)
        await handle.execute_update("hold", {"reason": "elections", "by": "pm.rossi"})
        held_at = (await status_of(handle)).audit[-1].at
        await env.sleep(days(95))
    sent = [
        (s.notice.key.split("/")[2], s.notice.to.id, s.at)
        for s in outbox.sent
        if s.notice.key.split("/")[1] == "hold-1"
    ]
    assert sent == [
        ("due", "pm.rossi", held_at + days(30)),
        ("escalation-1", "pm.rossi", held_at + days(60)),
        ("escalation-2", "pm.rossi", held_at + days(90)),
    ]


async def test_revision_and_psg_vote_escalate_at_due_then_weekly(time_skipping_env, task_queue):
    env, outbox = time_skipping_env, Outbox()
    async with running_worker(env, task_queue, outbox):
        handle = await start_action(env.client, task_queue, action_input())
        await to_psg(handle)
        await vote(handle, "DG_HOME", "revise")
        revised_from = next(c for c in (await status_of(handle)).clocks)
        await env.sleep(days(25))
        await handle.execute_update("submit_fiche", {"fiche": sample_fiche()})
        await no_objections(handle)
        psg = next(c for c in (await status_of(handle)).clocks if c.name == "psg-2")
        await env.sleep(days(25))
    revision = [
        (s.notice.key.split("/")[2], s.notice.to.id, s.at)
        for s in outbox.sent
        if s.notice.key.split("/")[1] == "revision-1" and "escalation" in s.notice.kind
    ]
    assert [(step, to) for step, to, _ in revision] == [
        ("due", "pm.rossi"),
        ("escalation-1", "pm.rossi"),
        ("escalation-2", "pm.rossi"),
    ]
    due = revised_from.started_at + days(10)
    assert [at for _, _, at in revision] == [due, due + days(7), due + days(14)]
    votes = [
        (s.notice.key.split("/")[2], s.notice.to.id, s.at)
        for s in outbox.sent
        if s.notice.key.split("/")[1] == "psg-2" and s.notice.kind == "escalation"
    ]
    due = psg.started_at + days(10)
    assert votes == [
        ("due", "pd.novak", due),
        ("escalation-1", "pd.novak", due + days(7)),
        ("escalation-2", "pd.novak", due + days(14)),
    ]


async def _completed(env: Any, task_queue: str) -> Any:
    """An Action whose one activity is delivered and evaluated: in completion."""
    today = (await env.get_current_time()).date()
    handle = await start_action(
        env.client, task_queue, action_input(policy=Policy(working_hours=""))
    )
    await to_implementation(handle, activity_plan(today + timedelta(days=20), 1))
    await confirm_all(handle, [1])
    await env.sleep(days(24))
    await until(handle, lambda s: activity(s, 1).stage == "reporting")
    await handle.execute_update(
        "activity_completed", {"activity": 1, "participants": 20, "women": 9, "men": 11}
    )
    await until(handle, lambda s: activity(s, 1).stage == "evaluation")
    await handle.execute_update(
        "evaluation_done",
        {"activity": 1, "scores": {"relevance": 5, "quality": 4}, "summary": "useful and well run"},
    )
    await until(handle, lambda s: s.stage == Stage.COMPLETION)
    return handle


async def test_a_partner_without_a_time_zone_reads_the_requesting_countrys(
    time_skipping_env, task_queue
):
    env, outbox = time_skipping_env, Outbox()
    partner = Contact(name="Partner Focal Point", email="focal@immigration.example.cv")
    async with running_worker(env, task_queue, outbox):
        handle = await start_action(
            env.client,
            task_queue,
            action_input(partner_focal_point=partner, countries=["Cabo Verde"]),
        )
        await until(handle, lambda _: bool(outbox.matching("acknowledgement")))
    [ack] = outbox.matching("acknowledgement")
    assert ack.notice.to.timezone == "Atlantic/Cape_Verde"


def test_countries_map_to_their_capitals_zone():
    from glossary.country_zones import zone_of_country

    assert zone_of_country("Kenya") == "Africa/Nairobi"
    assert zone_of_country("Côte d'Ivoire") == "Africa/Abidjan"
    assert zone_of_country("Brazil") == "America/Sao_Paulo"
    assert zone_of_country("Republic of Moldova") == "Europe/Chisinau"
    assert zone_of_country("Atlantis") is None


async def test_the_partner_learns_that_the_request_is_accepted_and_the_fiche_due_date(
    time_skipping_env, task_queue
):
    env, outbox = time_skipping_env, Outbox()
    async with running_worker(env, task_queue, outbox):
        handle = await start_action(env.client, task_queue, action_input())
        fiche_started = await accept(handle)
        await until(handle, lambda _: bool(outbox.matching("decision", "intake")))
    [decision] = outbox.matching("decision", "intake")
    assert decision.notice.to.id == "partner-2026-01"
    assert decision.notice.subject.endswith("accepted")
    due = fiche_started + days(21)
    assert decision.notice.details[1].endswith(f"by {due:%d %B %Y}.")


class RefusingOutbox(Outbox):
    """An SMTP relay that refuses the partner's address for good."""

    @temporal_activity.defn(name="send_notice")
    async def send_notice(self, notice: Notice) -> NoticeReceipt:
        if notice.to.role == "partner_focal_point":
            raise ApplicationError("recipient refused", type="InvalidAddress", non_retryable=True)
        return await super().send_notice(notice)


async def test_a_notice_refused_for_good_never_stops_the_action(time_skipping_env, task_queue):
    env, outbox = time_skipping_env, RefusingOutbox()
    async with running_worker(env, task_queue, outbox):
        handle = await start_action(env.client, task_queue, action_input())
        await accept(handle)
        status = await until(handle, lambda s: any(e.command == "notice" for e in s.audit))
        await handle.execute_update("submit_fiche", {"fiche": sample_fiche()})
        status = await status_of(handle)
    assert status.stage == Stage.CONSULTATION
    refused = [e for e in status.audit if e.command == "notice"]
    assert refused and all(not e.accepted for e in refused)
    # Each notice is delivered on its own (0.6): the refusals are recorded as they come back.
    assert any(
        "intake/acknowledgement/partner-2026-01 not sent: recipient refused" in e.detail
        for e in refused
    )
    assert outbox.matching("assignment")  # the others' notices went out


async def test_completion_asks_the_partner_to_validate_reminds_and_escalates_and_is_overdue(
    time_skipping_env, task_queue
):
    """Issue 21 (2): without this, an Action sat 400 days in completion, never overdue."""
    env, outbox = time_skipping_env, Outbox()
    async with running_worker(env, task_queue, outbox):
        handle = await _completed(env, task_queue)
        await handle.execute_update("feedback_received", {"overall_rating": 4})
        clock = next(c for c in (await status_of(handle)).clocks if c.name == "validation")
        await env.sleep(days(22))
        await until(handle, lambda _: bool(outbox.matching("escalation", "validation")))
        due_on_the_board = (await handle.describe()).typed_search_attributes.get(sa.NEXT_DUE)
        await handle.execute_update("deliverables_validated", {"comment": "all good"})
        status = await until(handle, lambda s: s.stage == Stage.FOLLOW_UP)
    sent = [
        (s.notice.kind, s.notice.key.split("/")[2], s.notice.to.id, s.at)
        for s in outbox.sent
        if s.notice.key.split("/")[1] == "validation"
    ]
    began = clock.started_at
    assert sent == [
        ("validation_request", "request", "partner-2026-01", began),
        ("reminder", "reminder-1", "partner-2026-01", began + days(7)),
        ("reminder", "reminder-2", "partner-2026-01", began + days(14)),
        ("escalation", "due", "pm.rossi", began + days(21)),
    ]
    request = outbox.matching("validation_request")[0].notice
    assert request.answer is not None and request.answer.step == "validation"
    assert request.details[0].startswith("Activity 1: workshop, ")
    assert clock.due_at == began + days(21)
    # What the board reads: the Action is overdue once its validation is.
    assert due_on_the_board == began + days(21)
    assert "validation" not in [c.name for c in status.clocks]


async def test_a_revision_decision_says_by_when_and_quotes_each_body_by_name(
    time_skipping_env, task_queue
):
    """Issue 21: it said "By: no deadline" while a 10-day revision clock ran, and
    "DG_HOME: revise Please..."."""
    env, outbox = time_skipping_env, Outbox()
    async with running_worker(env, task_queue, outbox):
        handle = await start_action(env.client, task_queue, action_input())
        await to_psg(handle)
        await handle.execute_update(
            "psg_vote",
            {"member": "DG_HOME", "decision": "revise", "comment": "Please add a budget."},
        )
        status = await until(handle, lambda _: len(outbox.matching("decision", "psg-1")) == 2)
    revision = next(c for c in status.clocks if c.name == "revision-1")
    told = to_whom(outbox, "decision", "psg-1")
    officer = told["po.martin"].notice
    assert officer.due_at == revision.due_at
    assert officer.details == [
        "The PSG's decision: revision asked by the PSG.",
        'DG Migration and Home Affairs (DG HOME) asked for a revision: "Please add a budget."',
    ]
    assert told["partner-2026-01"].notice.due_at == revision.due_at

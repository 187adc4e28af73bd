"""Consultation (positive silence) and the PSG vote (DOMAIN.md §3 stages 3-4, §4)."""

import pytest
from temporalio.client import WorkflowUpdateFailedError

from glossary import Policy, Stage
from glossary.people import Contact
from glossary.policy import DecisionRule
from tests.workflows.support import (
    Outbox,
    accept,
    action_input,
    days,
    running_worker,
    sample_fiche,
    start_action,
    status_of,
    to_psg,
    vote,
)

MEMBERS = ["DG_INTPA", "DG_HOME", "EEAS"]


async def test_consultation_silence_counts_as_no_objection_after_5_days(
    time_skipping_env, task_queue
):
    env, outbox = time_skipping_env, Outbox()
    async with running_worker(env, task_queue, outbox):
        handle = await start_action(env.client, task_queue, action_input())
        await accept(handle)
        await handle.execute_update("submit_fiche", {"fiche": sample_fiche()})
        submitted = (await status_of(handle)).clocks[0].started_at
        await env.sleep(days(4))
        assert (await status_of(handle)).stage == Stage.CONSULTATION
        await env.sleep(days(2))
        status = await status_of(handle)
    assert status.stage == Stage.PSG_REVIEW
    psg = next(c for c in status.clocks if c.name == "psg-1")
    assert psg.started_at - submitted == days(5)
    [reminder] = outbox.matching("reminder", "consultation")
    assert reminder.at - submitted == days(3)
    assert status.audit[-1].detail == "no objection within the window"


async def test_an_objection_sends_the_fiche_back_with_the_revision_deadline(
    time_skipping_env, task_queue
):
    env, outbox = time_skipping_env, Outbox()
    async with running_worker(env, task_queue, outbox):
        handle = await start_action(env.client, task_queue, action_input())
        await accept(handle)
        await handle.execute_update("submit_fiche", {"fiche": sample_fiche()})
        await handle.execute_update(
            "consultation_feedback",
            {"organisation": "EUDEL Kenya", "objection": "dates clash with elections"},
        )
        status = await status_of(handle)
        objected_at = status.audit[-1].at
        await env.sleep(days(11))
    assert status.stage == Stage.FICHE_DRAFTING
    [clock] = status.clocks
    assert (clock.name, clock.due_at - objected_at) == ("revision-1", days(10))
    revision = [s for s in outbox.sent if s.notice.key.split("/")[1] == "revision-1"]
    assert [(s.notice.kind, s.at - objected_at) for s in revision] == [
        ("reminder", days(7)),
        ("escalation", days(10)),
    ]


async def test_psg_unanimity_approves_and_hands_over_to_implementation(
    time_skipping_env, task_queue
):
    env, outbox = time_skipping_env, Outbox()
    async with running_worker(env, task_queue, outbox):
        handle = await start_action(env.client, task_queue, action_input())
        await to_psg(handle)
        for member in MEMBERS[:2]:
            await vote(handle, member)
        assert (await status_of(handle)).stage == Stage.PSG_REVIEW
        await vote(handle, "EEAS")
        status = await status_of(handle)
    assert status.stage == Stage.IMPLEMENTATION
    assert [v.member for v in status.psg_votes] == MEMBERS
    decisions = outbox.matching("decision", "psg-1")
    assert {d.notice.to.role for d in decisions} == {"partner_focal_point", "project_officer"}


async def test_any_psg_rejection_rejects_the_action(time_skipping_env, task_queue):
    env, outbox = time_skipping_env, Outbox()
    async with running_worker(env, task_queue, outbox):
        handle = await start_action(env.client, task_queue, action_input())
        await to_psg(handle)
        await vote(handle, "DG_INTPA")
        await vote(handle, "EEAS", "rejected")
        status = await status_of(handle)
        result = await handle.result()
    assert status.stage == Stage.REJECTED
    assert result.stage == Stage.REJECTED
    assert status.outcome == "rejected by the PSG"
    assert status.clocks == []


async def test_psg_revise_and_resubmit_starts_a_second_round_with_fresh_votes(
    time_skipping_env, task_queue
):
    env, outbox = time_skipping_env, Outbox()
    async with running_worker(env, task_queue, outbox):
        handle = await start_action(env.client, task_queue, action_input())
        await to_psg(handle)
        await vote(handle, "DG_HOME")
        await vote(handle, "EEAS", "revise")
        revising = await status_of(handle)
        await handle.execute_update("submit_fiche", {"fiche": sample_fiche(title="Kenya v2")})
        await handle.execute_update("consultation_feedback", {"organisation": "EC services"})
        for member in MEMBERS:
            await vote(handle, member)
        status = await status_of(handle)
    assert revising.stage == Stage.FICHE_DRAFTING
    assert revising.clocks[0].name == "revision-1"
    assert status.stage == Stage.IMPLEMENTATION
    assert status.psg_round == 2
    assert status.fiche_version == 2
    assert [(v.round, v.member, v.decision) for v in status.psg_votes] == [
        (1, "DG_HOME", "approved"),
        (1, "EEAS", "revise"),
        (2, "DG_INTPA", "approved"),
        (2, "DG_HOME", "approved"),
        (2, "EEAS", "approved"),
    ]


async def test_psg_reminders_go_only_to_members_who_have_not_voted(time_skipping_env, task_queue):
    env, outbox = time_skipping_env, Outbox()
    async with running_worker(env, task_queue, outbox):
        handle = await start_action(env.client, task_queue, action_input())
        opened = await to_psg(handle)
        await vote(handle, "DG_HOME")
        await env.sleep(days(6))
        await vote(handle, "EEAS")
        await env.sleep(days(5))
        status = await status_of(handle)
    reminders = [(s.notice.to.role, s.at - opened) for s in outbox.matching("reminder", "psg")]
    assert sorted(reminders) == [
        ("psg:DG_INTPA", days(5)),
        ("psg:DG_INTPA", days(8)),
        ("psg:EEAS", days(5)),
    ]
    [escalation] = outbox.matching("escalation", "psg")
    assert (escalation.notice.to.role, escalation.at - opened) == ("programme_director", days(10))
    assert status.stage == Stage.PSG_REVIEW


async def test_psg_silence_rule_approves_at_the_due_time(time_skipping_env, task_queue):
    env, outbox = time_skipping_env, Outbox()
    policy = Policy(working_hours="", psg_decision_rule=DecisionRule.SILENCE_APPROVES)
    async with running_worker(env, task_queue, outbox):
        handle = await start_action(env.client, task_queue, action_input(policy=policy))
        opened = await to_psg(handle)
        await vote(handle, "DG_HOME")
        await env.sleep(days(9))
        before = await status_of(handle)
        await env.sleep(days(2))
        status = await status_of(handle)
    assert before.stage == Stage.PSG_REVIEW
    assert status.stage == Stage.IMPLEMENTATION
    silence = next(a for a in status.audit if "silence" in a.detail)
    assert silence.at - opened == days(10)
    assert outbox.matching("escalation", "psg") == []


EUDEL = Contact(name="EUDEL Kenya desk", email="eudel@eeas.example.eu", timezone="Africa/Nairobi")


async def _in_consultation(env, task_queue):
    handle = await start_action(env.client, task_queue, action_input(eudel_contact=EUDEL))
    await accept(handle)
    await handle.execute_update("submit_fiche", {"fiche": sample_fiche()})
    return handle


async def test_the_first_no_objection_waits_for_the_other_consulted_body(
    time_skipping_env, task_queue
):
    """Issue 21 (1): the EU Delegation's click does not cut the EC services' window short."""
    env = time_skipping_env
    async with running_worker(env, task_queue, Outbox()):
        handle = await _in_consultation(env, task_queue)
        said = await handle.execute_update("consultation_feedback", {"organisation": "EUDEL Kenya"})
        assert said.startswith("no objection from EUDEL Kenya; waiting for the EC services")
        assert (await status_of(handle)).stage == Stage.CONSULTATION
        again = await handle.execute_update(
            "consultation_feedback", {"organisation": "EC services"}
        )
        status = await status_of(handle)
    assert again.endswith("every body consulted has answered: on to the PSG")
    assert status.stage == Stage.PSG_REVIEW


async def test_an_objection_after_another_bodys_no_objection_returns_the_fiche(
    time_skipping_env, task_queue
):
    env = time_skipping_env
    async with running_worker(env, task_queue, Outbox()):
        handle = await _in_consultation(env, task_queue)
        await handle.execute_update("consultation_feedback", {"organisation": "EUDEL Kenya"})
        await env.sleep(days(3))
        await handle.execute_update(
            "consultation_feedback",
            {"organisation": "EC services", "objection": "the budget line is missing"},
        )
        status = await status_of(handle)
    assert status.stage == Stage.FICHE_DRAFTING
    assert "objection from EC services: the budget line is missing" in status.audit[-1].detail


async def test_one_answer_and_silence_to_the_window_end_is_no_objection(
    time_skipping_env, task_queue
):
    env = time_skipping_env
    async with running_worker(env, task_queue, Outbox()):
        handle = await _in_consultation(env, task_queue)
        await handle.execute_update("consultation_feedback", {"organisation": "EUDEL Kenya"})
        with pytest.raises(WorkflowUpdateFailedError) as twice:
            await handle.execute_update("consultation_feedback", {"organisation": "EUDEL"})
        assert "the EUDEL already answered on Action Fiche v1" in str(twice.value.cause)
        await env.sleep(days(6))
        status = await status_of(handle)
    assert status.stage == Stage.PSG_REVIEW
    assert status.audit[-1].detail == "no objection within the window"

"""Two-step Actions, amended plans, partial closure, withdrawal and the activity commands'
refusals (DOMAIN.md §3 stages 5-8)."""

import uuid
from datetime import timedelta

import pytest
from temporalio.client import WorkflowUpdateFailedError

from activities.compose import render_bodies
from activities.roster import search
from glossary import PlannedActivity, Stage
from glossary.roster import CandidateQuery
from tests.workflows.support import (
    Outbox,
    action_input,
    activity,
    activity_plan,
    confirm_all,
    days,
    demo_roster_copy,
    invited,
    respond,
    running_worker,
    start_action,
    status_of,
    to_implementation,
    until,
)


async def deliver(handle, numbers):
    await until(handle, lambda s: all(activity(s, n).stage == "reporting" for n in numbers))
    for n in numbers:
        await handle.execute_update(
            "activity_completed", {"activity": n, "participants": 20, "women": 10, "men": 10}
        )
    await until(handle, lambda s: all(activity(s, n).stage == "evaluation" for n in numbers))
    for n in numbers:
        await handle.execute_update("evaluation_done", {"activity": n})


async def refusal(handle, command, payload) -> str:
    with pytest.raises(WorkflowUpdateFailedError) as error:
        await handle.execute_update(command, payload)
    return error.value.cause.message


async def test_a_two_step_action_waits_for_the_amended_plan_after_its_mission(
    time_skipping_env, task_queue
):
    env, outbox = time_skipping_env, Outbox()
    today = (await env.get_current_time()).date()
    plan = activity_plan(today + timedelta(days=30), 3)
    plan[0]["type"] = "fact-finding mission"
    async with running_worker(env, task_queue, outbox):
        handle = await start_action(env.client, task_queue, action_input())
        await to_implementation(handle, plan, two_step=True)
        await confirm_all(handle, [1])
        started = await status_of(handle)
        await env.sleep(days(34))
        await deliver(handle, [1])
        waiting = await until(handle, lambda s: s.waiting_on.startswith("the plan adjusted after"))
        await handle.execute_update(
            "amend_plan",
            {
                "reschedule": [
                    {
                        "number": 3,
                        "start": str(today + timedelta(days=80)),
                        "end": str(today + timedelta(days=81)),
                    }
                ],
                "reason": "plan adjusted after the mission",
            },
        )
        after = await until(handle, lambda s: all(len(invited(s, n)) == 2 for n in (2, 3)))
    assert [a.stage for a in started.activities] == ["scheduled", "planned", "planned"]
    assert [a.stage for a in waiting.activities] == ["delivered", "planned", "planned"]
    assert activity(after, 3).start == today + timedelta(days=80)


async def test_an_amended_plan_adds_cancels_and_reschedules_activities(
    time_skipping_env, task_queue
):
    env, outbox = time_skipping_env, Outbox()
    today = (await env.get_current_time()).date()
    plan = activity_plan(today + timedelta(days=40), 3)
    async with running_worker(env, task_queue, outbox):
        handle = await start_action(env.client, task_queue, action_input())
        await to_implementation(handle, plan)
        before = await until(handle, lambda s: all(len(invited(s, n)) == 2 for n in (1, 2, 3)))
        pending = invited(before, 2)
        re_asked = invited(before, 3)[0]
        await respond(handle, 3, re_asked, True)
        await until(handle, lambda s: re_asked not in invited(s, 3))

        def asked_for_activity_3() -> int:
            asked = outbox.matching("invitation", f"expert-3-{re_asked}")
            return [s.notice.to.role for s in asked].count("expert")

        new_dates = (today + timedelta(days=90), today + timedelta(days=92))
        extra = activity_plan(today + timedelta(days=70), 1)[0] | {"number": 4}
        await handle.execute_update(
            "amend_plan",
            {
                "add": [extra],
                "cancel": [{"number": 2, "reason": "the ministry postponed it"}],
                "reschedule": [{"number": 3, "start": str(new_dates[0]), "end": str(new_dates[1])}],
            },
        )
        after = await until(
            handle,
            lambda s: (
                activity(s, 2).stage == "cancelled"
                and len(invited(s, 4)) == 2
                and len(invited(s, 3)) == 2
                and activity(s, 3).start == new_dates[0]
                and asked_for_activity_3() == 2  # the old dates, then the new ones
            ),
        )
        amended = next(a for a in (await status_of(handle)).audit if a.command == "amend_plan")
    assert activity(after, 2).note == "the ministry postponed it"
    withdrawn = {s.notice.to.id for s in outbox.matching("withdrawal")}
    assert set(pending) <= withdrawn
    assert re_asked in invited(after, 3)  # confirmed for the old dates, asked again
    assert amended.detail.startswith("plan amended: added 4; cancelled 2 (the ministry")


async def test_an_action_with_a_cancelled_activity_closes_normally(time_skipping_env, task_queue):
    env, outbox = time_skipping_env, Outbox()
    today = (await env.get_current_time()).date()
    plan = activity_plan(today + timedelta(days=40), 2)
    async with running_worker(env, task_queue, outbox):
        handle = await start_action(env.client, task_queue, action_input())
        await to_implementation(handle, plan)
        await confirm_all(handle, [1, 2])
        await handle.execute_update(
            "amend_plan", {"cancel": [{"number": 2, "reason": "not held: elections"}]}
        )
        await env.sleep(days(45))
        await deliver(handle, [1])
        await until(handle, lambda s: s.stage == Stage.COMPLETION)
        await handle.execute_update("deliverables_validated", {})
        await env.sleep(days(31))  # no feedback: the questionnaire's deadline passes
        await until(handle, lambda s: s.stage == Stage.FOLLOW_UP)
        await env.sleep(days(361))
        result = await handle.result()
    assert result.stage == Stage.CLOSED
    assert [(a.number, a.stage) for a in result.activities] == [(1, "delivered"), (2, "cancelled")]
    assert result.outcome == "closed; adoption check: no answer to the follow-up"
    questionnaires = outbox.matching("questionnaire")
    assert [q.notice.key.split("/")[1] for q in questionnaires] == ["feedback", "follow-up"]
    assert outbox.matching("escalation", "feedback")[0].notice.to.role == "project_officer"


async def test_withdraw_during_implementation_cancels_the_activities_and_withdraws_invitations(
    time_skipping_env, task_queue
):
    env, outbox = time_skipping_env, Outbox()
    today = (await env.get_current_time()).date()
    async with running_worker(env, task_queue, outbox):
        handle = await start_action(env.client, task_queue, action_input())
        await to_implementation(handle, activity_plan(today + timedelta(days=40), 2))
        status = await until(handle, lambda s: all(len(invited(s, n)) == 2 for n in (1, 2)))
        await handle.execute_update("withdraw", {"reason": "the government fell"})
        result = await handle.result()
        children = [
            await env.client.get_workflow_handle(f"action-2026-01-activity-{n}").describe()
            for n in (1, 2)
        ]
    assert result.stage == Stage.WITHDRAWN
    assert [c.status.name for c in children] == ["COMPLETED", "COMPLETED"]
    everyone_invited = {e for n in (1, 2) for e in invited(status, n)}
    told = {s.notice.to.id for s in outbox.matching("withdrawal", "cancel")}
    assert everyone_invited <= told


async def test_activity_commands_that_do_not_fit_are_refused(time_skipping_env, task_queue):
    env, outbox = time_skipping_env, Outbox()
    today = (await env.get_current_time()).date()
    plan = activity_plan(today + timedelta(days=40), 2)
    async with running_worker(env, task_queue, outbox):
        handle = await start_action(env.client, task_queue, action_input())
        await to_implementation(handle, plan)
        await until(handle, lambda s: all(len(invited(s, n)) == 2 for n in (1, 2)))
        await handle.execute_update(
            "amend_plan", {"cancel": [{"number": 2, "reason": "no longer needed"}]}
        )
        await until(handle, lambda s: activity(s, 2).stage == "cancelled")
        before = await status_of(handle)
        not_ended = await refusal(
            handle,
            "activity_completed",
            {"activity": 1, "participants": 10, "women": 5, "men": 5},
        )
        cancelled = await refusal(
            handle,
            "activity_completed",
            {"activity": 2, "participants": 10, "women": 5, "men": 5},
        )
        too_many = await refusal(
            handle,
            "activity_completed",
            {"activity": 1, "participants": 10, "women": 6, "men": 5},
        )
        negative = await refusal(
            handle,
            "activity_completed",
            {"activity": 1, "participants": -1, "women": 0, "men": 0},
        )
        after = await status_of(handle)
    end = plan[0]["end"]
    assert not_ended == f"activity 1 ends on {end}; its completion is reported after that"
    assert cancelled == "activity 2 was cancelled: no longer needed"
    assert too_many == (
        "invalid ActivityCompleted: women (6) + men (5) exceed the participants total (10)"
    )
    assert negative == (
        "invalid ActivityCompleted: participants: Input should be greater than or equal to 0"
    )
    assert after.audit == before.audit


async def test_an_activity_workflow_terminated_by_hand_counts_as_cancelled(local_env, task_queue):
    """On the dev server: the time-skipping server does not report a child's termination."""
    env, outbox = local_env, Outbox()
    today = (await env.get_current_time()).date()
    reference = f"2026-{uuid.uuid4().int % 900 + 100}"
    async with running_worker(env, task_queue, outbox):
        handle = await start_action(env.client, task_queue, action_input(reference))
        await to_implementation(handle, activity_plan(today + timedelta(days=40), 1))
        await until(handle, lambda s: len(invited(s, 1)) == 2)
        child = env.client.get_workflow_handle(f"action-{reference}-activity-1")
        await child.terminate(reason="opened by mistake")
        status = await until(handle, lambda s: s.stage == Stage.COMPLETION)
    assert activity(status, 1).stage == "cancelled"
    assert activity(status, 1).note.startswith("activity workflow ended")
    # Its clocks died with it: none is shown as open.
    assert activity(status, 1).clocks == [] and activity(status, 1).next_due is None


async def test_an_activity_terminated_by_hand_has_its_experts_told_and_freed_by_the_action(
    local_env, task_queue, tmp_path
):
    """Its workflow, which would have told them and freed their dates, is gone: the Action
    does both (0.9), for the expert who confirmed and the one still invited."""
    env, outbox = local_env, Outbox()
    roster = demo_roster_copy(tmp_path)
    today = (await env.get_current_time()).date()
    reference = f"2026-{uuid.uuid4().int % 900 + 100}"
    [planned] = activity_plan(today + timedelta(days=40), 1)
    async with running_worker(env, task_queue, outbox, roster_url=roster):
        handle = await start_action(env.client, task_queue, action_input(reference))
        await to_implementation(handle, [planned])
        status = await until(handle, lambda s: len(invited(s, 1)) == 2)
        confirmed, waiting = invited(status, 1)
        await respond(handle, 1, confirmed, True)
        await until(handle, lambda s: "confirmed" in {e.state for e in activity(s, 1).experts})
        held = search(roster, query_for(planned, "2026-99"))
        child = env.client.get_workflow_handle(f"action-{reference}-activity-1")
        await child.terminate(reason="opened by mistake")
        status = await until(
            handle,
            lambda s: (
                s.stage == Stage.COMPLETION
                and sum("told it is off" in e.detail for e in s.audit) == 2
            ),
        )
        free = search(roster, query_for(planned, "2026-99"))
        # Withdrawn to end the run, which returns once every notice is delivered.
        await handle.execute_update("withdraw", {"reason": "test over"})
        await handle.result()

    assert {confirmed, waiting}.isdisjoint(c.expert_id for c in held)
    assert {confirmed, waiting} <= {c.expert_id for c in free}
    assert [(e.expert_id, e.state) for e in activity(status, 1).experts] == [
        (confirmed, "withdrawn"),
        (waiting, "withdrawn"),
    ]
    told = {
        (s.notice.to.id, s.notice.key.split("/")[2]): s.notice
        for s in outbox.matching("withdrawal", "cancel-1")
    }
    cancelled = told[(confirmed, f"confirmed-{confirmed}")]
    withdrawn = told[(waiting, f"invitation-{waiting}")]
    assert cancelled.subject.startswith(f"MIEUX {reference}: activity cancelled: Nairobi, Kenya")
    assert withdrawn.subject.startswith(f"MIEUX {reference}: invitation withdrawn: Nairobi")
    assert withdrawn.details == ["The MIEUX team has cancelled this activity."]
    # The expert by name, as their focal point knows them, not by roster code.
    assert cancelled.details == [
        f"{cancelled.to.name} was confirmed for Migration data workshop 1",
        "The MIEUX team has cancelled this activity.",
    ]
    # Their focal points too, as the activity itself would have told them.
    assert len(told) == 4
    freed = [e.detail for e in status.audit if "told it is off" in e.detail]
    assert freed == [
        f"activity 1 was closed outside the Action: {confirmed} (confirmed) told it is off,"
        " and their dates released",
        f"activity 1 was closed outside the Action: {waiting} (invited) told it is off,"
        " and their dates released",
    ]


async def test_a_withdrawn_action_leaves_its_confirmed_experts_free_in_the_roster(
    time_skipping_env, task_queue, tmp_path
):
    env, outbox = time_skipping_env, Outbox()
    roster = demo_roster_copy(tmp_path)
    today = (await env.get_current_time()).date()
    [planned] = activity_plan(today + timedelta(days=40), 1)
    async with running_worker(env, task_queue, outbox, roster_url=roster):
        handle = await start_action(env.client, task_queue, action_input())
        await to_implementation(handle, [planned])
        await confirm_all(handle, [1])
        experts = [e.expert_id for e in activity(await status_of(handle), 1).experts]
        held = search(roster, query_for(planned, "2026-99"))
        await handle.execute_update("withdraw", {"reason": "the government fell"})
        await handle.result()
    free = search(roster, query_for(planned, "2026-99"))
    assert not set(experts) & {c.expert_id for c in held}
    assert set(experts) <= {c.expert_id for c in free}
    # Each is told, by name (their focal point knows them so, not by roster code).
    told = [s.notice for s in outbox.matching("withdrawal", "cancel-1")]
    to_experts = {n.to.id: n for n in told if n.to.id in experts}
    assert set(to_experts) == set(experts)
    assert all(
        n.details
        == [
            f"{n.to.name} was confirmed for {planned['title']}",
            "Action withdrawn: the government fell",
        ]
        for n in to_experts.values()
    )
    # Our words around the reason staff typed are in the reader's language.
    notice = next(iter(to_experts.values()))
    french = notice.model_copy(update={"to": notice.to.model_copy(update={"language": "fr"})})
    assert "- Action retirée : the government fell" in render_bodies(french)[0]


def query_for(planned: dict, reference: str) -> CandidateQuery:
    return CandidateQuery.for_activity(
        reference, PlannedActivity.model_validate(planned), themes=["migration data"], limit=100
    )


async def test_an_activity_is_mobilised_once_what_it_depends_on_is_delivered(
    time_skipping_env, task_queue
):
    """Issue 21 (4): `depends_on` holds an activity back; the others start at approval."""
    env, outbox = time_skipping_env, Outbox()
    today = (await env.get_current_time()).date()
    plan = activity_plan(today + timedelta(days=30), 3)
    plan[2]["depends_on"] = [1]
    async with running_worker(env, task_queue, outbox):
        handle = await start_action(env.client, task_queue, action_input())
        await to_implementation(handle, plan)
        await confirm_all(handle, [1, 2])
        approved = await status_of(handle)
        await env.sleep(days(45))
        await until(handle, lambda s: activity(s, 1).stage == "reporting")
        held_back = await status_of(handle)
        await deliver(handle, [1])
        released = await until(handle, lambda s: len(invited(s, 3)) == 2)
    assert [a.stage for a in approved.activities] == ["scheduled", "scheduled", "planned"]
    # 45 days on, activity 1 took place but is not yet reported: 3 still waits.
    assert activity(held_back, 3).stage == "planned" and not invited(held_back, 3)
    assert activity(released, 1).stage == "delivered"
    assert activity(released, 3).stage == "mobilising"


async def test_after_the_fact_finding_mission_the_officer_is_reminded_to_plan_the_next_step(
    time_skipping_env, task_queue
):
    """Issue 21 (5): a two-step Action no longer stalls silently after its mission."""
    env, outbox = time_skipping_env, Outbox()
    today = (await env.get_current_time()).date()
    plan = activity_plan(today + timedelta(days=30), 2)
    plan[0]["type"] = "fact-finding mission"
    async with running_worker(env, task_queue, outbox):
        handle = await start_action(env.client, task_queue, action_input())
        await to_implementation(handle, plan, two_step=True)
        await confirm_all(handle, [1])
        await env.sleep(days(34))
        await deliver(handle, [1])
        waiting = await until(handle, lambda s: any(c.kind == "next_step" for c in s.clocks))
        clock = next(c for c in waiting.clocks if c.kind == "next_step")
        await env.sleep(days(31))
        await until(handle, lambda _: bool(outbox.matching("escalation", "next-step")))
        await handle.execute_update("amend_plan", {"reason": "the rest as planned"})
        after = await until(handle, lambda s: len(invited(s, 2)) == 2)
    sent = [
        (s.notice.kind, s.notice.key.split("/")[2], s.notice.to.id, s.at)
        for s in outbox.sent
        if s.notice.key.split("/")[1] == clock.name
    ]
    began = clock.started_at
    assert sent == [
        ("reminder", "mission-delivered", "po.martin", began),
        ("reminder", "reminder-1", "po.martin", began + days(14)),
        ("reminder", "reminder-2", "po.martin", began + days(25)),
        ("escalation", "due", "pm.rossi", began + days(30)),
    ]
    first = outbox.matching("reminder", "next-step")[0].notice
    assert first.command == "mieux plan next-step 2026-01 PLAN.json"
    assert not [c for c in after.clocks if c.kind == "next_step"]

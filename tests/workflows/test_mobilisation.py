"""Expert mobilisation per activity (DOMAIN.md §3 "Expert mobilisation", §4)."""

from datetime import timedelta

import pytest
from temporalio.client import WorkflowUpdateFailedError

from glossary import Stage
from tests.workflows.support import (
    Outbox,
    action_input,
    activity,
    activity_plan,
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


async def one_activity_action(env, task_queue, outbox, *, reference="2026-01", **changes):
    today = (await env.get_current_time()).date()
    handle = await start_action(env.client, task_queue, action_input(reference))
    await to_implementation(handle, activity_plan(today + timedelta(days=40), 1, **changes))
    return handle


def invitations(outbox: Outbox) -> list[tuple[str, str]]:
    return [(s.notice.to.role, s.notice.to.id) for s in outbox.matching("invitation")]


async def test_an_invitation_goes_to_the_expert_and_their_focal_point(
    time_skipping_env, task_queue
):
    env, outbox = time_skipping_env, Outbox()
    async with running_worker(env, task_queue, outbox):
        handle = await one_activity_action(env, task_queue, outbox)
        status = await until(handle, lambda s: len(invited(s, 1)) == 2)
    experts = invited(status, 1)
    sent = invitations(outbox)
    assert sorted(i for r, i in sent if r == "expert") == sorted(experts)
    assert sum(1 for r, _ in sent if r == "focal_point") == 2
    invitation = outbox.matching("invitation")[0].notice
    assert invitation.documents and invitation.documents[0].endswith(".docx")
    assert "mieux expert confirm 2026-01 --activity 1 --expert" in invitation.command


async def test_a_decline_moves_to_the_next_candidate(time_skipping_env, task_queue):
    env, outbox = time_skipping_env, Outbox()
    async with running_worker(env, task_queue, outbox):
        handle = await one_activity_action(env, task_queue, outbox)
        first = invited(await until(handle, lambda s: len(invited(s, 1)) == 2), 1)
        await respond(handle, 1, first[0], False)
        status = await until(
            handle, lambda s: first[0] not in invited(s, 1) and len(invited(s, 1)) == 2
        )
    now_invited = invited(status, 1)
    assert first[1] in now_invited
    [newcomer] = [e for e in now_invited if e != first[1]]
    assert newcomer not in first
    assert ("expert", newcomer) in invitations(outbox)


async def test_a_silent_expert_is_reminded_then_replaced_at_the_deadline(
    time_skipping_env, task_queue
):
    env, outbox = time_skipping_env, Outbox()
    async with running_worker(env, task_queue, outbox):
        handle = await one_activity_action(env, task_queue, outbox)
        first = invited(await until(handle, lambda s: len(invited(s, 1)) == 2), 1)
        invited_at = outbox.matching("invitation")[0].at
        await respond(handle, 1, first[1], True)
        await env.sleep(days(7.5))
        status = await until(
            handle, lambda s: len(invited(s, 1)) == 1 and first[0] not in invited(s, 1)
        )
    reminders = [s for s in outbox.matching("reminder") if s.notice.to.id == first[0]]
    [reminder] = reminders
    assert abs(reminder.at - invited_at - days(4)) < timedelta(seconds=1)
    [replacement] = invited(status, 1)
    replaced_at = next(s.at for s in outbox.matching("invitation") if s.notice.to.id == replacement)
    assert abs(replaced_at - invited_at - days(7)) < timedelta(seconds=5)


async def test_when_the_roster_runs_out_staff_are_alerted_and_can_nominate(
    time_skipping_env, task_queue
):
    env, outbox = time_skipping_env, Outbox()
    async with running_worker(env, task_queue, outbox):
        handle = await one_activity_action(env, task_queue, outbox, expertise=["space law"])
        await until(handle, lambda s: bool(outbox.matching("escalation", "roster")))
        await handle.execute_update("nominate_expert", {"activity": 1, "expert_id": "EX-NL-01"})
        await handle.execute_update("nominate_expert", {"activity": 1, "expert_id": "EX-PT-01"})
        # Issue 21 (3): nominated experts are invited, with their terms of reference and
        # answer links, through their focal points too; they confirm like anyone else.
        nominated = await until(handle, lambda s: len(invited(s, 1)) == 2)
        for expert in invited(nominated, 1):
            await respond(handle, 1, expert, True)
        status = await until(handle, lambda s: activity(s, 1).stage == "scheduled")
    alerted = {s.notice.to.role for s in outbox.matching("escalation", "roster")}
    assert alerted == {"project_officer", "programme_manager"}
    assert sorted((e.expert_id, e.state) for e in activity(status, 1).experts) == [
        ("EX-NL-01", "confirmed"),
        ("EX-PT-01", "confirmed"),
    ]
    invitations = outbox.matching("invitation")
    for expert in ("EX-NL-01", "EX-PT-01"):
        to_them = [s.notice for s in invitations if expert in s.notice.key]
        assert {n.to.role for n in to_them} == {"expert", "focal_point", "project_officer"}
        expert_copy = next(n for n in to_them if n.to.role == "expert")
        assert expert_copy.answer is not None and expert_copy.documents


async def test_no_expert_is_double_booked_when_two_actions_want_the_same_dates(
    time_skipping_env, task_queue, tmp_path
):
    env, outbox = time_skipping_env, Outbox()
    roster = demo_roster_copy(tmp_path)
    changes = {"expertise": ["climate & migration"]}
    async with running_worker(env, task_queue, outbox, roster_url=roster):
        first = await one_activity_action(env, task_queue, outbox, reference="2026-01", **changes)
        second = await one_activity_action(env, task_queue, outbox, reference="2026-02", **changes)
        a = await until(first, lambda s: len(invited(s, 1)) == 2)
        b = await until(second, lambda s: len(invited(s, 1)) == 2)
    assert set(invited(a, 1)).isdisjoint(invited(b, 1))


async def test_a_response_from_an_expert_who_was_not_invited_is_refused(
    time_skipping_env, task_queue
):
    env, outbox = time_skipping_env, Outbox()
    async with running_worker(env, task_queue, outbox):
        handle = await one_activity_action(env, task_queue, outbox)
        status = await until(handle, lambda s: len(invited(s, 1)) == 2)
        with pytest.raises(WorkflowUpdateFailedError) as refused:
            await respond(handle, 1, "EX-ZZ-99", True)
        after = await status_of(handle)
    assert refused.value.cause.message.startswith(
        "expert EX-ZZ-99 was not invited to activity 1 (awaiting: "
    )
    assert after.activities == status.activities
    assert after.audit == status.audit


async def test_hold_during_mobilisation_keeps_the_remaining_confirmation_time(
    time_skipping_env, task_queue
):
    env, outbox = time_skipping_env, Outbox()
    async with running_worker(env, task_queue, outbox):
        handle = await one_activity_action(env, task_queue, outbox)
        silent = invited(await until(handle, lambda s: len(invited(s, 1)) == 2), 1)[0]
        await respond(handle, 1, invited(await status_of(handle), 1)[1], True)
        invited_at = outbox.matching("invitation")[0].at
        await env.sleep(days(2))
        await handle.execute_update("hold", {"reason": "partner reorganisation"})
        held_at = (await status_of(handle)).audit[-1].at
        await env.sleep(days(20))
        paused = await status_of(handle)
        await handle.execute_update("resume", {})
        resumed_at = (await status_of(handle)).audit[-1].at
        await env.sleep(days(6))
        status = await until(handle, lambda s: silent not in invited(s, 1))
    assert invited(paused, 1) == [silent]  # nothing moved while on hold
    [replacement] = invited(status, 1)
    replaced_at = next(s.at for s in outbox.matching("invitation") if s.notice.to.id == replacement)
    expected = invited_at + days(7) + (resumed_at - held_at)
    assert abs(replaced_at - expected) < timedelta(seconds=5)
    assert status.stage == Stage.IMPLEMENTATION


async def test_a_nomination_waits_for_a_free_place_and_takes_it_before_the_roster(
    time_skipping_env, task_queue
):
    env, outbox = time_skipping_env, Outbox()
    async with running_worker(env, task_queue, outbox):
        handle = await one_activity_action(env, task_queue, outbox)
        first = invited(await until(handle, lambda s: len(invited(s, 1)) == 2), 1)
        nominee = "EX-PT-01" if "EX-PT-01" not in first else "EX-NL-01"
        await handle.execute_update("nominate_expert", {"activity": 1, "expert_id": nominee})
        waiting = await status_of(handle)
        await respond(handle, 1, first[0], False)
        status = await until(
            handle, lambda s: any(e.expert_id == nominee for e in activity(s, 1).experts)
        )
    assert nominee not in [e.expert_id for e in activity(waiting, 1).experts]
    assert sorted((e.expert_id, e.state) for e in activity(status, 1).experts) == sorted(
        [(first[1], "invited"), (nominee, "invited")]
    )


async def test_an_experts_confirmation_confirms_the_activity_and_says_what_happens_next(
    time_skipping_env, task_queue
):
    """Issue 21: it said "confirmed: EX-HU-02" and nothing else."""
    env, outbox = time_skipping_env, Outbox()
    async with running_worker(env, task_queue, outbox):
        handle = await one_activity_action(env, task_queue, outbox)
        status = await until(handle, lambda s: len(invited(s, 1)) == 2)
        expert = invited(status, 1)[0]
        await respond(handle, 1, expert, True)
        await until(handle, lambda _: bool(outbox.matching("confirmation")))
    theirs = next(s.notice for s in outbox.matching("confirmation") if s.notice.to.id == expert)
    assert theirs.subject.startswith("MIEUX 2026-01: your participation is confirmed: workshop")
    assert expert not in theirs.subject and expert not in " ".join(theirs.details)
    assert theirs.details[0].startswith("Activity: ")
    assert theirs.details[-1].startswith("What happens next: Claire Martin, the project officer")
    invitation = next(s.notice for s in outbox.matching("invitation") if s.notice.to.id == expert)
    assert invitation.awaited == "your answer: confirm or decline"

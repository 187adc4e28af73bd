"""An Action flooded with signals continues as new before its history nears Temporal's
limits, and goes on as if nothing happened (issue 22.7; workflows/continuation.py)."""

from __future__ import annotations

from typing import Any

import pytest
from temporalio import workflow
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.enums.v1 import EventType, WorkflowExecutionStatus, WorkflowTaskFailedCause
from temporalio.api.workflowservice.v1 import DescribeWorkflowExecutionRequest
from temporalio.client import WorkflowContinuedAsNewError

from activities.compose import render_bodies
from glossary import ActionInput, ActionStatus, Policy, Stage
from tests.workflows.support import (
    Outbox,
    accept,
    action_input,
    days,
    running_worker,
    sample_fiche,
    start_action,
    status_of,
)
from workflows.action_lifecycle import ActionLifecycle

WFT_FAILED = EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED
UNHANDLED = WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND
# Low enough that 60 refused signals cross it; the default is 4,000.
POLICY = Policy(working_hours="", continue_after_events=100)
# On the time-skipping server a query sent while the Action continues as new can go
# unanswered: high enough that it continues only when flooded, not on its own.
QUIET_POLICY = Policy(working_hours="", continue_after_events=400)


async def _flood(handle, count: int) -> None:
    for _ in range(count):
        await handle.signal("resume", {"by": "po.martin"})  # refused: not on hold


async def _flood_until_it_continues(env, handle, count: int, bound: int = 100) -> str:
    """Floods the current run with `count` signals, more if its history is still short of
    the bound (how many events an Action makes on its own varies with the activities'
    reports, and the run may have continued once already), and returns its id once it has
    continued as new."""
    run, _, _ = await _described(env, handle.id)
    await _flood(handle, count)
    for _ in range(bound // 10):
        _, running, length = await _described(env, handle.id, run)
        if not running or length >= bound:
            break
        await _flood(handle, 10)
    with pytest.raises(WorkflowContinuedAsNewError):
        await env.client.get_workflow_handle(handle.id, run_id=run).result(follow_runs=False)
    return run


async def _continued_then_one_workshop_terminated(
    env, task_queue: str, policy: Policy, flood: int
) -> tuple[str, Any, Any]:
    """Two workshops 40 days ahead, their experts invited; the Action flooded until it
    continues as new (`flood` signals first), then workshop 2 terminated by hand. Its
    reference, its handle, and its status when the invitations were out."""
    from datetime import timedelta

    from tests.workflows.support import activity_plan, invited, to_implementation, until

    today = (await env.get_current_time()).date()
    reference, handle = await _start_as_the_cli_does(env, task_queue, policy)
    await to_implementation(handle, activity_plan(today + timedelta(days=40), 2))
    before = await until(handle, lambda s: all(len(invited(s, n)) == 2 for n in (1, 2)))
    await _flood_until_it_continues(env, handle, flood, bound=policy.continue_after_events)
    second = env.client.get_workflow_handle(f"action-{reference}-activity-2")
    await second.terminate("stuck, ended from the Web UI")
    return reference, handle, before


async def _described(env, workflow_id: str, run_id: str = "") -> tuple[str, bool, int]:
    """Run id, running or not, history length: read raw, as the time-skipping server's
    description of a Datetime search attribute is one the SDK cannot decode."""
    described = await env.client.workflow_service.describe_workflow_execution(
        DescribeWorkflowExecutionRequest(
            namespace=env.client.namespace,
            execution=WorkflowExecution(workflow_id=workflow_id, run_id=run_id),
        )
    )
    info = described.workflow_execution_info
    running = info.status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING
    return info.execution.run_id, running, info.history_length


async def _start_as_the_cli_does(env, task_queue: str, policy: Policy) -> tuple[str, Any]:
    """With the CLI's workflow id (`action-REF`), on the dev server the session shares: a
    reference of its own."""
    # A year of its own too: 900 numbers a year made two tests of one session collide.
    reference = f"{2100 + int(task_queue[-8:-4], 16) % 800}-{int(task_queue[-4:], 16) % 900 + 100}"
    handle = await env.client.start_workflow(
        "ActionLifecycle",
        action_input(reference, policy),
        id=f"action-{reference}",
        task_queue=task_queue,
    )
    return reference, handle


async def test_a_flooded_action_continues_as_new_with_its_state_and_clocks(
    time_skipping_env, task_queue
):
    env, outbox = time_skipping_env, Outbox()
    async with running_worker(env, task_queue, outbox):
        handle = await start_action(env.client, task_queue, action_input(policy=POLICY))
        accepted_at = await accept(handle)
        await env.sleep(days(10))  # the 7-day Fiche reminder has gone
        before = await status_of(handle)
        first_run = await _flood_until_it_continues(env, handle, 60)
        after = await status_of(handle)
        second_run = (await handle.describe()).run_id
        await env.sleep(days(26))
        later = await status_of(handle)
        await handle.execute_update("submit_fiche", {"fiche": sample_fiche(), "by": "po.martin"})
        submitted = await status_of(handle)

    first = await env.client.get_workflow_handle(handle.id, run_id=first_run).fetch_history()
    assert first.events[-1].event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW
    # Decided by the first task past the bound; the server turns that task down while
    # signals still arrive (none is lost) and the next one, with them handled, closes the run.
    outcomes = [
        e
        for e in first.events
        if e.event_id > POLICY.continue_after_events
        and e.event_type in (WFT_FAILED, EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)
    ]
    assert outcomes[-1].event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED
    assert all(e.workflow_task_failed_event_attributes.cause == UNHANDLED for e in outcomes[:-1]), (
        outcomes
    )
    assert second_run != first_run

    # Everything decided so far, carried: stage, times, clocks, audit, refusals.
    assert after.stage == Stage.FICHE_DRAFTING
    assert after.stages == before.stages
    assert after.clocks == before.clocks
    assert after.audit[: len(before.audit)] == before.audit
    refused = [e for e in after.audit if e.command == "resume" and not e.accepted]
    assert len(refused) == 60
    assert [e.command for e in after.audit].count("continue_as_new") == 1
    entry = next(e for e in after.audit if e.command == "continue_as_new")
    assert "run 1 ended after" in entry.detail and "run 2 goes on" in entry.detail

    # The Fiche clock keeps its dates across the runs: reminders and escalations on time,
    # each once; the acknowledgement was not sent again by the new run.
    fiche = outbox.matching("reminder", "fiche") + outbox.matching("escalation", "fiche")
    fiche.sort(key=lambda s: s.at)
    assert [(s.notice.kind, round((s.at - accepted_at) / days(1), 3)) for s in fiche] == [
        ("reminder", 7),
        ("reminder", 14),
        ("reminder", 19),
        ("escalation", 21),
        ("escalation", 28),
        ("escalation", 35),
    ]
    keys = [s.notice.key for s in outbox.sent]
    assert len(keys) == len(set(keys))
    assert len(outbox.matching("acknowledgement")) == 1
    assert later.stage == Stage.FICHE_DRAFTING
    # And the Action goes on: the Fiche submitted to the new run moves it on.
    assert submitted.stage in (Stage.CONSULTATION, Stage.PSG_REVIEW)


async def test_an_action_within_bounds_stays_in_one_run(time_skipping_env, task_queue):
    env, outbox = time_skipping_env, Outbox()
    async with running_worker(env, task_queue, outbox):
        handle = await start_action(env.client, task_queue, action_input(policy=POLICY))
        first_run = (await handle.describe()).run_id
        await accept(handle)
        await _flood(handle, 5)
        status = await status_of(handle)
        assert (await handle.describe()).run_id == first_run
    assert "continue_as_new" not in [e.command for e in status.audit]


async def test_an_action_that_continued_is_listed_and_reported_once(
    local_env, task_queue, tmp_path, capsys
):
    """The run it continued from is closed, with the same id and search attributes: `mieux
    list`, the reports and the register count the Action once (real server visibility)."""
    from config.connection import Connection, TemporalConnection
    from reads.actions import actions_of, listed
    from reads.session import Session
    from tests.starter.conftest import eventually

    env, outbox = local_env, Outbox()
    async with running_worker(env, task_queue, outbox):
        reference, handle = await _start_as_the_cli_does(env, task_queue, POLICY)
        await accept(handle)
        first_run = await _flood_until_it_continues(env, handle, 60)
    address = env.client.service_client.config.target_host
    connection = Connection(TemporalConnection(address=address), task_queue, "test")
    session = Session(connection=connection, client=env.client)
    everything = f"WorkflowId = '{handle.id}'"

    async def the_runs_visible() -> int | None:
        # At least the run it continued from and the running one (the flood may have
        # carried on into the second run and past the bound again).
        count = (await env.client.count_workflows(everything)).count
        running = (
            await env.client.count_workflows(f"{everything} AND ExecutionStatus = 'Running'")
        ).count
        return count if count >= 2 and running == 1 else None

    assert await eventually(the_runs_visible) >= 2
    rows = await listed(session, actions_of(session))
    assert [(r["reference"], r["running"]) for r in rows] == [(reference, True)]

    # `mieux history export` writes the latest run and names the one before it.
    from argparse import Namespace

    from starter.reads import history_export

    await history_export(session, Namespace(reference=reference, output=tmp_path / "h.json"))
    said = capsys.readouterr().out
    continued = {
        e.run_id
        async for e in env.client.list_workflows(
            f"{everything} AND ExecutionStatus = 'ContinuedAsNew'"
        )
    }
    named = said.split("it continued from run ")[1].split()[0]
    assert named in continued and first_run in continued
    assert f"--run-id {named})" in said


async def test_a_notice_still_being_delivered_goes_out_once_from_the_next_run(
    time_skipping_env, task_queue, faulty_smtp, database_url
):
    """The officer's server defers their mail while the Action continues as new: the new
    run sends the notice again (`CarriedState.undelivered`), and it arrives once."""
    from tests.workflows.real_mail import RealMail
    from tests.workflows.support import STAFF

    env = time_skipping_env
    inbox, server = faulty_smtp
    officer = STAFF.officer("po.martin").email
    inbox.rcpt[officer] = "451 4.2.2 mailbox full"
    mail = RealMail(server, database_url, give_up_after_hours=8 * 24)
    async with running_worker(env, task_queue, mail):
        handle = await start_action(env.client, task_queue, action_input(policy=POLICY))
        await accept(handle)
        await _flood_until_it_continues(env, handle, 60)
        assert not inbox.to(officer)
        del inbox.rcpt[officer]  # the mailbox has room again
        await env.sleep(days(1))
        status = await status_of(handle)

    assignments = [s for s in inbox.to(officer) if "this case is yours" in s]
    assert len(assignments) == 1, inbox.to(officer)
    ids = [m["Message-ID"] for m in inbox.messages]
    assert len(ids) == len(set(ids))
    assert not status.mail_problems


async def test_in_implementation_the_activities_outlive_the_run(local_env, task_queue):
    """Two workshops when the Action continues as new: their workflows go on (abandoned by
    the old run, not ended), the new run relays the experts' answers and the partner's
    reports to them and learns their end from their reports; the Action reaches completion.
    On the dev server: the workshops' dates have passed, so they report at once."""
    from datetime import timedelta

    from tests.workflows.support import (
        activity,
        activity_plan,
        invited,
        respond,
        to_implementation,
        until,
    )

    env, outbox = local_env, Outbox()
    async with running_worker(env, task_queue, outbox):
        today = (await env.get_current_time()).date()
        reference, handle = await _start_as_the_cli_does(env, task_queue, POLICY)
        await to_implementation(handle, activity_plan(today - timedelta(days=20), 2))
        status = await until(handle, lambda s: all(len(invited(s, n)) == 2 for n in (1, 2)))
        await _flood_until_it_continues(env, handle, 60)
        for n in (1, 2):
            for expert in invited(status, n):
                assert "confirmed for activity" in await respond(handle, n, expert, True)
        await until(handle, lambda s: all(a.stage == "reporting" for a in s.activities))
        for n in (1, 2):
            await handle.execute_update(
                "activity_completed",
                {"activity": n, "participants": 30, "women": 14, "men": 16, "outputs": ["x"]},
            )
        await until(handle, lambda s: all(a.stage == "evaluation" for a in s.activities))
        for n in (1, 2):
            await handle.execute_update(
                "evaluation_done", {"activity": n, "scores": {"relevance": 5}}
            )
        status = await until(handle, lambda s: s.stage == Stage.COMPLETION)
        children = []
        for n in (1, 2):
            child = env.client.get_workflow_handle(f"action-{reference}-activity-{n}")
            await child.result()  # it reports its end a moment before it returns
            children.append(await child.describe())
        current = (await handle.describe()).run_id
        parents = {
            c.raw_description.workflow_execution_info.parent_execution.run_id for c in children
        }
        ended = [
            await env.client.get_workflow_handle(handle.id, run_id=run).describe()
            for run in parents
        ]

    assert [activity(status, n).stage for n in (1, 2)] == ["delivered", "delivered"]
    assert all(c.status.name == "COMPLETED" for c in children)
    # Started by a run that continued as new, finished under a later one.
    assert current not in parents
    assert [e.status.name for e in ended] == ["CONTINUED_AS_NEW"]
    keys = [s.notice.key for s in outbox.sent]
    assert len(keys) == len(set(keys))


async def test_a_withdrawal_reaches_the_activities_an_earlier_run_started(local_env, task_queue):
    """And one of them terminated by hand meanwhile (no report reaches the new run, which
    has no handle on it): the withdrawal finds it ended, and the Action still ends."""
    from tests.workflows.support import activity, invited

    env, outbox = local_env, Outbox()
    async with running_worker(env, task_queue, outbox):
        reference, handle, before = await _continued_then_one_workshop_terminated(
            env, task_queue, POLICY, 60
        )
        await handle.execute_update("withdraw", {"reason": "the ministry withdrew", "by": "po"})
        result = ActionStatus.model_validate(await handle.result())
        children = [
            await env.client.get_workflow_handle(f"action-{reference}-activity-{n}").describe()
            for n in (1, 2)
        ]

    assert result.stage == Stage.WITHDRAWN
    assert [activity(result, n).stage for n in (1, 2)] == ["cancelled", "cancelled"]
    assert "withdrawn" in activity(result, 1).note
    assert activity(result, 2).note == (
        "activity workflow ended: closed outside the Action (terminated or failed)"
    )
    assert activity(result, 2).clocks == []
    assert [c.status.name for c in children] == ["COMPLETED", "TERMINATED"]
    # Its invited experts heard from the Action instead (0.9), and no longer show as invited.
    told = {s.notice.to.id for s in outbox.matching("withdrawal", "cancel-2")}
    assert set(invited(before, 2)) <= told
    assert {e.state for e in activity(result, 2).experts} == {"withdrawn"}
    assert any(
        "activity 2's workflow had already ended, so the Action's instruction was not passed on"
        in e.detail
        for e in result.audit
    )


@workflow.defn(name="ActionLifecycle", sandboxed=False)
class StartedOn07(ActionLifecycle):
    """An Action as release 0.7 started it: it continues as new, but without the 0.8 marker
    its activities are bound to its run (a continue-as-new would end them)."""

    @workflow.init
    def __init__(self, input: ActionInput) -> None:
        super().__init__(input)
        self.activities_outlive = False

    @workflow.run
    async def run(self, input: ActionInput) -> ActionStatus:
        return await super().run(input)


async def test_in_implementation_an_action_started_on_0_7_stays_in_one_run(
    time_skipping_env, task_queue
):
    from datetime import timedelta

    from tests.workflows.support import activity_plan, invited, to_implementation, until
    from worker.main import WORKFLOWS

    env, outbox = time_skipping_env, Outbox()
    workflows = [StartedOn07, *(w for w in WORKFLOWS if w is not ActionLifecycle)]
    async with running_worker(env, task_queue, outbox, workflows=workflows):
        today = (await env.get_current_time()).date()
        handle = await start_action(env.client, task_queue, action_input(policy=POLICY))
        await to_implementation(handle, activity_plan(today + timedelta(days=40), 2))
        await until(handle, lambda s: all(len(invited(s, n)) == 2 for n in (1, 2)))
        run = (await handle.describe()).run_id
        await _flood(handle, 150)
        status = await status_of(handle)
        described = await handle.describe()

    assert described.run_id == run and described.history_length > 150 > POLICY.continue_after_events
    assert status.stage == Stage.IMPLEMENTATION
    assert len([e for e in status.audit if e.command == "resume" and not e.accepted]) == 150
    assert [a.stage for a in status.activities] == ["mobilising", "mobilising"]


async def test_in_completion_and_follow_up_the_action_continues_and_keeps_its_dates(
    time_skipping_env, task_queue
):
    """Flooded in completion, then in follow-up (months of waiting, where a flood would last
    longest): the Action continues as new in each, asks for feedback and validation once,
    writes its final report once, and the follow-up questionnaire goes at 180 days."""
    from datetime import timedelta

    from tests.workflows.support import activity_plan, confirm_all, to_implementation, until

    policy = Policy(working_hours="", continue_after_events=1000)
    env, outbox = time_skipping_env, Outbox()
    async with running_worker(env, task_queue, outbox):
        today = (await env.get_current_time()).date()
        handle = await start_action(env.client, task_queue, action_input(policy=policy))
        await to_implementation(handle, activity_plan(today + timedelta(days=40), 1))
        await confirm_all(handle, [1])
        await env.sleep(days(40 + 4))
        await until(handle, lambda s: s.activities[0].stage == "reporting")
        await handle.execute_update(
            "activity_completed",
            {"activity": 1, "participants": 30, "women": 14, "men": 16, "outputs": ["x"]},
        )
        await until(handle, lambda s: s.activities[0].stage == "evaluation")
        await handle.execute_update("evaluation_done", {"activity": 1, "scores": {"relevance": 5}})
        in_completion = await until(handle, lambda s: s.stage == Stage.COMPLETION)
        await _flood_until_it_continues(env, handle, 1000, bound=1000)
        assert (await status_of(handle)).clocks == in_completion.clocks
        await handle.execute_update("deliverables_validated", {"by": "partner"})
        await handle.execute_update("feedback_received", {"overall_rating": 5})
        before = await until(handle, lambda s: s.stage == Stage.FOLLOW_UP)
        completed_at = before.stages[-1].entered
        await _flood_until_it_continues(env, handle, 1000, bound=1000)
        after = await status_of(handle)
        await env.sleep(days(200))
        await handle.execute_update("follow_up_received", {"adopted": True, "adoption": "x"})
        result = await handle.result()

    assert after.stage == Stage.FOLLOW_UP and after.clocks == before.clocks
    questionnaire = [s for s in outbox.sent if s.notice.key.split("/")[1] == "follow-up"]
    assert [(s.notice.kind, round((s.at - completed_at) / days(1), 3)) for s in questionnaire] == [
        ("questionnaire", 180),
        ("reminder", 194),
    ]
    assert result.stage == Stage.CLOSED
    keys = [s.notice.key for s in outbox.sent]
    assert len(keys) == len(set(keys))
    assert len(outbox.matching("questionnaire", "feedback")) == 1
    assert len([d for d in outbox.documents if d.kind == "final_report"]) == 1


async def test_an_activity_whose_action_was_terminated_by_hand_cancels_itself(
    local_env, task_queue
):
    """Since 0.8 an activity outlives the run that started it, so terminating the Action
    (from the Web UI) no longer ends it. At its next report it finds no Action: it cancels
    itself and tells the invited experts, instead of failing or going on for months. On the
    dev server: the time-skipping server does not close a child with its parent."""
    from datetime import timedelta

    from tests.workflows.support import activity_plan, invited, to_implementation, until

    env, outbox = local_env, Outbox()
    async with running_worker(env, task_queue, outbox):
        today = (await env.get_current_time()).date()
        reference, handle = await _start_as_the_cli_does(env, task_queue, Policy(working_hours=""))
        await to_implementation(handle, activity_plan(today + timedelta(days=40), 1))
        experts = invited(await until(handle, lambda s: len(invited(s, 1)) == 2), 1)
        await handle.terminate("opened twice; the other one is kept")
        child = env.client.get_workflow_handle(f"action-{reference}-activity-1")
        # Anything that moves the activity makes it report: here a signal it refuses.
        await child.signal("instruction", {"kind": "hold", "reason": "not from our workers"})
        view = await child.result()
        audit = await child.query("audit")

    assert view["stage"] == "cancelled"
    assert any(
        e["detail"].startswith("the Action has ended without withdrawing this activity")
        for e in audit
    )
    told = {s.notice.to.id: s.notice for s in outbox.matching("withdrawal", "cancel-1")}
    assert set(experts) <= set(told)
    # The reason is the engine's own words, so each reader has it in their language.
    expert = told[experts[0]]
    notice = expert.model_copy(update={"to": expert.to.model_copy(update={"language": "es"})})
    text_body, _ = render_bodies(notice)
    assert "La Acción a la que pertenece esta actividad se ha cerrado." in text_body


async def test_an_adopted_activity_terminated_by_hand_is_found_once_it_falls_quiet(
    time_skipping_env, task_queue
):
    """Terminated after the Action continued as new: the new run has no handle on it, so
    nothing would tell it, and the Action would wait for that activity for ever. A day past
    its experts' confirmation deadline with no word from it, the Action asks it to report
    (0.9), finds it ended, tells and frees its experts, and goes on."""
    from tests.workflows.support import activity, invited, until

    env, outbox = time_skipping_env, Outbox()
    async with running_worker(env, task_queue, outbox):
        _, handle, before = await _continued_then_one_workshop_terminated(
            env, task_queue, QUIET_POLICY, 300
        )
        quiet = await status_of(handle)
        await env.sleep(days(9))  # the 7-day confirmation deadline, a day's grace, a margin
        status = await until(handle, lambda s: activity(s, 2).stage == "cancelled")

    assert activity(quiet, 2).stage == "mobilising"  # what it last reported
    assert activity(status, 2).note == (
        "activity workflow ended: closed outside the Action (terminated or failed)"
    )
    assert {e.state for e in activity(status, 2).experts} == {"withdrawn"}
    told = {s.notice.to.id for s in outbox.matching("withdrawal", "cancel-2")}
    assert set(invited(before, 2)) <= told
    # The live one reported at its own deadline and goes on.
    assert activity(status, 1).stage == "mobilising"


async def test_a_quiet_adopted_activity_that_is_alive_answers_and_goes_on(
    time_skipping_env, task_queue
):
    """Its experts confirmed, a workshop two months ahead has nothing to say for weeks: a
    fortnight after the run began, the Action asks it to report, and it does."""
    from datetime import timedelta

    from tests.workflows.support import activity, activity_plan, confirm_all, to_implementation

    env, outbox = time_skipping_env, Outbox()
    async with running_worker(env, task_queue, outbox):
        today = (await env.get_current_time()).date()
        _, handle = await _start_as_the_cli_does(env, task_queue, QUIET_POLICY)
        await to_implementation(handle, activity_plan(today + timedelta(days=60), 1))
        await confirm_all(handle, [1])
        await _flood_until_it_continues(env, handle, 300, bound=400)
        quiet = activity(await status_of(handle), 1)
        await env.sleep(days(15))
        status = await status_of(handle)

    assert quiet.stage == "scheduled" and quiet.next_due is None  # no deadline of its own
    answered = activity(status, 1)
    assert (answered.stage, answered.report) == ("scheduled", quiet.report + 1)
    assert not [e for e in status.audit if "had already ended" in e.detail]

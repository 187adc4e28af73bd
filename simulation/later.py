"""The `Later` workflow: a person's step at its time, in workflow time (DOMAIN.md §4's
clocks run on the same time-skipping server, so the simulated year takes no wall time)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from glossary import ActionInput, ActionStatus
    from simulation.steps import Step

# Requests arrive at the start of the working day (UTC): the day is what the figures count.
ARRIVAL = time(8, 0)


@workflow.defn(name="SimulatedStep")
class Later:
    @workflow.run
    async def run(self, step: Step) -> str:
        wait = step.at - workflow.now()
        if wait > timedelta(0):
            await workflow.sleep(wait)
        return await workflow.execute_activity(
            "simulated_step",
            step,
            result_type=str,
            start_to_close_timeout=timedelta(seconds=60),
            retry_policy=RetryPolicy(
                initial_interval=timedelta(days=1),
                backoff_coefficient=1.0,
                maximum_attempts=step.attempts,
                non_retryable_error_types=["GaveUp"],
            ),
        )


@workflow.defn(name="SimulatedYear")
class Year:
    """The year's requests, each started on its day as an Action, then the wait for all of
    them to end. One workflow the CLI waits on: the time-skipping test server lets one
    caller at a time unlock its clock, and this one holds the next arrival's timer."""

    def __init__(self) -> None:
        self.arrived = 0
        self.ended = 0

    @workflow.query(name="progress")
    def progress(self) -> tuple[int, int]:
        return self.arrived, self.ended

    @workflow.run
    async def run(self, arrivals: list[ActionInput]) -> list[ActionStatus]:
        started = []
        for action in sorted(arrivals, key=lambda a: a.request.received_on):
            at = datetime.combine(action.request.received_on, ARRIVAL, UTC)
            if at > workflow.now():
                await workflow.sleep(at - workflow.now())
            started.append(
                await workflow.start_child_workflow(
                    "ActionLifecycle",
                    action,
                    id=f"action-{action.reference}",
                    result_type=ActionStatus,
                    parent_close_policy=ParentClosePolicy.ABANDON,
                )
            )
            self.arrived += 1

        async def ended(handle: Any) -> ActionStatus:
            status = await handle
            self.ended += 1
            return status

        return list(await asyncio.gather(*(ended(h) for h in started)))

"""One simulated year through the real workflows on Temporal's time-skipping test server:
the requests arrive on their dates, the people answer after their delays, the clocks remind
and escalate, and the run returns once every Action has ended.

Real: ActionLifecycle and ActivityDelivery as the worker runs them, the policy and staff of
the settings, the roster's search and reservations (the demo roster on a scratch SQLite
database). Simulated: the people, and the outside world the notices and documents go to.
"""

from __future__ import annotations

import asyncio
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from temporalio.client import WorkflowHandle
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.roster import RosterActivities, load_demo_roster
from glossary import ActionInput, ActionStatus, Policy, Request
from glossary.people import StaffDirectory
from simulation.later import Later, Year
from simulation.mailroom import Mailroom, Sent
from simulation.scenario import Scenario
from store.db import dispose_engine
from worker.binaries import temporal_test_server
from worker.client import register_search_attributes
from worker.codec import data_converter
from workflows.action_lifecycle import ActionLifecycle
from workflows.activity_delivery import ActivityDelivery


async def _watch(year: WorkflowHandle[Any, Any], progress: Callable[[int], None]) -> None:
    """The progress bar: how many Actions have ended, asked of the year now and then."""
    while True:
        await asyncio.sleep(0.5)
        try:
            _, ended = await year.query(Year.progress)
        except RPCError:
            continue
        progress(ended)


@dataclass(frozen=True)
class Outcome:
    statuses: list[ActionStatus]
    sent: list[Sent]
    refused: list[str]


async def simulate(
    scenario: Scenario,
    policy: Policy,
    staff: StaffDirectory,
    progress: Callable[[int], None] = lambda _done: None,
) -> Outcome:
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=temporal_test_server(), data_converter=data_converter(None)
    )
    try:
        await register_search_attributes(env.client)
        with tempfile.TemporaryDirectory(prefix="mieux-simulate-") as scratch:
            url = f"sqlite:///{Path(scratch) / 'roster.db'}"
            await asyncio.to_thread(load_demo_roster, url)
            try:
                return await _run(env, scenario, policy, staff, url, progress)
            finally:
                dispose_engine(url)
    finally:
        await env.shutdown()


async def _run(
    env: WorkflowEnvironment,
    scenario: Scenario,
    policy: Policy,
    staff: StaffDirectory,
    roster_url: str,
    progress: Callable[[int], None],
) -> Outcome:
    task_queue = f"simulation-{uuid.uuid4()}"
    mailroom = Mailroom(env.client, scenario, task_queue, policy, staff)
    roster = RosterActivities(roster_url)

    async with Worker(
        env.client,
        task_queue=task_queue,
        workflows=[ActionLifecycle, ActivityDelivery, Later, Year],
        activities=[
            *mailroom.activities(),
            roster.find_candidates,
            roster.reserve_expert,
            roster.release_expert,
            roster.record_deployment,
            roster.expert_contact,
        ],
    ):
        year = await env.client.start_workflow(
            Year.run,
            [
                ActionInput(
                    reference=scenario.reference(n),
                    request=Request.model_validate(scenario.request(n)),
                    policy=policy,
                    staff=staff,
                    submitted_by="simulation",
                )
                for n in range(1, scenario.requests + 1)
            ],
            id=f"sim-year-{scenario.year}",
            task_queue=task_queue,
        )
        watching = asyncio.create_task(_watch(year, progress))
        try:
            statuses = await year.result()
        finally:
            watching.cancel()
    return Outcome(list(statuses), list(mailroom.sent), list(mailroom.refused))

"""What management sees in the Temporal UI: Actions listed by their search attributes,
on the real dev server (visibility is not reliable on the time-skipping server)."""

import asyncio
import uuid

from temporalio.client import Client

from glossary import Stage
from tests.workflows.support import Outbox, accept, action_input, running_worker
from workflows.action_lifecycle import ActionLifecycle


async def listed(client: Client, query: str, expected: int) -> list[str]:
    """Visibility is eventually consistent: ask again until the expected count shows."""
    ids: list[str] = []
    for _ in range(200):
        ids = [w.id async for w in client.list_workflows(query)]
        if len(ids) == expected:
            return sorted(ids)
        await asyncio.sleep(0.05)
    return sorted(ids)


async def test_actions_are_listed_by_stage_and_region_through_visibility(local_env, task_queue):
    client = local_env.client
    run = uuid.uuid4().hex[:6]
    kenya = action_input("2026-31")
    peru = action_input(
        "2026-32", name="Peru III", countries=["Peru"], region="Latin America and the Caribbean"
    )
    async with running_worker(local_env, task_queue, Outbox()):
        handles = {}
        for input in (kenya, peru):
            handles[input.reference] = await client.start_workflow(
                ActionLifecycle.run,
                input,
                id=f"action-{input.reference}-{run}",
                task_queue=task_queue,
            )
        await accept(handles["2026-31"])
        in_drafting = await listed(
            client,
            f"MieuxStage = '{Stage.FICHE_DRAFTING}' AND MieuxRegion = 'Sub-Saharan Africa'"
            f" AND WorkflowId STARTS_WITH 'action-2026-31-{run}'",
            1,
        )
        in_latam = await listed(
            client,
            "MieuxRegion = 'Latin America and the Caribbean' AND MieuxStage = 'intake'"
            f" AND WorkflowId = 'action-2026-32-{run}'",
            1,
        )
        overdue_later = await listed(
            client,
            f"MieuxNextDue > '2026-01-01T00:00:00Z' AND WorkflowId = 'action-2026-31-{run}'",
            1,
        )
        described = await handles["2026-31"].describe()
    assert in_drafting == [f"action-2026-31-{run}"]
    assert in_latam == [f"action-2026-32-{run}"]
    assert overdue_later == [f"action-2026-31-{run}"]
    attributes = {pair.key.name: pair.value for pair in described.typed_search_attributes}
    assert attributes["MieuxReference"] == "2026-31"
    assert attributes["MieuxCountry"] == "Kenya"
    assert attributes["MieuxThemes"] == ["migration data"]
    assert attributes["MieuxProjectOfficer"] == "po.martin"
    assert attributes["MieuxOnHold"] is False

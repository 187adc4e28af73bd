"""A bare workflow tree of a given shape: the floor the full Action is measured against.

One parent and its children, each with the same number of timers, activities, upserts,
signals and updates as the real workflow it stands for (counted from the real run's
histories by benchmarks/full_action.py), but with no-op bodies and tiny payloads. What the
real tree costs beyond this is ours: models, payload sizes, status queries, decisions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from temporalio import activity, workflow
from temporalio.common import SearchAttributeKey, SearchAttributePair, TypedSearchAttributes

STAGE = SearchAttributeKey.for_keyword("MieuxStage")


@dataclass
class Shape:
    timers: int = 0
    activities: int = 0
    upserts: int = 0
    signals_out: int = 0  # signals this workflow sends (to its parent, or to its children)
    updates: int = 0  # updates the driver sends it
    signals_in: int = 0  # relayed to a child by its parent
    children: list[Shape] = field(default_factory=list)


@activity.defn(name="bare_step")
async def bare_step(n: int) -> int:
    return n


async def _work(shape: Shape) -> None:
    for n in range(max(shape.timers, shape.activities, shape.upserts)):
        if n < shape.activities:
            await workflow.execute_activity(
                bare_step, n, start_to_close_timeout=timedelta(seconds=30)
            )
        if n < shape.upserts:
            workflow.upsert_search_attributes(
                TypedSearchAttributes([SearchAttributePair(STAGE, f"step-{n}")])
            )
        if n < shape.timers:
            await workflow.sleep(timedelta(hours=1))


@workflow.defn(name="BareChild")
class BareChild:
    def __init__(self) -> None:
        self.relayed = 0

    @workflow.run
    async def run(self, shape: Shape, parent_id: str) -> int:
        await _work(shape)
        parent = workflow.get_external_workflow_handle(parent_id)
        for n in range(shape.signals_out):
            await parent.signal("progress", n)
        await workflow.wait_condition(lambda: self.relayed >= shape.signals_in)
        return self.relayed

    @workflow.signal(name="relay")
    def relay(self, n: int) -> None:
        self.relayed += 1


@workflow.defn(name="BareParent")
class BareParent:
    def __init__(self) -> None:
        self.updates = 0
        self.progress = 0

    @workflow.run
    async def run(self, shape: Shape) -> int:
        me = workflow.info().workflow_id
        count = len(shape.children)
        for n, child in enumerate(shape.children):
            child.signals_in = len(range(n, shape.signals_out, count))
        handles = [
            await workflow.start_child_workflow(
                BareChild.run, args=[child, me], id=f"{me}-child-{n}"
            )
            for n, child in enumerate(shape.children)
        ]
        await _work(shape)
        for n in range(shape.signals_out):
            await handles[n % len(handles)].signal("relay", n) if handles else None
        await workflow.wait_condition(lambda: self.updates >= shape.updates)
        for handle in handles:
            await handle
        return self.progress

    @workflow.update(name="step")
    def step(self, n: int) -> int:
        self.updates += 1
        return self.updates

    @workflow.signal(name="progress")
    def on_progress(self, n: int) -> None:
        self.progress += 1

    @workflow.query(name="updates")
    def seen(self) -> int:
        return self.updates

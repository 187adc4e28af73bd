"""The simulated year runs its parts in processes of their own (`simulation/run.py`): a part
that fails says which and why, and the run stops instead of waiting for it."""

from __future__ import annotations

import pytest

from simulation import run
from simulation.scenario import Scenario


async def test_a_part_that_fails_is_reported_with_its_reason_not_waited_on():
    scenario = Scenario(seed=1, year=2030, requests=2, officers=("po.martin",))
    without_policy = run._Job(1, scenario, [2], None, None)  # type: ignore[arg-type]

    with pytest.raises(RuntimeError) as failed:
        await run._in_processes([without_policy], lambda _done: None)

    assert str(failed.value).startswith("part 2 of the simulated year failed:\n")
    assert "ValidationError" in str(failed.value) and "policy" in str(failed.value)

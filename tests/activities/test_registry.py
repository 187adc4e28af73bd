"""The worker's list of activities matches the names and options workflows use."""

from __future__ import annotations

from pathlib import Path

from temporalio import activity
from temporalio.common import RetryPolicy
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities import all_activities
from activities.options import BY_ACTIVITY
from config.settings import MieuxSettings


def test_every_activity_a_workflow_names_is_registered_with_its_options(tmp_path: Path) -> None:
    registered = all_activities(MieuxSettings(state_dir=tmp_path))

    # The SDK keeps an activity's name on its definition; there is no public reader for it.
    names = {activity._Definition.must_from_callable(fn).name for fn in registered}

    assert names == set(BY_ACTIVITY)
    assert len(registered) == len(names)
    for name, options in BY_ACTIVITY.items():
        assert options["start_to_close_timeout"].total_seconds() > 0, name
        assert isinstance(options["retry_policy"], RetryPolicy), name


def test_building_the_activities_touches_no_outside_system(tmp_path: Path) -> None:
    all_activities(MieuxSettings(state_dir=tmp_path / "state"))

    assert not (tmp_path / "state").exists()


def test_bad_input_is_never_retried_by_the_default_policies() -> None:
    assert "InvalidAddress" in BY_ACTIVITY["send_notice"]["retry_policy"].non_retryable_error_types
    assert (
        "UnknownExpert" in BY_ACTIVITY["expert_contact"]["retry_policy"].non_retryable_error_types
    )
    assert (
        "InvalidDocument" in BY_ACTIVITY["write_document"]["retry_policy"].non_retryable_error_types
    )
    # SMTP may be down for hours: the notice is retried until it goes out (DOMAIN.md §4).
    assert BY_ACTIVITY["send_notice"]["retry_policy"].maximum_attempts == 0


async def test_a_worker_accepts_the_whole_list(
    time_skipping_env: WorkflowEnvironment, task_queue: str, tmp_path: Path
) -> None:
    registered = all_activities(MieuxSettings(state_dir=tmp_path))

    async with Worker(time_skipping_env.client, task_queue=task_queue, activities=registered):
        pass

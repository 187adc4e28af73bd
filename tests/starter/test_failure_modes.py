"""What staff see when things are not as they should be: exit codes 2 and 3 without a
traceback, and `--no-wait` for when no worker runs (DOMAIN.md §6)."""

from __future__ import annotations

import pytest
from temporalio import workflow
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from tests.conftest import free_port
from tests.starter.conftest import Cli, eventually
from tests.workflows.support import Outbox, running_worker, sample_request


async def test_an_unreachable_server_exits_3_naming_the_address_tried(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
):
    address = f"127.0.0.1:{free_port()}"
    monkeypatch.setenv("TEMPORAL_ADDRESS", address)

    for argv in (
        ("status", f"{cli.year}-01"),
        ("intake", f"{cli.year}-01", "accept"),
        ("request", "submit", cli.request_file()),
        ("list",),
    ):
        outcome = await cli(*argv)
        assert outcome.code == 3, argv
        assert outcome.err == (
            f"mieux: Temporal is unreachable at {address} (namespace default): connection refused\n"
        )


async def test_an_invalid_setting_exits_2_naming_the_setting(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("MIEUX_POLICY__FICHE_DEADLINE", "three weeks")

    outcome = await cli("request", "submit", cli.request_file())

    assert outcome.code == 2
    assert outcome.err == (
        "mieux: invalid setting policy.fiche_deadline (MIEUX_POLICY__FICHE_DEADLINE):"
        " 'three weeks' is not an ISO-8601 duration such as P21D or PT30S\n"
    )


async def test_a_command_that_only_talks_to_temporal_reads_only_the_connection_settings(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
):
    # The policy is the worker's and the submission's: a status does not read it.
    monkeypatch.setenv("MIEUX_POLICY__FICHE_DEADLINE", "three weeks")
    unknown = await cli("status", f"{cli.year}-01")
    monkeypatch.setenv("TEMPORAL_ADDRESS", "localhost")
    unusable = await cli("status", f"{cli.year}-01")

    assert (unknown.code, unknown.err.split(" (")[0]) == (2, f"mieux: no Action {cli.year}-01")
    assert (unusable.code, unusable.err) == (
        2,
        "mieux: invalid setting temporal.address (TEMPORAL_ADDRESS): 'localhost' is not"
        " host:port\n",
    )


async def test_an_identity_longer_than_the_audit_trail_takes_exits_2(cli: Cli):
    outcome = await cli("status", f"{cli.year}-01", "--as", "x" * 81)
    assert (outcome.code, outcome.err) == (
        2,
        "mieux: --as: a name of 1 to 80 characters, on one line\n",
    )


async def test_a_missing_file_exits_2(cli: Cli):
    outcome = await cli("request", "submit", str(cli.tmp_path / "nowhere.json"))
    assert outcome.code == 2
    assert outcome.err == (
        f"mieux: cannot read {cli.tmp_path / 'nowhere.json'}: No such file or directory\n"
    )


async def test_bad_usage_exits_2_with_the_usage_on_stderr(cli: Cli):
    for argv in ((), ("intake", "2026-01", "maybe"), ("status",), ("frobnicate",)):
        outcome = await cli(*argv)
        assert outcome.code == 2, argv
        assert "usage: mieux" in outcome.err


async def test_a_command_waits_at_most_the_timeout_when_no_worker_runs(cli: Cli, worker_less: str):
    outcome = await cli("hold", worker_less, "--reason", "elections", "--timeout", "0.5")

    assert outcome.code == 3
    assert outcome.err.startswith("mieux: no worker answered within 0.5 s on task queue ")
    assert "(is `mieux worker` running?)" in outcome.err


async def test_no_wait_leaves_the_command_with_the_server_until_a_worker_runs(
    cli: Cli, worker_less: str, local_env: WorkflowEnvironment, task_queue: str
):
    out = await cli.ok("hold", worker_less, "--reason", "elections", "--no-wait")
    assert out.startswith(f"{worker_less}: hold left with the server for action-{worker_less};")

    async with running_worker(local_env, task_queue, Outbox()):
        status = await cli.status(worker_less)

    assert status.on_hold
    assert (status.audit[-1].command, status.audit[-1].by) == ("hold", "tester")


async def test_a_refused_signal_is_kept_in_the_audit_trail(cli: Cli, worker: object):
    reference = await cli.submit()

    await cli.ok("resume", reference, "--no-wait")

    async def refusal_recorded() -> str | None:
        audit = (await cli.status(reference)).audit
        return audit[-1].detail if audit and not audit[-1].accepted else None

    detail = await eventually(refusal_recorded)
    assert detail == f"Action {reference} is not on hold; there is nothing to resume"


@workflow.defn(name="ActionLifecycle", sandboxed=False)
class BrokenLifecycle:
    """A workflow whose code has a bug: its task fails, and is retried, for ever."""

    @workflow.run
    async def run(self) -> None:
        raise RuntimeError("a bug in the workflow code")


async def test_an_action_whose_workflow_task_keeps_failing_exits_3_saying_so(
    cli: Cli, local_env: WorkflowEnvironment
):
    queue = f"broken-{cli.year}"
    async with Worker(local_env.client, task_queue=queue, workflows=[BrokenLifecycle]):
        handle = await local_env.client.start_workflow(
            BrokenLifecycle.run, id=f"action-{cli.year}-01", task_queue=queue
        )

        async def failed_once() -> bool | None:
            described = await handle.describe()
            return True if described.raw_description.pending_workflow_task.attempt > 1 else None

        await eventually(failed_once)
        outcomes = [
            await cli("status", f"{cli.year}-01", "--timeout", "0.5"),
            await cli("hold", f"{cli.year}-01", "--reason", "elections", "--timeout", "0.5"),
        ]
        await handle.terminate()

    for outcome in outcomes:
        assert outcome.code == 3
        assert outcome.err.startswith(
            f"mieux: Action {cli.year}-01 cannot answer: its workflow task keeps failing"
        )


@pytest.fixture
async def worker_less(cli: Cli, local_env: WorkflowEnvironment, task_queue: str) -> str:
    """An Action whose worker has stopped."""
    async with running_worker(local_env, task_queue, Outbox()):
        return await cli.submit()


async def test_a_submission_sent_again_after_a_timeout_makes_no_second_action(
    cli: Cli, local_env: WorkflowEnvironment, task_queue: str
):
    request = cli.request_file(name="Sent while the worker was down")
    first = await cli("request", "submit", request, "--timeout", "0.5")
    assert first.code == 3
    assert "Submitting the same file again is safe" in first.err

    async with running_worker(local_env, task_queue, Outbox()):
        again = await cli("request", "submit", request)
        other = await cli("request", "submit", request, "--key", "second-request")

    assert again.code == 0
    reference = again.out.strip()
    assert again.err == (
        f"mieux: already submitted as {reference}; no second Action was started"
        " (to register it again as a new request, give another --key)\n"
    )
    assert reference == f"{cli.year}-01"
    assert (other.code, other.out.strip()) == (0, f"{cli.year}-02")
    # A new key registers it again, warned as a duplicate once the first is visible.
    warning = (
        f"mieux: warning: {cli.year}-02 has the partner and topic of open Action {cli.year}-01"
    )
    assert other.err == "" or other.err.startswith(warning), other.err


async def test_a_key_that_is_not_one_exits_2(cli: Cli):
    outcome = await cli("request", "submit", cli.request_file(), "--key", "a key\nBcc: x")
    assert outcome.code == 2
    assert outcome.err.endswith(
        "argument --key: 'a key\\nBcc: x' is not a key: 1-80 letters, digits, '.', '_', ':' or"
        " '-'\n"
    )


async def test_a_command_resent_under_its_key_after_a_timeout_is_applied_once(
    cli: Cli, worker_less: str, local_env: WorkflowEnvironment, task_queue: str
):
    first = await cli("hold", worker_less, "--reason", "elections", "--timeout", "0.5")
    assert first.code == 3
    assert f"check with `mieux status {worker_less}`" in first.err
    key = first.err.split("send it again with `--key ")[1].split("`")[0]

    async with running_worker(local_env, task_queue, Outbox()):
        again = await cli("hold", worker_less, "--reason", "elections", "--key", key)
        status = await cli.status(worker_less)

    assert again.code == 0, again.err
    # Whether the server kept the first attempt depends on how far it got in 0.5 s: either
    # the re-send reports the first outcome, or it is the first to be applied.
    assert again.out in (
        f"{worker_less}: already applied under key {key}: on hold: elections\n",
        f"{worker_less}: on hold: elections\n",
    ), again.out
    assert status.on_hold
    assert [e.command for e in status.audit].count("hold") == 1


async def test_a_command_sent_twice_under_one_key_is_applied_once(cli: Cli, worker: object):
    reference = await cli.submit()
    await cli.ok("hold", reference, "--reason", "elections", "--key", "hold-1")
    await cli.ok("resume", reference, "--key", "resume-1")
    again = await cli.ok("hold", reference, "--reason", "elections", "--key", "hold-1")
    status = await cli.status(reference)

    assert again.startswith(f"{reference}: already applied under key hold-1: ")
    assert not status.on_hold
    assert [e.command for e in status.audit if e.accepted] == ["hold", "resume"]


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"countries": ["K" * 3000]}, "countries.0"),  # the country search attribute
        ({"previous_requests": ["2019-01"] * 400}, "previous_requests"),
        (
            {"requesting_authorities": [{"institution": "Ministry", "country": "Kenya"}] * 300},
            "requesting_authorities",
        ),
    ],
    ids=["an over-long country", "400 previous requests", "300 authorities"],
)
async def test_a_request_past_a_bound_is_refused_at_the_cli_naming_the_field(
    cli: Cli, change: dict[str, object], named: str
):
    """Issue 22.8: inputs near Temporal's limits passed validation and broke the Action."""
    request = sample_request(received_on=f"{cli.year}-03-02").model_dump(mode="json") | change

    outcome = await cli("request", "submit", cli.file("big.json", request))

    assert outcome.code == 2 and outcome.out == ""
    [line] = outcome.err.splitlines()
    assert named in line and "Traceback" not in line

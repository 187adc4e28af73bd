"""The throughput benchmark still runs end to end (its figures are not checked here:
performance claims come from `make bench`, never from a timed test)."""

from benchmarks.lifecycle_throughput import main


async def test_the_quick_benchmark_drives_five_actions_to_withdrawn_and_reports_them():
    report = await main(["--quick"])
    assert report.actions == 5
    assert len(report.action_events) == 5  # every Action ended and its history was read
    assert report.per_second > 0
    assert report.register_retries == []

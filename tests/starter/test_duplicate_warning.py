"""A request whose partner and topic match an open Action's gets a warning at submission
(issue 14): it is still registered, as a partner may rightly ask again."""

from __future__ import annotations

import pytest

from starter.duplicates import same_topic
from tests.starter.conftest import Cli, eventually

pytestmark = pytest.mark.usefixtures("worker")

MINISTRY = [{"institution": "Ministry of Interior", "country": "Kenya"}]


async def test_a_second_request_of_the_partner_on_the_topic_is_warned_and_registered(cli: Cli):
    first = await cli.submit(name="Kenya V", requesting_authorities=MINISTRY)

    # The first Action must be visible to the list query before the check can see it.
    await eventually(lambda: _listed(cli, first))
    again = await cli(
        "request",
        "submit",
        cli.request_file(
            name="Kenya VI",
            requesting_authorities=[{"institution": "ministry of  INTERIOR", "country": "Kenya"}],
            topic="Migration data management",
        ),
    )

    assert again.code == 0
    second = again.out.strip()
    assert second != first
    assert f"mieux: warning: {second} has the partner and topic of open Action {first}" in again.err
    assert "mieux withdraw" in again.err
    assert (await cli.status(second)).stage == "intake"


async def test_another_partner_or_another_topic_is_not_warned(cli: Cli):
    first = await cli.submit(name="Kenya VII", requesting_authorities=MINISTRY)
    await eventually(lambda: _listed(cli, first))
    other_partner = await cli(
        "request", "submit", cli.request_file(name="Kenya VIII", topic="migration data")
    )
    other_topic = await cli(
        "request",
        "submit",
        cli.request_file(
            name="Kenya IX", requesting_authorities=MINISTRY, topic="border management"
        ),
    )

    assert (other_partner.code, other_partner.err) == (0, "")
    assert (other_topic.code, other_topic.err) == (0, "")


async def _listed(cli: Cli, reference: str) -> bool | None:
    return True if reference in await cli.ok("list", "--country", "Kenya") else None


@pytest.mark.parametrize(
    ("one", "other", "same"),
    [
        ("migration data", "Migration data management", True),
        ("migration data", "migration DATA", True),
        ("labour migration", "border management", False),
        ("THB", "thb", True),
        ("asylum legislation", "asylum reception conditions", False),
    ],
)
def test_topics_match_when_most_of_their_words_do(one: str, other: str, same: bool):
    assert same_topic(one, other) is same

"""Twenty requests submitted at once on a real Temporal server: twenty consecutive
references, none lost to the server's limit of 10 updates in flight per workflow."""

import asyncio

from config import load_settings
from glossary import Request
from reads.session import Session
from starter.submit import submit_request
from tests.workflows.support import sample_request

COUNT = 20


async def test_twenty_requests_submitted_at_once_get_twenty_consecutive_references(
    cli_env, worker, year
):
    session = Session(settings=load_settings(), identity="test")
    requests: list[Request] = [
        sample_request(name=f"Request {n}", received_on=f"{year}-03-02") for n in range(COUNT)
    ]
    registrations = await asyncio.gather(*(submit_request(session, r) for r in requests))
    references = [r.reference for r in registrations]
    client = await session.client()
    types = {
        (await client.get_workflow_handle(f"action-{ref}").describe()).workflow_type
        for ref in references
    }
    assert sorted(references) == [f"{year}-{n:02d}" for n in range(1, COUNT + 1)]
    assert types == {"ActionLifecycle"}


async def test_the_same_request_sent_five_times_at_once_makes_one_action(cli_env, worker, year):
    session = Session(settings=load_settings(), identity="test")
    request = sample_request(name="Sent again and again", received_on=f"{year}-05-04")
    registrations = await asyncio.gather(*(submit_request(session, request) for _ in range(5)))
    assert len({r.reference for r in registrations}) == 1
    assert sorted(r.already for r in registrations) == [False, True, True, True, True]

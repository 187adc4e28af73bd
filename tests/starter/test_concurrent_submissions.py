"""Twenty requests submitted at once on a real Temporal server: twenty consecutive
references, none lost to the server's limit of 10 updates in flight per workflow."""

import asyncio

from config import load_settings
from glossary import Request
from starter.session import Session
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
    references = await asyncio.gather(*(submit_request(session, r) for r in requests))
    client = await session.client()
    types = {
        (await client.get_workflow_handle(f"action-{ref}").describe()).workflow_type
        for ref in references
    }
    assert sorted(references) == [f"{year}-{n:02d}" for n in range(1, COUNT + 1)]
    assert types == {"ActionLifecycle"}

"""`mieux demo`: Actions built from the 23 requests MIEUX received in 2016 (the seeds),
dated in 2026, with fictitious partner focal points. Shipped in the package, so a demo
needs nothing outside it."""

from __future__ import annotations

import json
from argparse import Namespace
from datetime import date
from importlib import resources

from glossary import Request
from reads.errors import DONE, BadInput
from reads.session import Session
from starter.inputs import validated
from starter.submit import submit_request

DEMO_YEAR = 2026


def demo_requests(year: int = DEMO_YEAR) -> list[Request]:
    """The 23 requests, received in `year` on the shipped days (2026 unless moved)."""
    text = resources.files("starter").joinpath("demo_requests.json").read_text("utf-8")
    requests = [validated(Request, raw) for raw in json.loads(text)["requests"]]
    if year == DEMO_YEAR:
        return requests
    return [r.model_copy(update={"received_on": _in_year(r.received_on, year)}) for r in requests]


def _in_year(day: date, year: int) -> date:
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February
        return day.replace(year=year, day=28)


async def demo(session: Session, args: Namespace) -> int:
    requests = demo_requests(args.year)
    if not 1 <= args.count <= len(requests):
        raise BadInput(f"--count: between 1 and {len(requests)} (the requests of 2016)")
    # One after the other, so references follow the order of receipt as in 2016.
    for request in requests[: args.count]:
        registration = await submit_request(session, request)
        again = "  (already submitted)" if registration.already else ""
        print(
            f"{registration.reference}  {request.name} ({request.country}, {request.topic}){again}"
        )
    return DONE

"""The board for management: the open Actions, 50 to a page, read from Temporal's
visibility alone: the search attributes of DOMAIN.md §6 and the memo each Action keeps
current (its name, whom it waits on, its mail problems; workflows/action_lifecycle.py).
No query per Action, so a page costs the same with 100 or 10,000 open (issue 24); only an
Action started before release 0.6, which has no memo yet, is asked for its status. No second
copy of the state. Staff only (web/signin.py): a signed-in member of the staff directory,
or in the local single-user mode loopback or `web.staff_token`."""

from __future__ import annotations

import asyncio
import base64
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlencode

from starlette.requests import Request
from starlette.responses import Response
from temporalio.service import RPCError

from glossary import Region, Stage
from glossary.names import TERMINAL_STAGES, command_words, mail_problem_words, stage_words
from reads.errors import CliError, Refused
from reads.session import Session, Target
from reads.times import time_left
from web.pages import Pages
from web.signin import SignIn
from worker.headers import sending
from workflows import search_attributes as sa

CONCURRENT_READS = 16
PAGE = 50
# The memo key the Actions keep for the board (workflows/action_lifecycle.py `BOARD`).
BOARD_MEMO = "board"


def visibility(task_queue: str, **filters: str) -> str:
    """The visibility query of the open Actions of this deployment, with filters."""
    clauses = [
        "WorkflowType = 'ActionLifecycle'",
        f"TaskQueue = '{task_queue}'",
        "ExecutionStatus = 'Running'",
    ]
    for name, value in filters.items():
        if value:
            clauses.append(f"{name} = '{value}'")
    return " AND ".join(clauses)


def _page_token(text: str) -> bytes | None:
    """The board's `page` parameter: Temporal's page token, as the previous page gave it."""
    if not text:
        return None
    if len(text) > 4000:
        raise ValueError("too long")
    try:
        return base64.b64decode(text.encode("ascii"), altchars=b"-_", validate=True)
    except (ValueError, UnicodeEncodeError):
        raise ValueError("not a page token") from None


def ui_link(ui_url: str, namespace: str, workflow_id: str) -> str:
    return f"{ui_url}/namespaces/{namespace}/workflows/{quote(workflow_id)}"


def ui_list_link(ui_url: str, namespace: str, query: str) -> str:
    return f"{ui_url}/namespaces/{namespace}/workflows?query={quote(query)}"


VOTES = {"approve": "approved", "reject": "rejected", "revise": "revise"}


class Board:
    def __init__(self, pages: Pages, session: Session, ui_url: str, signin: SignIn) -> None:
        self.pages, self.session = pages, session
        self.ui_url, self.signin = ui_url, signin

    async def board(self, request: Request) -> Response:
        if self.signin.staff(request) is None:
            return self.signin.refuse(request, "The board and case files")
        params = request.query_params
        stage, region, officer = (params.get(k, "") for k in ("stage", "region", "officer"))
        overdue = params.get("overdue") == "1"
        if stage and stage not in Stage._value2member_map_:
            return self.pages.refused(request, f"{stage!r} is not a stage.", 400)
        if region and region not in Region._value2member_map_:
            return self.pages.refused(request, f"{region!r} is not a region.", 400)
        if "'" in officer:
            return self.pages.refused(request, "An officer id has no quotes.", 400)
        settings = self.session.settings
        query = visibility(
            settings.task_queue,
            **{sa.STAGE.name: stage, sa.REGION.name: region, sa.PROJECT_OFFICER.name: officer},
        )
        now = datetime.now(UTC)
        if overdue:
            query += f" AND {sa.NEXT_DUE.name} < '{now.isoformat()}'"
        try:
            page_token = _page_token(params.get("page", ""))
        except ValueError:
            return self.pages.refused(request, "That page of the board does not exist.", 400)
        try:
            client = await self.session.client()
            listing = client.list_workflows(query, page_size=PAGE, next_page_token=page_token)
            await listing.fetch_next_page()
            found = list(listing.current_page or [])
            total = (await client.count_workflows(query)).count
        except CliError as error:
            return self.pages.refused(request, str(error), 503)
        except RPCError as error:
            failure = self.session.failure(error, "the list of Actions")
            return self.pages.refused(request, failure.message, 503)
        rows = await self._rows(found, now)
        following = listing.next_page_token
        next_url = ""
        if following:
            kept = {k: v for k, v in params.items() if k != "page"}
            kept["page"] = base64.urlsafe_b64encode(following).decode()
            next_url = "/board?" + urlencode(kept)
        officers = sorted({o.id for o in settings.staff.project_officers})
        return self.pages.render(
            request,
            "board.html",
            rows=rows,
            total=total,
            first=page_token is None,
            next_url=next_url,
            first_url="/board?" + urlencode({k: v for k, v in params.items() if k != "page"}),
            now=f"{now:%Y-%m-%d %H:%M}",
            filtered=any((stage, region, officer, overdue)),
            stages=[(s.value, stage_words(s.value)) for s in Stage if s not in TERMINAL_STAGES],
            regions=[r.value for r in Region],
            officers=officers,
            stage=stage,
            region=region,
            officer=officer,
            overdue=overdue,
            staff_token=params.get("token", ""),
        )

    async def _rows(self, found: list[Any], now: datetime) -> list[dict[str, Any]]:
        gate = asyncio.Semaphore(CONCURRENT_READS)
        namespace = self.session.namespace

        async def row(execution: Any) -> dict[str, Any]:
            attrs = execution.typed_search_attributes
            reference = attrs.get(sa.REFERENCE) or execution.id.removeprefix("action-")
            due = attrs.get(sa.NEXT_DUE)
            memo = (await execution.memo()).get(BOARD_MEMO)
            if memo is None:  # started before 0.6: its status, as before
                async with gate:
                    memo = await self._memo_of_status(reference)
            return {
                "reference": reference,
                "name": memo.get("name", ""),
                "country": attrs.get(sa.COUNTRY) or "",
                "stage": stage_words(attrs.get(sa.STAGE) or ""),
                "on_hold": bool(attrs.get(sa.ON_HOLD)),
                "waiting_on": memo.get("waiting_on", "(status not readable)"),
                "waiting_for": ", ".join(memo.get("waiting_for", [])),
                "next_due": f"{due:%Y-%m-%d %H:%M}" if due else "",
                "overdue": bool(due and due < now),
                "due_sort": due or datetime.max.replace(tzinfo=UTC),
                "officer": attrs.get(sa.PROJECT_OFFICER) or "",
                "mail_problems": memo.get("mail_problems", 0),
                "status_url": f"/actions/{reference}",
                "ui_url": ui_link(self.ui_url, namespace, execution.id),
            }

        rows = await asyncio.gather(*(row(e) for e in found))
        return sorted(rows, key=lambda r: (r["due_sort"], r["reference"]))

    async def _memo_of_status(self, reference: str) -> dict[str, Any]:
        try:
            status = await self.session.status(reference)
        except CliError:
            return {}
        return {
            "name": status.name,
            "waiting_on": status.waiting_on,
            "waiting_for": list(status.waiting_for),
            "mail_problems": len(status.mail_problems),
        }

    async def action(self, request: Request, notice: tuple[bool, str] | None = None) -> Response:
        staff = self.signin.staff(request)
        if staff is None:
            return self.signin.refuse(request, "Case files")
        reference = request.path_params["reference"]
        try:
            status = await self.session.status(reference)
        except CliError as error:
            return self.pages.refused(request, str(error), 404)
        now = datetime.now(UTC)
        clocks = [("", c) for c in status.clocks] + [
            (str(a.number), c) for a in status.activities for c in a.clocks
        ]
        shown = [
            (n, c, "paused" if c.paused else time_left(c.due_at, now))
            for n, c in sorted(clocks, key=lambda nc: nc[1].due_at)
        ]
        # Staff ids by the names the directory gives them (`po.okafor`: Ngozi Okafor).
        names = {p.id: p.name for p in self.session.settings.staff.members()}
        voted = {v.member for v in status.psg_votes if v.round == status.psg_round}
        may_vote = [
            body
            for body in (staff.bodies() if staff.person else self.session.settings.staff.psg)
            if body not in voted
        ]
        return self.pages.render(
            request,
            "action.html",
            s=status,
            officer=names.get(status.project_officer, status.project_officer),
            who=lambda person: names.get(person, person),
            what=command_words,
            stage=stage_words(str(status.stage)),
            clocks=shown,
            mail_problems=[
                (p, *mail_problem_words(p.trouble, p.key)) for p in status.mail_problems
            ],
            ui_url=ui_link(self.ui_url, self.session.namespace, f"action-{reference}"),
            may_vote=may_vote if status.stage == Stage.PSG_REVIEW else [],
            csrf=self.signin.csrf(request),
            signed_in=staff.name,
            notice=notice,
        )

    async def vote(self, request: Request) -> Response:
        """A PSG desk's vote from the case page; the workflow checks who may cast it."""
        staff = self.signin.staff(request)
        if staff is None:
            return self.signin.refuse(request, "Case files")
        form = await request.form()
        if not self.signin.csrf_ok(request, form.get("csrf")):
            return self.pages.refused(request, "This form was not sent from its own page.", 403)
        reference = request.path_params["reference"]
        decision = VOTES.get(str(form.get("decision", "")))
        if decision is None:
            return self.pages.refused(request, "Choose approve, reject or revise.", 400)
        payload = {
            "member": str(form.get("member", "")),
            "decision": decision,
            "comment": str(form.get("comment", "")).strip(),
            "by": staff.person.id if staff.person else "staff",
        }
        try:
            with sending(token=staff.id_token or None):
                detail = await self.session.update(Target(reference), "psg_vote", payload)
        except Refused as refusal:
            return await self.action(request, (False, str(refusal)))
        except CliError as error:
            return self.pages.refused(request, str(error), 503)
        return await self.action(request, (True, detail))

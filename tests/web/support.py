"""An Action on the time-skipping server under its contract id, the web app bound to the
same client, and the links its notices carry (built by the code the email activity uses)."""

from __future__ import annotations

from typing import Any

import httpx
from temporalio.client import Client, WorkflowHandle

from activities.answer_links import AnswerLinks, Link
from config.settings import MieuxSettings, WebSettings
from glossary import ActionInput
from tests.workflows.support import Outbox, Sent, proving
from web.app import create_app
from workflows.action_lifecycle import ActionLifecycle

SECRET = "test-secret-for-answer-links"
BASE = "http://mieux.test"


def settings(task_queue: str, **web: Any) -> MieuxSettings:
    return MieuxSettings(
        task_queue=task_queue, web=WebSettings(secret=SECRET, base_url=BASE, **web)
    )


def web_client(client: Client, task_queue: str, **web: Any) -> httpx.AsyncClient:
    app = create_app(settings(task_queue, **web), proving(client))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE)


async def start(client: Client, task_queue: str, input: ActionInput) -> WorkflowHandle[Any, Any]:
    return await client.start_workflow(
        ActionLifecycle.run, input, id=f"action-{input.reference}", task_queue=task_queue
    )


def links(sent: Sent) -> dict[str, str]:
    """choice -> path, for the notice's answer links."""
    found: list[Link] = AnswerLinks(BASE, SECRET).for_notice(sent.notice)
    return {link.url.rsplit("/", 1)[1]: link.url.removeprefix(BASE) for link in found}


def token_of(path: str) -> str:
    return path.split("/")[2]


def first_to(outbox: Outbox, kind: str, role: str) -> Sent:
    return next(s for s in outbox.matching(kind) if s.notice.to.role == role)

"""`post_escalation` against a real HTTP server on loopback: the payload, the classification of
failures, and a secret URL that never reaches the logs."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from pydantic import SecretStr
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.webhook import WebhookActivities
from config.settings import WebhookSettings
from glossary.notices import Notice
from tests.activities.support import MANAGER, make_notice
from tests.conftest import free_port

SECRET_PATH = "/hooks/T0001/B0002/s3cr3t-t0k3n"


@dataclass
class Channel:
    """A chat channel's webhook: records posts, answers with the queued statuses (then 200)."""

    url: str
    posts: list[tuple[dict[str, str], dict[str, object]]] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)


@pytest.fixture
def channel() -> Iterator[Channel]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    channel = Channel(f"http://127.0.0.1:{server.server_address[1]}{SECRET_PATH}?token=abc")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            channel.posts.append((dict(self.headers), body))
            self.send_response(channel.statuses.pop(0) if channel.statuses else 200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server.RequestHandlerClass = Handler
    # A short poll interval: shutdown() waits for the serving loop to look at its flag.
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield channel
    server.shutdown()
    server.server_close()


def escalation() -> Notice:
    return make_notice(
        kind="escalation",
        key="2026-07/fiche/escalation-21d/pm-jonas",
        to=MANAGER,
        subject="MIEUX 2026-07: the Action Fiche is overdue",
        awaited="the Action Fiche, from amina.officer@mieux.example.org",
    )


def activities_for(url: str | None) -> WebhookActivities:
    return WebhookActivities(
        WebhookSettings(url=SecretStr(url) if url else None, timeout_seconds=5)
    )


async def test_an_escalation_is_posted_as_json_without_email_addresses(channel: Channel) -> None:
    await ActivityEnvironment().run(activities_for(channel.url).post_escalation, escalation())

    [(headers, body)] = channel.posts
    assert headers["Content-Type"] == "application/json"
    assert len(headers["Idempotency-Key"]) == 32
    assert body["reference"] == "2026-07" and body["kind"] == "escalation"
    assert body["escalated_to"] == {"role": "programme_manager", "id": "pm-jonas"}
    assert body["due_at"] == "2026-03-23T15:00:00+00:00"
    assert "mieux submit-fiche 2026-07" in str(body["text"])
    assert "@" not in json.dumps(body)
    assert body["awaited"] == "the Action Fiche, from [address removed]"


async def test_without_a_configured_url_nothing_is_posted(channel: Channel) -> None:
    await ActivityEnvironment().run(activities_for(None).post_escalation, escalation())

    assert channel.posts == []


@pytest.mark.parametrize("status", [500, 502, 503, 429, 408])
async def test_a_failing_channel_is_retried(channel: Channel, status: int) -> None:
    channel.statuses.append(status)
    webhook = activities_for(channel.url)

    with pytest.raises(ApplicationError) as error:
        await ActivityEnvironment().run(webhook.post_escalation, escalation())
    assert error.value.type == "WebhookUnavailable" and not error.value.non_retryable

    await ActivityEnvironment().run(webhook.post_escalation, escalation())
    assert len(channel.posts) == 2


@pytest.mark.parametrize("status", [400, 403, 404, 410])
async def test_a_refusing_channel_is_not_retried(channel: Channel, status: int) -> None:
    channel.statuses.append(status)

    with pytest.raises(ApplicationError) as error:
        await ActivityEnvironment().run(activities_for(channel.url).post_escalation, escalation())

    assert error.value.type == "WebhookRejected" and error.value.non_retryable
    assert f"({status})" in error.value.message


async def test_an_unreachable_channel_is_retried() -> None:
    url = f"http://127.0.0.1:{free_port()}{SECRET_PATH}"

    with pytest.raises(ApplicationError) as error:
        await ActivityEnvironment().run(activities_for(url).post_escalation, escalation())

    assert error.value.type == "WebhookUnavailable" and not error.value.non_retryable
    assert "s3cr3t" not in error.value.message


async def test_the_webhook_url_never_reaches_the_logs(
    channel: Channel, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    webhook = activities_for(channel.url)
    channel.statuses += [503, 404]

    for _ in range(3):
        try:
            await ActivityEnvironment().run(webhook.post_escalation, escalation())
        except ApplicationError as error:
            assert "s3cr3t" not in error.message

    assert len(channel.posts) == 3
    assert "HTTP Request" in caplog.text, "httpx's request log is expected, without the URL"
    assert "s3cr3t" not in caplog.text and "token=abc" not in caplog.text
    assert "<escalation webhook>" in caplog.text

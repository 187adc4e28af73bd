"""The web service and the workers must share `web.secret` (issue 22.4): each worker keeps
a fingerprint of its secret in the shared database, and the web service's /health and its
start say when they differ, without revealing either secret."""

from __future__ import annotations

import logging
import time

import httpx
from sqlalchemy import update

from config.settings import DatabaseSettings, MieuxSettings, WebSettings
from store.db import engine_for, write_session
from store.fingerprints import Fingerprints, fingerprint
from store.tables import FingerprintRow
from web.app import create_app
from web.server import check_secret
from worker.main import record_fingerprint

WEB_SECRET = "the-web-service-secret"


def _settings(database_url: str, secret: str) -> MieuxSettings:
    return MieuxSettings(
        database=DatabaseSettings(url=database_url),
        web=WebSettings(secret=secret, base_url="http://mieux.test"),
    )


async def _health(database_url: str) -> httpx.Response:
    app = create_app(_settings(database_url, WEB_SECRET))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://mieux.test") as web:
        return await web.get("/health")


async def test_health_says_when_a_worker_signs_links_with_another_secret(database_url, caplog):
    await record_fingerprint(_settings(database_url, "a-stale-secret"))

    refused = await _health(database_url)
    with caplog.at_level(logging.ERROR, logger="mieux.web"):
        await check_secret(_settings(database_url, WEB_SECRET))

    assert refused.status_code == 503
    assert "sign answer links with another web.secret" in refused.text
    for secret in ("a-stale-secret", WEB_SECRET):
        assert secret not in refused.text and fingerprint(secret) not in refused.text
    assert "sign answer links with another web.secret" in caplog.text

    # The worker restarted with the right secret: its fingerprint is replaced.
    await record_fingerprint(_settings(database_url, WEB_SECRET))
    fixed = await _health(database_url)
    assert (fixed.status_code, fixed.text) == (200, "ok")


async def test_a_worker_not_seen_for_an_hour_no_longer_counts(database_url):
    Fingerprints(database_url).record("worker", "another-secret", host="retired-host")
    with write_session(engine_for(database_url)) as session:
        session.execute(update(FingerprintRow).values(seen_at=time.time() - 2 * 3600))

    answer = await _health(database_url)

    assert (answer.status_code, answer.text) == (
        200,
        "ok (no worker has reported in the last hour)",
    )

"""Serving the app with uvicorn, alone (`mieux web`) or beside the worker (`mieux dev`)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterator

import uvicorn
from sqlalchemy.exc import SQLAlchemyError
from temporalio.client import Client

from config import MieuxSettings
from store.fingerprints import Fingerprints, mismatch_text
from web.app import create_app

log = logging.getLogger("mieux.web")


class EmbeddedServer(uvicorn.Server):
    """Beside the worker in `mieux dev`: the worker owns Ctrl-C and stops this server
    (`should_exit`), so uvicorn must not take the signal handlers over."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def embedded(client: Client, settings: MieuxSettings) -> uvicorn.Server:
    return server(settings, client, cls=EmbeddedServer)


def server(
    settings: MieuxSettings,
    client: Client | None = None,
    cls: type[uvicorn.Server] = uvicorn.Server,
) -> uvicorn.Server:
    config = uvicorn.Config(
        create_app(settings, client),
        host=settings.web.host,
        port=settings.web.port,
        log_level="warning",
        # The answer links carry their credential in the path: keep URLs out of access logs.
        access_log=False,
        lifespan="off",
    )
    return cls(config)


async def serve(settings: MieuxSettings, client: Client | None = None) -> None:
    await check_secret(settings)
    await server(settings, client).serve()


async def check_secret(settings: MieuxSettings) -> None:
    """Said once at start, and by /health for as long as it lasts: workers that sign links
    with another secret make every link in their notices answer 403."""
    secret = settings.web.secret.get_secret_value() if settings.web.secret else ""
    try:
        _, differing = await asyncio.to_thread(
            Fingerprints(settings.database_url).workers_differing, secret
        )
    except (SQLAlchemyError, OSError) as error:
        log.warning("could not compare web.secret with the workers' (%s)", type(error).__name__)
        return
    if differing:
        log.error("mieux web: %s", mismatch_text(differing))

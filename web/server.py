"""Serving the app with uvicorn, alone (`mieux web`) or beside the worker (`mieux dev`)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import uvicorn
from temporalio.client import Client

from config import MieuxSettings
from web.app import create_app


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
    await server(settings, client).serve()

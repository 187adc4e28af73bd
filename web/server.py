"""Serving the app with uvicorn, alone (`mieux web`) or beside the worker (`mieux dev`)."""

from __future__ import annotations

import uvicorn
from temporalio.client import Client

from config import MieuxSettings
from web.app import create_app


def server(settings: MieuxSettings, client: Client | None = None) -> uvicorn.Server:
    config = uvicorn.Config(
        create_app(settings, client),
        host=settings.web.host,
        port=settings.web.port,
        log_level="warning",
        # The answer links carry their credential in the path: keep URLs out of access logs.
        access_log=False,
        lifespan="off",
    )
    return uvicorn.Server(config)


async def serve(settings: MieuxSettings, client: Client | None = None) -> None:
    await server(settings, client).serve()

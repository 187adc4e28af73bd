"""The web service's app factory: one Starlette app, its routes, and what they share."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from temporalio.client import Client

from config import MieuxSettings
from starter.session import Session
from web.answers import AnswerPages
from web.board import Board
from web.codec import CodecEndpoint
from web.pages import Pages
from worker.codec import data_converter


def create_app(settings: MieuxSettings, client: Client | None = None) -> Starlette:
    """`client` for tests and `mieux dev`; otherwise the first request connects."""
    web = settings.web
    if web.secret is None or not web.secret.get_secret_value():
        raise ValueError("web.secret (MIEUX_WEB__SECRET) must be set: it signs answer links")
    session = Session(settings, identity="mieux-web", client=client)
    pages = Pages()
    answers = AnswerPages(pages, session, web.secret.get_secret_value(), web.base_url)
    board = Board(
        pages, session, web.ui_url, web.staff_token.get_secret_value() if web.staff_token else ""
    )
    key = settings.temporal.payload_key
    codec = data_converter(
        key.get_secret_value() if key else None, settings.temporal.payload_key_id
    ).payload_codec
    endpoint = CodecEndpoint(
        codec, web.ui_origin, web.codec_token.get_secret_value() if web.codec_token else ""
    )

    async def health(request: Request) -> Response:
        return PlainTextResponse("ok")

    routes = [
        Route("/answer/{token}/{choice}", answers.show, methods=["GET"]),
        Route("/answer/{token}/{choice}", answers.submit, methods=["POST"]),
        Route("/board", board.board, methods=["GET"]),
        Route("/actions/{reference}", board.action, methods=["GET"]),
        Route("/codec/decode", endpoint.decode, methods=["POST"]),
        Route("/codec/encode", endpoint.encode, methods=["POST"]),
        Route("/codec/decode", endpoint.preflight, methods=["OPTIONS"]),
        Route("/codec/encode", endpoint.preflight, methods=["OPTIONS"]),
        Route("/health", health, methods=["GET"]),
    ]
    return Starlette(routes=routes)

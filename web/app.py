"""The web service's app factory: one Starlette app, its routes, and what they share."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from temporalio.client import Client

from config import MieuxSettings
from glossary.caller import CallerKind
from reads.session import Session
from store.fingerprints import Fingerprints, mismatch_text
from web.answers import AnswerPages
from web.board import Board
from web.codec import CodecEndpoint
from web.pages import Pages
from web.signin import SignIn
from worker.codec import data_converter
from worker.proof import trust_of
from workflows.permissions import person_in


def create_app(settings: MieuxSettings, client: Client | None = None) -> Starlette:
    """`client` for tests and `mieux dev`; otherwise the first request connects."""
    web = settings.web
    if web.secret is None or not web.secret.get_secret_value():
        raise ValueError("web.secret (MIEUX_WEB__SECRET) must be set: it signs answer links")
    session = Session(settings, identity="mieux-web", client=client)
    pages = Pages()
    signin = SignIn(settings, pages)
    answers = AnswerPages(pages, session, web.secret.get_secret_value(), web.base_url)
    board = Board(pages, session, web.ui_url, signin)
    key = settings.temporal.payload_key
    codec = data_converter(
        key.get_secret_value() if key else None,
        settings.temporal.payload_key_id,
        old_keys={k: v.get_secret_value() for k, v in settings.temporal.payload_old_keys.items()},
    ).payload_codec
    trust = trust_of(settings)

    async def codec_allowed(request: Request) -> bool:
        """A staff page's reader, or a bearer token the provider signed for a staff member."""
        if signin.staff(request) is not None:
            # Locally, loopback is enough only while no codec token is set.
            return not (signin.local and web.codec_token)
        scheme, _, bearer = request.headers.get("authorization", "").partition(" ")
        if trust.local or scheme.lower() != "bearer" or not bearer.strip().isascii():
            return False
        await trust.keys_at_most(600.0)
        caller = trust.staff(bearer.strip(), datetime.now(UTC), verified=True)
        return caller.kind == CallerKind.STAFF and (
            bool(caller.roles) or person_in(settings.staff, caller.email) is not None
        )

    endpoint = CodecEndpoint(
        codec,
        web.ui_origin,
        web.codec_token.get_secret_value() if web.codec_token else "",
        codec_allowed,
    )

    fingerprints = Fingerprints(settings.database_url)

    async def health(request: Request) -> Response:
        """200 "ok" while the answer links work; 503 naming what does not."""
        try:
            seen, differing = await asyncio.to_thread(
                fingerprints.workers_differing, web.secret.get_secret_value()
            )
        except (SQLAlchemyError, OSError):
            return PlainTextResponse("not ok: the database is unreachable", status_code=503)
        if differing:
            return PlainTextResponse(f"not ok: {mismatch_text(differing)}", status_code=503)
        return PlainTextResponse("ok" if seen else "ok (no worker has reported in the last hour)")

    routes = [
        Route("/answer/{token}/{choice}", answers.show, methods=["GET"]),
        Route("/answer/{token}/{choice}", answers.submit, methods=["POST"]),
        Route("/board", board.board, methods=["GET"]),
        Route("/actions/{reference}", board.action, methods=["GET"]),
        Route("/actions/{reference}/vote", board.vote, methods=["POST"]),
        Route("/signin", signin.signin, methods=["GET"]),
        Route("/signin/callback", signin.callback, methods=["GET"]),
        Route("/signout", signin.signout, methods=["GET", "POST"]),
        Route("/codec/decode", endpoint.decode, methods=["POST"]),
        Route("/codec/encode", endpoint.encode, methods=["POST"]),
        Route("/codec/decode", endpoint.preflight, methods=["OPTIONS"]),
        Route("/codec/encode", endpoint.preflight, methods=["OPTIONS"]),
        Route("/health", health, methods=["GET"]),
    ]
    # The session holds a signed-in member's ID token and the sign-in's PKCE state; signed
    # with the deployment's secret, Lax so the Temporal UI's codec requests (same site) carry
    # it and other sites' forms do not.
    middleware = [
        Middleware(
            SessionMiddleware,
            secret_key=web.secret.get_secret_value(),
            session_cookie="mieux_session",
            same_site="lax",
            https_only=web.base_url.startswith("https://"),
            max_age=12 * 3600,
        )
    ]
    middleware.append(Middleware(SecurityHeaders, https=web.base_url.startswith("https://")))
    return Starlette(routes=routes, middleware=middleware)


class SecurityHeaders:
    """On every response, /codec and /health included (issue 22.15): no sniffing, no
    framing, scripts and styles from here only (the pages inline their one style sheet),
    and HSTS when served over HTTPS."""

    def __init__(self, app: ASGIApp, https: bool) -> None:
        self.app, self.https = app, https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault(
                    "Content-Security-Policy",
                    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:;"
                    " frame-ancestors 'none'; form-action 'self'",
                )
                headers.setdefault("X-Content-Type-Options", "nosniff")
                if self.https:
                    headers.setdefault("Strict-Transport-Security", "max-age=31536000")
            await send(message)

        await self.app(scope, receive, with_headers)

"""The codec endpoint of the Temporal UI (`--ui-codec-endpoint`): the browser of someone
reading an Action in the UI sends the encrypted payloads here and shows what comes back.
The server keeps ciphertext; only this service, with the payload key, reads it.

The protocol is Temporal's codec-server one: `POST /codec/decode` and `/codec/encode` with
`{"payloads": [...]}` in the protobuf JSON form, CORS for the UI's origin. Payloads hold
personal data, so the endpoint answers staff only (docs/security.md): a signed-in staff
member's session cookie (the UI's fetch includes credentials), a bearer token the provider
signed for a staff member (the UI's "pass the access token"), or `web.codec_token`; in the
local single-user mode, loopback as well.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable

from google.protobuf import json_format
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from temporalio.api.common.v1 import Payloads
from temporalio.converter import PayloadCodec

ALLOWED_HEADERS = "content-type, x-namespace, authorization"


class CodecEndpoint:
    def __init__(
        self,
        codec: PayloadCodec | None,
        ui_origin: str,
        token: str = "",
        allowed: Callable[[Request], Awaitable[bool]] | None = None,
    ) -> None:
        self.codec, self.ui_origin, self.token = codec, ui_origin, token
        self.allowed = allowed

    def _cors(self, response: Response) -> Response:
        response.headers["Access-Control-Allow-Origin"] = self.ui_origin
        response.headers["Access-Control-Allow-Methods"] = "POST, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
        response.headers["Access-Control-Allow-Credentials"] = "true"
        response.headers["Vary"] = "Origin"
        return response

    async def preflight(self, request: Request) -> Response:
        return self._cors(Response(status_code=200))

    async def decode(self, request: Request) -> Response:
        return await self._code(request, encode=False)

    async def encode(self, request: Request) -> Response:
        return await self._code(request, encode=True)

    async def _code(self, request: Request, *, encode: bool) -> Response:
        token_ok = bool(self.token) and _bearer_is(request, self.token)
        if not token_ok and (self.allowed is None or not await self.allowed(request)):
            return self._cors(JSONResponse({"error": "staff only: sign in first"}, 401))
        try:
            payloads = json_format.Parse(await request.body(), Payloads())
        except json_format.ParseError as error:
            return self._cors(JSONResponse({"error": f"not a payloads object: {error}"}, 400))
        items = list(payloads.payloads)
        if self.codec is not None:
            try:
                items = await (self.codec.encode(items) if encode else self.codec.decode(items))
            except ValueError as error:  # a payload sealed with a key this service lacks
                return self._cors(JSONResponse({"error": str(error)}, 422))
        body = json_format.MessageToJson(Payloads(payloads=items))
        return self._cors(Response(body, media_type="application/json"))


def _bearer_is(request: Request, token: str) -> bool:
    given = request.headers.get("authorization", "")
    scheme, _, value = given.partition(" ")
    value = value.strip()
    return scheme.lower() == "bearer" and value.isascii() and hmac.compare_digest(value, token)

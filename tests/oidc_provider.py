"""A real OpenID Connect provider for the tests: `oidc-provider-mock` (Authlib's server on
Flask, in a thread), with the device authorization grant (RFC 8628) added from Authlib's
own implementation, since the CLI signs in that way.

Users sign in by typing their `sub` on the provider's form (the browser test does that);
the device flow is approved by posting the user code and the `sub` to `/device`.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import flask
import oidc_provider_mock
from authlib.oauth2.rfc8628 import (
    DEVICE_CODE_GRANT_TYPE,
    DeviceAuthorizationEndpoint,
    DeviceCodeGrant,
    DeviceCredentialDict,
)
from oidc_provider_mock import _app as mock_app
from oidc_provider_mock import _storage as mock_storage
from oidc_provider_mock._server import _threaded_server

# Staff of the demo directory (config/staff.py), as the provider knows them.
STAFF = {
    "po.martin": "Claire Martin",
    "po.okafor": "Ngozi Okafor",
    "pm.rossi": "Giulia Rossi",
    "pd.novak": "Tomas Novak",
    "psg.intpa": "DG INTPA desk",
    "psg.home": "DG HOME desk",
    "psg.eeas": "EEAS desk",
    "ec.services": "EC services desk",
    "intern.bob": "Bob Intern",  # signed in, in no directory
}


@dataclass
class Provider:
    issuer: str
    port: int
    devices: dict[str, dict[str, Any]] = field(default_factory=dict)  # user code -> grant
    signing_key: Any = None

    def approve(self, user_code: str, sub: str) -> None:
        self.devices[user_code]["user"] = mock_storage.User(sub=sub, claims=_claims(sub))


def _claims(sub: str) -> dict[str, object]:
    return {"email": f"{sub}@mieux.example.org", "name": STAFF.get(sub, sub)}


class _DeviceIdToken(mock_app.OpenIDCode):
    """The mock's ID token, issued by the device grant as by the code grant."""

    def __call__(self, grant: Any) -> None:
        grant.register_hook("after_create_token_response", self.process_token)


@contextmanager
def running_provider(token_max_age: timedelta = timedelta(hours=1)) -> Iterator[Provider]:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise
    users = [mock_storage.User(sub=sub, claims=_claims(sub)) for sub in STAFF]
    app = oidc_provider_mock.app(user_claims=users, access_token_max_age=token_max_age)
    with app.test_request_context():
        for hook in app.before_request_funcs[None]:
            hook()
        server = flask.g._authlib_authorization_server
        storage = flask.g.oidc_provider_mock_storage
    credentials: dict[str, DeviceCredentialDict] = {}
    provider = Provider(issuer="", port=0, signing_key=storage.jwk)

    class Endpoint(DeviceAuthorizationEndpoint):
        INTERVAL = 1  # how often the CLI asks; RFC 8628's default of 5 s would slow the tests

        def get_verification_uri(self) -> str:
            return f"{provider.issuer}/device"

        def save_device_credential(self, client_id: str, scope: str, data: dict) -> None:
            credential = DeviceCredentialDict(
                client_id=client_id, scope=scope, expires_at=time.time() + 600, **data
            )
            credentials[data["device_code"]] = credential
            provider.devices[data["user_code"]] = {"user": None}

    class Grant(DeviceCodeGrant):
        def query_device_credential(self, device_code: str) -> Any:
            return credentials.get(device_code)

        def query_user_grant(self, user_code: str) -> Any:
            user = provider.devices.get(user_code, {}).get("user")
            return (user, True) if user else None

        def should_slow_down(self, credential: Any) -> bool:
            return False

    server.register_grant(Grant, [_DeviceIdToken(require_nonce=False, token_max_age=token_max_age)])
    server.register_endpoint(Endpoint)
    mock_storage.Client.GRANT_TYPES_SUPPORTED = (
        *mock_storage.Client.GRANT_TYPES_SUPPORTED,
        DEVICE_CODE_GRANT_TYPE,
    )

    def device_authorization() -> Any:
        return server.create_endpoint_response("device_authorization")

    def device_page() -> Any:
        code = flask.request.values.get("user_code", "")
        sub = flask.request.values.get("sub", "")
        if flask.request.method == "POST" and code in provider.devices and sub:
            provider.approve(code, sub)
            return "approved"
        return "<form method=post><input name=user_code><input name=sub></form>"

    app.add_url_rule(
        "/oauth2/device_authorization", view_func=device_authorization, methods=["POST"]
    )
    app.add_url_rule("/device", view_func=device_page, methods=["GET", "POST"])

    @app.before_request
    def _device_tokens() -> Any:
        # The mock's own token endpoint knows its two grants only; Authlib's handles ours.
        grant = flask.request.form.get("grant_type") if flask.request.method == "POST" else None
        if flask.request.path == "/oauth2/token" and grant == DEVICE_CODE_GRANT_TYPE:
            return server.create_token_response()
        return None

    @app.after_request
    def _advertise_device_flow(response: flask.Response) -> flask.Response:
        if flask.request.path == "/.well-known/openid-configuration":
            document = response.get_json()
            document["device_authorization_endpoint"] = (
                f"{provider.issuer}/oauth2/device_authorization"
            )
            response.set_data(flask.json.dumps(document))
        return response

    with _threaded_server(app=app, port=0) as http:
        provider.port = http.server_port
        provider.issuer = f"http://localhost:{http.server_port}"
        yield provider


def other_key_token(provider: Provider, sub: str, **claims: Any) -> str:
    """A well-formed ID token for `sub`, signed by a key the provider never published."""
    from joserfc.jwk import RSAKey

    key = RSAKey.generate_key(2048, parameters={"kid": secrets.token_hex(8)})
    return _token(provider, key, sub, claims)


def signed_token(provider: Provider, sub: str, **claims: Any) -> str:
    """An ID token signed with the provider's own key, with claims of the test's choosing
    (an expired one, another audience): what only the provider could have issued."""
    from joserfc.jwk import RSAKey

    key = RSAKey.import_key(provider.signing_key.as_dict(is_private=True))
    return _token(provider, key, sub, claims)


def _token(provider: Provider, key: Any, sub: str, claims: dict[str, Any]) -> str:
    from joserfc import jwt

    now = int(time.time())
    body = {
        "iss": provider.issuer,
        "aud": "mieux",
        "sub": sub,
        "iat": now,
        "exp": now + 3600,
        **_claims(sub),
        **claims,
    }
    return jwt.encode({"alg": "RS256", "kid": key.kid}, body, key)

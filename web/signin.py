"""Staff sign-in for the web service: OpenID Connect's authorization-code flow with PKCE
(Authlib's Starlette client), a signed session cookie, and the one question every staff page
asks: who is this, and may they see it?

In the local single-user mode (no `auth.issuer`) there is no sign-in: the staff pages answer
on loopback, or to `web.staff_token`, as before. With an issuer, a staff page needs a
signed-in member of the staff directory (or a holder of a role in `auth.roles_claim`),
loopback or not; the commands the pages send carry the member's ID token, and the
workflow checks it as it checks the CLI's.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import secrets
import time
import warnings
from dataclasses import dataclass
from typing import Any

import authlib.deprecate  # noqa: F401 (sets an "always" filter of its own when imported)

with warnings.catch_warnings():
    # Authlib warns at import of its own httpx integration, which its Starlette client
    # uses; staff would read it in every `mieux dev` banner.
    warnings.filterwarnings("ignore", message="The httpx module is deprecated")
    from authlib.integrations.starlette_client import OAuth, OAuthError
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from config import MieuxSettings
from web.pages import Pages
from workflows.permissions import Person, person_in

log = logging.getLogger("mieux.web")


@dataclass(frozen=True)
class Staff:
    """Who is looking at a staff page: a signed-in person, or the local single user."""

    name: str
    person: Person | None  # None: the local single user, or a staff-token script
    id_token: str = ""

    def bodies(self) -> list[str]:
        return self.person.bodies() if self.person else []


class SignIn:
    def __init__(self, settings: MieuxSettings, pages: Pages) -> None:
        self.settings, self.pages = settings, pages
        self.auth = settings.auth
        token = settings.web.staff_token
        self.staff_token = token.get_secret_value() if token else ""
        self.oauth = OAuth()
        if self.auth.issuer:
            secret = self.auth.client_secret
            if secret is None or not secret.get_secret_value():
                raise ValueError(
                    "auth.client_secret (MIEUX_AUTH__CLIENT_SECRET) must be set with"
                    " auth.issuer: the web service signs staff in as a confidential client"
                )
            self.oauth.register(
                "provider",
                client_id=self.auth.client_id,
                client_secret=secret.get_secret_value(),
                server_metadata_url=f"{self.auth.issuer}/.well-known/openid-configuration",
                # PKCE as well as the secret (OAuth 2.0 Security BCP, RFC 9700).
                client_kwargs={"scope": "openid email profile", "code_challenge_method": "S256"},
            )

    @property
    def local(self) -> bool:
        return not self.auth.issuer

    # -- who is asking --------------------------------------------------------------------

    def staff(self, request: Request) -> Staff | None:
        given = request.query_params.get("token") or _bearer(request)
        if (
            self.staff_token
            and given.isascii()
            and given
            and hmac.compare_digest(given, self.staff_token)
        ):
            return Staff(name="staff token", person=None)
        if self.local:
            # A staff token, once set, is the way in even on loopback (a shared host).
            local = not self.staff_token and _loopback(request)
            return Staff(name="local user", person=None) if local else None
        signed = request.session.get("staff")
        if not isinstance(signed, dict) or float(signed.get("expires", 0)) < time.time():
            return None
        person = self._person(signed)
        if person is None:
            return None
        return Staff(name=person.name, person=person, id_token=str(signed.get("id_token", "")))

    def _person(self, signed: dict[str, Any]) -> Person | None:
        listed = person_in(self.settings.staff, str(signed.get("email", "")))
        roles = signed.get("roles")
        if self.auth.roles_claim and isinstance(roles, list) and roles:
            return Person(
                id=listed.id if listed else str(signed.get("email")),
                name=str(signed.get("name") or signed.get("email")),
                roles=frozenset(str(r) for r in roles),
            )
        return listed

    def refuse(self, request: Request, what: str) -> Response:
        """Not signed in: to the sign-in page and back; signed in but not staff: 403."""
        if not self.local and "staff" not in request.session:
            return RedirectResponse(f"/signin?next={request.url.path}", status_code=303)
        return self.pages.refused(request, f"{what} are for MIEUX staff.", 403)

    def csrf(self, request: Request) -> str:
        token = request.session.get("csrf")
        if not token:
            token = request.session["csrf"] = secrets.token_urlsafe(24)
        return str(token)

    def csrf_ok(self, request: Request, given: Any) -> bool:
        expected = request.session.get("csrf", "")
        return (
            isinstance(given, str)
            and bool(expected)
            and given.isascii()
            and hmac.compare_digest(given, expected)
        )

    # -- the routes -----------------------------------------------------------------------

    async def signin(self, request: Request) -> Response:
        if self.local:
            return self.pages.refused(
                request, "This is the local single-user mode: there is no sign-in.", 404
            )
        target = request.query_params.get("next", "/board")
        request.session["next"] = target if target.startswith("/") else "/board"
        callback = f"{self.settings.web.base_url}/signin/callback"
        return await self.oauth.provider.authorize_redirect(request, callback)

    async def callback(self, request: Request) -> Response:
        try:
            token = await self.oauth.provider.authorize_access_token(request)
        except OAuthError as error:
            log.warning("sign-in refused: %s", error.error)
            return self.pages.refused(request, "The sign-in did not complete.", 403)
        claims = token.get("userinfo") or {}
        roles = claims.get(self.auth.roles_claim) if self.auth.roles_claim else None
        request.session["staff"] = {
            "email": claims.get("email") or claims.get("preferred_username") or "",
            "name": claims.get("name") or "",
            "roles": roles if isinstance(roles, list) else None,
            "id_token": token.get("id_token", ""),
            "expires": float(claims.get("exp", 0)),
        }
        log.info("signed in: %s", claims.get("sub"))
        return RedirectResponse(request.session.pop("next", "/board"), status_code=303)

    async def signout(self, request: Request) -> Response:
        request.session.clear()
        return self.pages.render(
            request,
            "outcome.html",
            ok=True,
            message="You are signed out.",
            reference="",
            title="",
            detail="",
        )


def _bearer(request: Request) -> str:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def _loopback(request: Request) -> bool:
    host = request.client.host if request.client else ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host in ("localhost", "testclient")

"""`mieux login`, `logout` and `whoami`: staff sign in through the organisation's OpenID
Connect provider with the device authorization grant (RFC 8628): the CLI shows a code, the
person confirms it in their browser, the provider hands the CLI a signed ID token.

The tokens are kept per user (`$XDG_CONFIG_HOME/mieux/tokens.json`, readable by its owner
only), one entry per provider and client, refreshed with the refresh token shortly before
they expire. Every command sent to Temporal then carries the ID token (worker/headers.py),
and the workers check it (worker/proof.py): the CLI proves nothing by itself.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import time
from argparse import Namespace
from pathlib import Path
from typing import Any

from config.connection import SignIn
from reads.errors import DONE, BadInput, CliError, Unreachable

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
REFRESH_BEFORE = 120  # seconds: a command must not reach the worker with a token just expired


class NotSignedIn(CliError):
    exit_code = 2


def cache_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "mieux" / "tokens.json"


def _key(auth: SignIn) -> str:
    return f"{auth.issuer} {auth.client_id}"


def _read_cache() -> dict[str, Any]:
    try:
        data = json.loads(cache_path().read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_cache(data: dict[str, Any]) -> None:
    path = cache_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fresh = path.with_suffix(".tmp")
    fd = os.open(fresh, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as file:
        json.dump(data, file)
    os.replace(fresh, path)


def claims_of(id_token: str) -> dict[str, Any]:
    """What the token says of its holder, for display and expiry only: the workers are the
    ones who check its signature."""
    try:
        body = id_token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    except (IndexError, ValueError):
        return {}
    return claims if isinstance(claims, dict) else {}


async def _discover(auth: SignIn) -> dict[str, Any]:
    import httpx

    url = f"{auth.issuer}/.well-known/openid-configuration"
    try:
        async with httpx.AsyncClient(timeout=10) as http:
            found = await http.get(url)
            found.raise_for_status()
            document: dict[str, Any] = found.json()
    except (httpx.HTTPError, ValueError) as error:
        raise Unreachable(f"the sign-in provider {auth.issuer} did not answer: {error}") from None
    return document


async def _token_request(url: str, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
    import httpx

    try:
        async with httpx.AsyncClient(timeout=10) as http:
            answer = await http.post(url, data=form)
    except httpx.HTTPError as error:
        raise Unreachable(f"the sign-in provider did not answer: {error}") from None
    try:
        body = answer.json()
    except ValueError:
        body = {}
    return answer.status_code, body if isinstance(body, dict) else {}


def _save(auth: SignIn, tokens: dict[str, Any]) -> dict[str, Any]:
    if "id_token" not in tokens:
        raise BadInput("the provider gave no ID token: ask for the `openid` scope (auth.scopes)")
    entry = {
        "id_token": tokens["id_token"],
        "refresh_token": tokens.get("refresh_token", ""),
        "expires_at": claims_of(tokens["id_token"]).get("exp", 0),
    }
    cache = _read_cache()
    cache[_key(auth)] = entry
    _write_cache(cache)
    return entry


async def current_token(auth: SignIn) -> str:
    """The signed-in user's ID token, refreshed if it is about to expire."""
    entry = _read_cache().get(_key(auth))
    if not isinstance(entry, dict) or not entry.get("id_token"):
        raise NotSignedIn(f"not signed in to {auth.issuer}: run `mieux login`")
    if float(entry.get("expires_at", 0)) - REFRESH_BEFORE > time.time():
        return str(entry["id_token"])
    if entry.get("refresh_token"):
        document = await _discover(auth)
        status, tokens = await _token_request(
            document["token_endpoint"],
            {
                "grant_type": "refresh_token",
                "refresh_token": entry["refresh_token"],
                "client_id": auth.client_id,
            },
        )
        if status == 200 and "id_token" in tokens:
            return str(_save(auth, tokens)["id_token"])
    raise NotSignedIn(f"your sign-in to {auth.issuer} has expired: run `mieux login`")


async def login(session: Any, args: Namespace) -> int:
    auth: SignIn = session.connection.auth
    if not auth.issuer:
        raise BadInput(
            "no sign-in provider is set (auth.issuer): this is the local single-user mode,"
            " where you need no sign-in"
        )
    document = await _discover(auth)
    endpoint = document.get("device_authorization_endpoint")
    if not endpoint:
        raise BadInput(f"{auth.issuer} does not offer the device sign-in (RFC 8628)")
    status, grant = await _token_request(
        endpoint, {"client_id": auth.client_id, "scope": auth.scopes}
    )
    if status != 200 or "device_code" not in grant:
        raise BadInput(f"the provider refused the sign-in: {grant.get('error', status)}")
    where = grant.get("verification_uri_complete") or grant.get("verification_uri")
    print(f"To sign in, open {where} and enter the code {grant['user_code']}", flush=True)
    interval = float(grant.get("interval", 5))
    deadline = time.monotonic() + float(grant.get("expires_in", 600))
    while time.monotonic() < deadline:
        await asyncio.sleep(interval)
        status, tokens = await _token_request(
            document["token_endpoint"],
            {
                "grant_type": DEVICE_GRANT,
                "device_code": grant["device_code"],
                "client_id": auth.client_id,
            },
        )
        error = tokens.get("error")
        if status == 200:
            entry = _save(auth, tokens)
            claims = claims_of(entry["id_token"])
            print(f"signed in as {_who(claims)}")
            return DONE
        if error == "slow_down":
            interval += 5
        elif error != "authorization_pending":
            raise BadInput(f"sign-in not completed: {error or status}")
    raise BadInput("sign-in not completed: the code expired; run `mieux login` again")


async def logout(session: Any, args: Namespace) -> int:
    auth: SignIn = session.connection.auth
    cache = _read_cache()
    if cache.pop(_key(auth), None) is None:
        print(f"not signed in to {auth.issuer or 'any provider'}")
        return DONE
    _write_cache(cache)
    print(f"signed out of {auth.issuer}")
    return DONE


async def whoami(session: Any, args: Namespace) -> int:
    auth: SignIn = session.connection.auth
    if not auth.issuer:
        print(f"{session.identity} (local single-user mode: no sign-in provider is set)")
        return DONE
    token = await current_token(auth)
    claims = claims_of(token)
    expires = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(float(claims.get("exp", 0))))
    print(f"{_who(claims)}, signed in to {auth.issuer} until {expires}")
    return DONE


def _who(claims: dict[str, Any]) -> str:
    name, email = claims.get("name"), claims.get("email") or claims.get("preferred_username")
    return f"{name} <{email}>" if name and email else str(email or name or claims.get("sub"))

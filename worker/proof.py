"""Who sends a command, proven in the worker, where no client goes around it
(docs/security.md).

Every command to a workflow may carry one proof in its Temporal headers:
- `mieux-token`: a staff member's OpenID Connect ID token, signed by the organisation's
  provider (Entra ID, Keycloak, any standard one); checked against the provider's keys
  (JWKS), its issuer, its audience and its expiry, with joserfc;
- `mieux-link`: the token of an answer link, signed with the workers' secret (`web.secret`);
- `mieux-internal`: the workers' own signature on a message between an Action and its
  activities, bound to the receiving workflow, the signal and its payload.

The interceptor turns the headers into a `glossary.caller.Caller` and sets it on the
workflow for the length of one handler; the workflow decides with `workflows.permissions`.
A staff token is checked cryptographically only in update validators, which never run on
replay; an update's handler (which does replay) reads the identity alone. Signals replay, so
they take only proofs that check the same way forever (links, internal messages): a staff
member sends an update.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Literal

import httpx
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from pydantic_core import to_jsonable_python
from temporalio import workflow
from temporalio.api.common.v1 import Payload
from temporalio.converter import default as default_converter
from temporalio.exceptions import ApplicationError
from temporalio.worker import (
    HandleSignalInput,
    HandleUpdateInput,
    Interceptor,
    SignalChildWorkflowInput,
    SignalExternalWorkflowInput,
    WorkflowInboundInterceptor,
    WorkflowInterceptorClassInput,
    WorkflowOutboundInterceptor,
)

from glossary.answers import BadToken, verify
from glossary.caller import LOCAL, Caller, CallerKind
from glossary.commands import CommandRefused
from glossary.people import StaffDirectory
from worker.headers import HEADER_INTERNAL, HEADER_LINK, HEADER_TOKEN, header
from workflows.permissions import person_in

Context = Literal["validator", "handler", "signal"]
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384"]
LEEWAY_SECONDS = 60  # clocks of provider and workers differ a little

log = logging.getLogger("mieux.proof")

NOT_SIGNED_IN = (
    "who sends this is not proven: staff sign in first (`mieux login`, or the web"
    " service's sign-in); people outside the team answer through the link in their message"
)
SIGNAL_WITH_TOKEN = (
    "a staff member's command goes as an update (mieux without --no-wait): a signal is"
    " replayed months later, when the provider's keys have changed"
)


def _text(payload: Payload | None) -> str | None:
    if payload is None:
        return None
    try:
        value = default_converter().payload_converter.from_payloads([payload])[0]
    except Exception:  # a header of another shape is no proof at all
        return ""
    return value if isinstance(value, str) else ""


def internal_signature(secret: str, workflow_id: str, name: str, args: Sequence[Any]) -> str:
    """Bound to the receiver, the signal and its payload: a copied header signs nothing else."""
    body = json.dumps(to_jsonable_python(list(args)), sort_keys=True, separators=(",", ":"))
    message = f"{workflow_id}\n{name}\n{body}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


class ProviderUnreachable(RuntimeError):
    """The provider's discovery document or keys could not be read: one line says which."""


@dataclass
class Trust:
    """What the workers trust. No issuer: the local single-user mode of `mieux dev`, where
    every unproven caller is the one local user (a link is still checked when a secret is
    set, so it answers its own step only)."""

    issuer: str = ""
    audience: str = ""
    secret: str = ""
    # Secrets `secret` replaced (docs/deployment.md, "Rotating the web secret"): taken on
    # replay only, so an Action replays as it ran; live, nothing they sign is taken.
    old_secrets: tuple[str, ...] = ()
    roles_claim: str = ""
    keys: KeySet = field(default_factory=lambda: KeySet([]))
    directory: StaffDirectory | None = None  # the deployment's (for the register)
    loaded_at: float = float("-inf")

    @property
    def local(self) -> bool:
        return not self.issuer

    # -- the headers of one command -------------------------------------------------------

    def caller(
        self,
        headers: Mapping[str, Payload],
        now: datetime,
        context: Context,
        workflow_id: str,
        name: str,
        args: Sequence[Any],
        *,
        replaying: bool = False,
    ) -> Caller | None:
        """None: nothing to say (an update's handler with no proof, which then runs as it
        ran when it was accepted)."""
        secrets = (self.secret, *self.old_secrets) if replaying else (self.secret,)
        internal = _text(headers.get(HEADER_INTERNAL))
        if internal is not None and self.secret:
            for secret in secrets:
                expected = internal_signature(secret, workflow_id, name, args)
                if hmac.compare_digest(internal.encode(), expected.encode()):
                    return Caller(kind=CallerKind.INTERNAL)
            return _refused("the workers' signature on this message does not hold")
        link = _text(headers.get(HEADER_LINK))
        if link is not None and self.secret:
            return self._link(link, now, secrets, decided=context == "handler")
        token = _text(headers.get(HEADER_TOKEN))
        if self.local:
            return None if context == "handler" else LOCAL
        if token is None:
            return None if context == "handler" else _refused(NOT_SIGNED_IN)
        if context == "signal":
            return _refused(SIGNAL_WITH_TOKEN)
        return self.staff(token, now, verified=context == "validator")

    def _link(self, text: str, now: datetime, secrets: Sequence[str], *, decided: bool) -> Caller:
        if not text.isascii():
            return _refused("this answer link is not valid")
        verdicts = []
        for secret in secrets:
            try:
                token = verify(text, secret, now)
            except BadToken as error:
                verdicts.append(str(error))
                continue
            return Caller(kind=CallerKind.LINK, link=token, decided=decided)
        reason = "has expired" if "expired" in verdicts else "is not valid"
        return _refused(f"this answer link {reason}")

    def staff(self, token: str, now: datetime, *, verified: bool) -> Caller:
        try:
            claims = self.claims(token, now) if verified else _unverified_claims(token)
        except (JoseError, ValueError) as error:
            return _refused(f"the sign-in token is not accepted: {_reason(error)}")
        email = str(claims.get("email") or claims.get("preferred_username") or "")
        roles = None
        if self.roles_claim:
            given = claims.get(self.roles_claim, [])
            roles = [str(r) for r in given] if isinstance(given, list) else []
        listed = person_in(self.directory, email) if self.directory else None
        return Caller(
            kind=CallerKind.STAFF,
            subject=str(claims.get("sub", "")),
            email=email,
            name=str(claims.get("name") or email),
            roles=roles,
            listed_as=listed.id if listed else "",
            listed_roles=sorted(listed.roles) if listed else [],
            decided=not verified,
        )

    def claims(self, token: str, now: datetime) -> dict[str, Any]:
        """The token's claims once its signature, issuer, audience and times hold."""
        decoded = jwt.decode(token, self.keys, algorithms=ALGORITHMS)
        registry = jwt.JWTClaimsRegistry(
            now=int(now.timestamp()),
            leeway=LEEWAY_SECONDS,
            iss={"essential": True, "value": self.issuer},
            aud={"essential": True, "value": self.audience},
            exp={"essential": True},
            sub={"essential": True},
        )
        registry.validate(decoded.claims)
        return dict(decoded.claims)

    # -- the provider's keys --------------------------------------------------------------

    async def load_keys(self, client: httpx.AsyncClient | None = None) -> None:
        """The provider's current keys (OpenID discovery, then its `jwks_uri`). Keys seen
        before are kept: a token signed a minute before a rotation still checks."""
        if self.local:
            return
        own = client is None
        http = client or httpx.AsyncClient(timeout=10)
        try:
            found = await http.get(f"{self.issuer.rstrip('/')}/.well-known/openid-configuration")
            found.raise_for_status()
            keys = await http.get(found.json()["jwks_uri"])
            keys.raise_for_status()
            fresh = KeySet.import_key_set(keys.json())
        except (httpx.HTTPError, KeyError, ValueError, JoseError) as error:
            raise ProviderUnreachable(
                f"the sign-in provider {self.issuer} did not give its keys: {error}"
            ) from None
        finally:
            if own:
                await http.aclose()
        known = {k.kid for k in fresh.keys}
        kept = [k for k in self.keys.keys if k.kid not in known]
        self.keys = KeySet([*fresh.keys, *kept])
        self.loaded_at = time.monotonic()

    async def keys_at_most(self, seconds: float) -> None:
        """For a service checking tokens on demand (the web's codec endpoint): keys loaded
        within `seconds`, so a rotation at the provider is seen without a restart."""
        if time.monotonic() - self.loaded_at > seconds:
            await self.load_keys()

    async def keep_keys_fresh(self, every: float = 600.0) -> None:
        while True:
            await asyncio.sleep(every)
            try:
                await self.load_keys()
            except ProviderUnreachable as error:
                log.warning("%s; the keys known so far stay in use", error)


def trust_of(settings: Any) -> Trust:
    auth, secret = settings.auth, settings.web.secret
    return Trust(
        issuer=auth.issuer,
        audience=auth.client_id,
        secret=secret.get_secret_value() if secret else "",
        old_secrets=tuple(s.get_secret_value() for s in settings.web.old_secrets),
        roles_claim=auth.roles_claim,
        directory=settings.staff,
    )


def _refused(why: str) -> Caller:
    return Caller(kind=CallerKind.REFUSED, refusal=why)


def _unverified_claims(token: str) -> dict[str, Any]:
    """An accepted update's token, read again on replay: its validator checked it then."""
    compact = jws.extract_compact(token.encode())
    claims = json.loads(compact.payload)
    if not isinstance(claims, dict):
        raise ValueError("not a claims object")
    return claims


def _reason(error: Exception) -> str:
    text = getattr(error, "description", "") or str(error) or type(error).__name__
    if "expired" in text or "exp" in text.split():
        return "it has expired; sign in again (`mieux login`)"
    if "signature" in text.lower() or "key" in text.lower():
        return "its signature does not match the provider's keys"
    return text


# -- the interceptor ----------------------------------------------------------------------


class ProofInterceptor(Interceptor):
    """Registered on every worker (`worker.main.build_worker`)."""

    def __init__(self, trust: Trust) -> None:
        # One class per worker, bound to its trust (not one per workflow run).
        self._inbound = type("Inbound", (_Inbound,), {"trust": trust})

    def workflow_interceptor_class(
        self, input: WorkflowInterceptorClassInput
    ) -> type[WorkflowInboundInterceptor] | None:
        return self._inbound


class _Inbound(WorkflowInboundInterceptor):
    trust: Trust

    def init(self, outbound: WorkflowOutboundInterceptor) -> None:
        super().init(_Outbound(outbound, self.trust))

    async def handle_signal(self, input: HandleSignalInput) -> None:
        await self._updates_first()
        caller = self._caller(input.headers, "signal", input.signal, input.args)
        with _acting(caller):
            await super().handle_signal(input)

    async def _updates_first(self) -> None:
        """Updates that came in the same task run first, in live and replayed runs alike
        (workflows/casework.py SIGNALS_AFTER_UPDATES); the caller is set only after."""
        if getattr(workflow.instance(), "signals_after_updates", False):
            await asyncio.sleep(0)

    def handle_update_validator(self, input: HandleUpdateInput) -> None:
        caller = self._caller(input.headers, "validator", input.update, input.args)
        with _acting(caller):
            super().handle_update_validator(input)

    async def handle_update_handler(self, input: HandleUpdateInput) -> Any:
        caller = self._caller(input.headers, "handler", input.update, input.args)
        with _acting(caller):
            try:
                return await super().handle_update_handler(input)
            except CommandRefused as refused:
                # The validator took it, then something in the same moment ended or held the
                # Action (or, replayed with no cache, a later job ran first: sdk-python
                # #1591): the update is refused, never a workflow task failure that would
                # block the Action.
                raise ApplicationError(
                    str(refused), type="CommandRefused", non_retryable=True
                ) from None

    def _caller(
        self, headers: Mapping[str, Payload], context: Context, name: str, args: Sequence[Any]
    ) -> Caller | None:
        return self.trust.caller(
            headers,
            workflow.now(),
            context,
            workflow.info().workflow_id,
            name,
            args,
            replaying=workflow.unsafe.is_replaying(),
        )


@contextlib.contextmanager
def _acting(caller: Caller | None) -> Iterator[None]:
    instance = workflow.instance()
    if not hasattr(instance, "_caller"):  # a workflow that checks no sender
        yield
        return
    instance._caller = caller
    try:
        yield
    finally:
        instance._caller = None


class _Outbound(WorkflowOutboundInterceptor):
    def __init__(self, next: WorkflowOutboundInterceptor, trust: Trust) -> None:
        super().__init__(next)
        self.trust = trust

    async def signal_external_workflow(self, input: SignalExternalWorkflowInput) -> None:
        if self.trust.secret:
            input = replace(input, headers=self._signed(input, input.workflow_id))
        await super().signal_external_workflow(input)

    async def signal_child_workflow(self, input: SignalChildWorkflowInput) -> None:
        if self.trust.secret:
            input = replace(input, headers=self._signed(input, input.child_workflow_id))
        await super().signal_child_workflow(input)

    def _signed(self, input: Any, workflow_id: str) -> dict[str, Payload]:
        signature = internal_signature(self.trust.secret, workflow_id, input.signal, input.args)
        return {**input.headers, HEADER_INTERNAL: header(signature)}

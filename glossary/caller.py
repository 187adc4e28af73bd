"""Who sends a command, as the worker proved it (docs/security.md).

The worker's interceptor reads the proof a command carries in its Temporal headers (a staff
member's signed OpenID Connect token, an answer link signed with the workers' secret, or the
workers' own signature on a message between an Action and its activities) and hands the
workflow a `Caller`. The workflow never sees a credential, only what was proven; it decides
with `workflows.permissions` whether that caller may send that command now.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from glossary.answers import AnswerToken


class CallerKind(StrEnum):
    LOCAL = "local"  # `mieux dev` without a provider: the one local user holds every role
    STAFF = "staff"  # a staff member signed in through the organisation's provider
    LINK = "link"  # someone outside the team, through the answer link of a notice
    INTERNAL = "internal"  # the Action and its activities, signed with the workers' secret
    REFUSED = "refused"  # no proof, or one that does not hold: `refusal` says why


class Caller(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: CallerKind
    subject: str = Field(default="", description="the provider's `sub`")
    email: str = ""
    name: str = ""
    # Roles from the token's group claim (`auth.roles_claim`); None: from the directory.
    roles: list[str] | None = None
    # Who the deployment's own directory says this is (the workers' settings): what the
    # register of requests checks, before any Action's directory exists.
    listed_as: str = ""
    listed_roles: list[str] = []
    link: AnswerToken | None = None
    refusal: str = ""
    # In an update's handler the validator has already decided; only the identity is read
    # (validators do not run on replay, handlers do).
    decided: bool = False


LOCAL = Caller(kind=CallerKind.LOCAL)

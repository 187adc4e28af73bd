"""People an Action talks to: staff, PSG members, experts, focal points, partners."""

from __future__ import annotations

import re
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator

from glossary.languages import Language

# Addresses are checked here, at the boundary, so a bad one is refused when the data enters,
# not when a reminder is due weeks later. Deliberately strict: ASCII local part and domain.
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
_NO_CONTROL = re.compile(r"^[^\x00-\x1f\x7f]*$")
# RFC 2047 encoded words: the email package decodes one inside a display name and writes
# what it decodes to, raw, into the header (a CR/LF there plants a header of one's choice).
_ENCODED_WORD = re.compile(r"=\?[^?\s]*\?[bBqQ]\?[^?\s]*\?=")


def check_email(value: str) -> str:
    if not _EMAIL.match(value) or len(value) > 254:
        raise ValueError(f"{value!r} is not a valid email address")
    return value


def check_display_name(value: str) -> str:
    """Text that goes into a mail header (a name, a subject): no control character, and no
    encoded word that could decode to one."""
    if not _NO_CONTROL.match(value):
        raise ValueError("names must not contain line breaks or control characters")
    if _ENCODED_WORD.search(value):
        raise ValueError("names must not contain MIME encoded words (=?charset?q?...?=)")
    return value


def check_timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{value!r} is not an IANA time zone (e.g. Africa/Nairobi)") from None
    return value


class Contact(BaseModel):
    """Someone reachable by email: a partner focal point, an EUDEL contact."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=120)
    email: str = Field(max_length=254)  # RFC 5321's longest path
    timezone: str = Field(default="UTC", max_length=64)
    # What they are written to in; None: the default of their country (glossary/languages).
    language: Language | None = None

    _email = field_validator("email")(check_email)
    _name = field_validator("name")(check_display_name)
    _tz = field_validator("timezone")(check_timezone)


class StaffMember(Contact):
    id: str = Field(min_length=1, max_length=60)


class StaffDirectory(BaseModel):
    """Who gets what (DOMAIN.md §4 `staff.*`), captured in each Action's input."""

    model_config = ConfigDict(extra="forbid")

    programme_manager: StaffMember
    programme_director: StaffMember
    psg: dict[str, list[StaffMember]] = Field(
        description="PSG member body (DG_INTPA, DG_HOME, EEAS) -> its people"
    )
    project_officers: list[StaffMember] = Field(min_length=1)
    ec_services: list[StaffMember] = Field(
        default=[], description="EC services consulted on the Action Fiche with the EUDEL"
    )
    administrators: list[StaffMember] = Field(
        default=[], description="run the deployment: may hold and resume, nothing else"
    )

    default_officers: dict[str, str] = Field(
        default={},
        description="region -> the staff id of the officer a request without one goes to",
    )

    def members(self) -> list[StaffMember]:
        """Everyone the directory lists, once per place they are listed."""
        return [
            self.programme_manager,
            self.programme_director,
            *self.project_officers,
            *self.ec_services,
            *self.administrators,
            *(member for members in self.psg.values() for member in members),
        ]

    def officer(self, staff_id: str | None, region: str = "") -> StaffMember:
        """The named officer; else the region's default officer; else the first one."""
        wanted = staff_id or self.default_officers.get(region)
        for member in self.project_officers:
            if member.id == wanted:
                return member
        return self.project_officers[0]

    def unknown_officer(self, staff_id: str | None) -> str:
        """Why `staff_id` names no project officer, or "" when it does (or is absent)."""
        known = [o.id for o in self.project_officers]
        if staff_id is None or staff_id in known:
            return ""
        return f"{staff_id!r} is not a project officer (officers: {', '.join(known)})"


class ExpertCategory(StrEnum):
    EU_MS_OFFICIAL = "EU MS official"
    NON_EU_OFFICIAL = "non-EU official"
    ACADEMIC_NGO = "academic/NGO"
    CONSULTANT = "consultant"


class FocalPoint(Contact):
    id: str = Field(min_length=1, max_length=40)
    member_state: str = Field(description="EU Member State or partner institution")


class Expert(Contact):
    id: str = Field(min_length=1, max_length=40)
    nationality: str
    administration: str = ""
    category: ExpertCategory = ExpertCategory.EU_MS_OFFICIAL
    expertise: list[str] = []
    languages: list[str] = []
    focal_point_id: str | None = None


# The MIEUX team: their notices carry the `mieux` command that answers them; everyone else
# (partner, EUDEL, EC services, PSG members, experts, focal points) replies to the officer.
STAFF_ROLES = frozenset({"project_officer", "programme_manager", "programme_director"})


class Recipient(BaseModel):
    """One addressee of a notice, as the workflow knows it (role + id + time zone).

    The email travels with it so the activity can send without a look-up; payloads are
    the only place it appears (never search attributes or logs).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    role: str = Field(description="project_officer, programme_manager, psg:EEAS, expert, ...")
    id: str
    name: str
    email: str
    timezone: str = "UTC"
    # Outsiders' notices are written in it; the team's stay English.
    language: Language = Language.EN

    @classmethod
    def of(cls, role: str, person: Contact, person_id: str | None = None) -> Recipient:
        return cls(
            role=role,
            id=person_id or getattr(person, "id", role),
            name=person.name,
            email=person.email,
            timezone=person.timezone,
            language=person.language or Language.EN,
        )

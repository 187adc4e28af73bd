"""A request for assistance, as registered at intake (DOMAIN.md §5, SEEDS-EXTRACT §4.1)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from glossary.bounds import FEW, SOME, Word
from glossary.languages import language_of_country
from glossary.names import Region, Theme
from glossary.people import Contact, check_display_name


class Channel(StrEnum):
    EMAIL = "email"
    POST = "post"
    FAX = "fax"
    WEB = "web"


class ReceivedVia(StrEnum):
    MIEUX_TEAM = "MIEUX team"
    EU_DELEGATION = "EU Delegation"


class RequesterType(StrEnum):
    NATIONAL_AUTHORITY = "national central authority"
    REGIONAL_ORGANISATION = "regional organisation"
    JOINT_MULTI_COUNTRY = "joint multi-country"
    LOCAL_AUTHORITY = "local authority"
    OMBUDSPERSON = "ombudsperson"
    PARLIAMENT = "parliamentary body"
    JUDICIARY = "judicial body"
    CSO = "CSO/NGO"


class EligibilityInstrument(StrEnum):
    DCI = "DCI"
    EDF = "EDF"
    ENI = "ENI"
    OAD = "Overseas Association Decision"


class RequestingAuthority(BaseModel):
    model_config = ConfigDict(extra="forbid")

    institution: str = Field(min_length=2, max_length=200)
    country: str = Field(min_length=2, max_length=80)
    type: RequesterType = RequesterType.NATIONAL_AUTHORITY


class Request(BaseModel):
    """What a partner authority asks for; the reference is allocated on submission."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=2, max_length=120, description='e.g. "Cabo Verde IV"')
    _name = field_validator("name")(check_display_name)
    received_on: date = Field(
        ge=date(2009, 1, 1), description="MIEUX took its first request in 2009"
    )
    channel: Channel = Channel.EMAIL
    received_via: ReceivedVia = ReceivedVia.MIEUX_TEAM
    requesting_authorities: list[RequestingAuthority] = Field(min_length=1, max_length=FEW)
    countries: list[Word] = Field(min_length=1, max_length=FEW, description="countries covered")
    region: Region
    themes: list[Theme] = Field(min_length=1, max_length=FEW)
    topic: str = Field(min_length=2, max_length=200, description='e.g. "migration data"')
    eligibility_instrument: EligibilityInstrument = EligibilityInstrument.DCI
    previous_requests: list[Word] = Field(default=[], max_length=SOME)
    description: str = Field(default="", max_length=5000)
    partner_focal_point: Contact
    eudel_contact: Contact | None = None
    project_officer: str | None = Field(
        default=None,
        max_length=60,
        description="staff id; the default officer of the region when absent",
    )

    @property
    def country(self) -> str:
        return self.countries[0]

    @model_validator(mode="after")
    def _languages_of_the_country(self) -> Request:
        """The partner and the EU Delegation are written to in the country's working
        language unless the request says otherwise (glossary/languages.py)."""
        default = language_of_country(self.country)
        if self.partner_focal_point.language is None:
            self.partner_focal_point = self.partner_focal_point.model_copy(
                update={"language": default}
            )
        if self.eudel_contact is not None and self.eudel_contact.language is None:
            self.eudel_contact = self.eudel_contact.model_copy(update={"language": default})
        return self


__all__ = [
    "Channel",
    "EligibilityInstrument",
    "ReceivedVia",
    "Region",
    "Request",
    "RequesterType",
    "RequestingAuthority",
    "Theme",
]

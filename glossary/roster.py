"""The Expert and Action Roster as workflows and staff see it (DOMAIN.md §3 "Expert
mobilisation", §5 Expert and Focal point).

The roster itself lives in a database behind the roster activities; these are the shapes that
cross the activity boundary and the import file's rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from glossary.action import PlannedActivity
from glossary.people import Expert, FocalPoint, Recipient

REFERENCE_PATTERN = r"^\d{4}-\d{2,3}$"
ROSTER_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"


class Period(BaseModel):
    """Inclusive dates, as activities are planned (start and end day both count)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    start: date
    end: date

    @model_validator(mode="after")
    def _in_order(self) -> Period:
        if self.end < self.start:
            raise ValueError(f"period ends ({self.end}) before it starts ({self.start})")
        return self

    def overlaps(self, start: date, end: date) -> bool:
        return self.start <= end and start <= self.end


class PastDeployment(Period):
    """A deployment the roster already knows of: it blocks its dates and counts as experience."""

    reference: str = Field(pattern=REFERENCE_PATTERN)
    activity: int = Field(default=0, ge=0, le=99)
    theme: str = ""


class RosterFocalPoint(FocalPoint):
    """One focal point as imported."""

    id: str = Field(min_length=1, max_length=40, pattern=ROSTER_ID_PATTERN)
    member_state: str = Field(min_length=2, max_length=120)


Label = Annotated[str, Field(min_length=1, max_length=120)]


class RosterExpert(Expert):
    """One expert as imported: the glossary Expert plus what mobilisation checks."""

    id: str = Field(min_length=1, max_length=40, pattern=ROSTER_ID_PATTERN)
    nationality: str = Field(min_length=2, max_length=80)
    administration: str = Field(default="", max_length=200)
    expertise: list[Label] = []
    languages: list[Annotated[str, Field(min_length=2, max_length=60)]] = []
    unavailable: list[Period] = []
    deployments: list[PastDeployment] = []
    conflicts: list[Label] = Field(
        default=[],
        description="declared conflicts of interest: Action references or countries",
    )


class CandidateQuery(BaseModel):
    """Who could serve on one activity (DOMAIN.md §3): matching expertise and language,
    free on the dates, not excluded, no declared conflict with the Action, the activity's
    country or any partner country of the Action (a study visit in Spain for Morocco is
    still about Morocco)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    reference: str = Field(pattern=REFERENCE_PATTERN)
    activity: int | None = Field(default=None, ge=1, le=99)
    expertise: list[str] = Field(default=[], description="themes or expertise areas, any match")
    languages: list[str] = Field(default=[], description="working languages, any match")
    start: date
    end: date
    country: str = Field(default="", description="the activity's country, for conflicts")
    partner_countries: list[str] = Field(
        default=[], description="the Action's partner countries, for conflicts"
    )
    exclude: list[str] = Field(default=[], description="expert ids already tried")
    limit: int = Field(default=10, ge=1, le=100)

    @model_validator(mode="after")
    def _dates_in_order(self) -> CandidateQuery:
        if self.end < self.start:
            raise ValueError(f"the query ends ({self.end}) before it starts ({self.start})")
        return self

    @classmethod
    def for_activity(
        cls,
        reference: str,
        activity: PlannedActivity,
        *,
        themes: Iterable[str] = (),
        exclude: Iterable[str] = (),
        limit: int = 10,
        partner_countries: Iterable[str] = (),
    ) -> CandidateQuery:
        """The query for a planned activity: its expertise, else the Action's themes."""
        return cls(
            reference=reference,
            activity=activity.number,
            expertise=list(activity.expertise) or list(themes),
            languages=list(activity.languages),
            start=activity.start,
            end=activity.end,
            country=activity.country,
            partner_countries=list(partner_countries),
            exclude=list(exclude),
            limit=limit,
        )


class Candidate(BaseModel):
    """A ranked match: ids and scores only, so it can sit in workflow history and logs."""

    model_config = ConfigDict(frozen=True)

    expert_id: str
    score: float
    timezone: str = "UTC"
    focal_point_id: str | None = None
    matched_expertise: list[str] = []
    matched_languages: list[str] = []
    past_deployments: int = 0


class Reservation(BaseModel):
    """An expert held for one activity's dates; (expert, reference, activity) identifies it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    expert_id: str = Field(min_length=1, max_length=40)
    reference: str = Field(pattern=REFERENCE_PATTERN)
    activity: int = Field(ge=1, le=99)
    start: date
    end: date
    theme: str = Field(
        default="", max_length=120, description="recorded with the deployment, for ranking"
    )

    @classmethod
    def of(
        cls, expert_id: str, reference: str, activity: PlannedActivity, themes: Iterable[str]
    ) -> Reservation:
        """Held for `activity`'s dates, under its first expertise (else the Action's theme)."""
        return cls(
            expert_id=expert_id,
            reference=reference,
            activity=activity.number,
            start=activity.start,
            end=activity.end,
            theme=([*activity.expertise] or [*themes] or [""])[0],
        )

    @model_validator(mode="after")
    def _dates_in_order(self) -> Reservation:
        if self.end < self.start:
            raise ValueError(f"the reservation ends ({self.end}) before it starts ({self.start})")
        return self


class ReservationOutcome(BaseModel):
    model_config = ConfigDict(frozen=True)

    won: bool
    reason: str = Field(default="", description="why not, when lost: ids and dates only")


class ExpertContact(BaseModel):
    """Whom to write to about an expert: the expert and the focal point that relays to them."""

    model_config = ConfigDict(frozen=True)

    expert: Recipient
    focal_point: Recipient | None = None


class RejectedRow(BaseModel):
    model_config = ConfigDict(frozen=True)

    row: int = Field(description="1-based: the CSV line (header is line 1) or the JSON item")
    kind: str = Field(default="", description="expert or focal_point")
    record_id: str = ""
    reason: str


class ImportReport(BaseModel):
    source: str
    experts: int = 0
    focal_points: int = 0
    rejected: list[RejectedRow] = []

    @property
    def ok(self) -> bool:
        return not self.rejected

    def __str__(self) -> str:
        return self.summary().splitlines()[0]

    def summary(self) -> str:
        lines = [
            f"{self.source}: {self.experts} experts and {self.focal_points} focal points "
            f"imported, {len(self.rejected)} rows rejected"
        ]
        lines += [
            f"  row {r.row}: {' '.join(p for p in (r.kind, r.record_id) if p) or 'record'}: "
            f"{r.reason}"
            for r in self.rejected
        ]
        return "\n".join(lines)

"""The Action Fiche and its planned activities (DOMAIN.md §3 stage 2, §5)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from glossary.bounds import FEW, SOME, Line, Word
from glossary.languages import Language
from glossary.people import Contact, check_display_name
from glossary.phrases import N_


class ActivityType(StrEnum):
    FACT_FINDING_MISSION = "fact-finding mission"
    ASSESSMENT = "assessment"
    INFORMATION_SESSION = "information session"
    WORKSHOP = "workshop"
    DRAFTING_SESSION = "drafting session"
    TRAINING = "training"
    STUDY_VISIT = "study visit"
    REMOTE_SUPPORT = "remote support"
    CONFERENCE = "conference"
    ROUND_TABLE = "round table"
    VALIDATION_EVENT = "validation event"
    OTHER = "other"


# The types as msgids for the catalogs: an outsider reads "atelier", "visite d'étude".
ACTIVITY_TYPE_MSGIDS = (
    N_("fact-finding mission"), N_("assessment"), N_("information session"), N_("workshop"),
    N_("drafting session"), N_("training"), N_("study visit"), N_("remote support"),
    N_("conference"), N_("round table"), N_("validation event"), N_("other"),
)  # fmt: skip


class PlannedActivity(BaseModel):
    model_config = ConfigDict(extra="forbid")

    number: int = Field(ge=1, le=99)
    type: ActivityType
    title: str = Field(min_length=2, max_length=200)
    country: str = Field(default="", max_length=80)
    city: str = Field(default="", max_length=80, description='empty or "remote" for remote support')
    # They go into notice subjects, hence mail headers.
    _header_text = field_validator("title", "country", "city")(check_display_name)
    start: date
    end: date
    experts_needed: int | None = Field(
        default=None, ge=0, le=10, description="empty: the policy's experts_per_activity"
    )
    expertise: list[Word] = Field(default=[], max_length=FEW)
    languages: list[Word] = Field(default=["English"], max_length=FEW)
    interpretation: str = Field(
        default="",
        max_length=120,
        description='e.g. "French-English, consecutive"; empty: none needed',
    )
    optional: bool = False
    depends_on: list[int] = Field(
        default=[], description="activities that must be delivered before this one starts"
    )

    @model_validator(mode="after")
    def _dates_in_order(self) -> PlannedActivity:
        if self.end < self.start:
            raise ValueError(f"activity {self.number}: end {self.end} is before start {self.start}")
        return self

    @property
    def place(self) -> str:
        return ", ".join(p for p in (self.city, self.country) if p) or "remote"


def _dependencies_come_first(activities: list[PlannedActivity]) -> None:
    """An activity can only depend on one that starts before it: no cycle, no waiting for a
    later activity, no unknown one."""
    by_number = {a.number: a for a in activities}
    for activity in activities:
        for number in activity.depends_on:
            before = by_number.get(number)
            if before is None:
                raise ValueError(
                    f"activity {activity.number} depends on activity {number}, which is not planned"
                )
            if before.start >= activity.start:
                raise ValueError(
                    f"activity {activity.number} ({activity.start}) depends on activity"
                    f" {number}, which does not start before it ({before.start})"
                )


class ActivityPlan(BaseModel):
    model_config = ConfigDict(extra="forbid")

    activities: list[PlannedActivity] = Field(min_length=1, max_length=SOME)

    @model_validator(mode="after")
    def _numbers_unique(self) -> ActivityPlan:
        numbers = [a.number for a in self.activities]
        if len(numbers) != len(set(numbers)):
            raise ValueError("activity numbers must be unique")
        return self


class ActionFiche(BaseModel):
    """Drafted jointly with the requester within three weeks of intake acceptance."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=2, max_length=200)
    _title = field_validator("title")(check_display_name)
    objective: str = Field(min_length=2, max_length=5000)
    intervention_logic: str = Field(default="", max_length=20000)
    institutional_framework: str = Field(default="", max_length=20000)
    activities: list[PlannedActivity] = Field(min_length=1, max_length=SOME)
    expected_outputs: list[Line] = Field(default=[], max_length=SOME)
    two_step: bool = Field(
        default=False, description="a fact-finding mission first, the rest planned after it"
    )
    eudel_contact: Contact | None = None
    # The language the Action works in with the partner (its documents, its sessions);
    # empty: the partner's. Interpretation, where needed, is set per activity.
    working_language: Language | None = None

    @model_validator(mode="after")
    def _plan_is_consistent(self) -> ActionFiche:
        ActivityPlan(activities=self.activities)
        _dependencies_come_first(self.activities)
        if self.two_step and self.activities[0].type != ActivityType.FACT_FINDING_MISSION:
            raise ValueError("a two-step Action starts with a fact-finding mission")
        return self

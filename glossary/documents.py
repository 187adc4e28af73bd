"""The documents an Action produces (DOMAIN.md §3): what a workflow asks for and the reference
it keeps. The bytes live in the document store; workflow history holds only `DocumentRef`s."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from glossary.action import ActionFiche, PlannedActivity
from glossary.languages import Language
from glossary.roster import REFERENCE_PATTERN, ROSTER_ID_PATTERN
from glossary.status import ActionStatus, ActivityView


class DocumentKind(StrEnum):
    ACTION_FICHE = "action_fiche"
    EXPERT_INVITATION = "expert_invitation"
    ACTIVITY_REPORT = "activity_report"
    FINAL_REPORT = "final_report"
    KPI_REPORT = "kpi_report"
    PUBLIC_SUMMARY = "public_summary"  # for the programme's website: no people, no votes


KpiValue = int | float | str


class DocumentRequest(BaseModel):
    """Typed data for one document; which fields are needed depends on the kind.

    `prepared_on` comes from the workflow (its `workflow.now()`), so a retried activity
    renders the same content and lands on the same content-addressed version.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: DocumentKind
    reference: str = Field(pattern=REFERENCE_PATTERN)
    action_title: str = Field(min_length=1, max_length=200)
    country: str = ""
    prepared_on: date | None = None
    fiche: ActionFiche | None = Field(default=None, description="action_fiche, invitation")
    fiche_version: int | None = Field(default=None, ge=1, description="action_fiche: its version")
    activity_number: int | None = Field(default=None, ge=1, le=99, description="invitation")
    planned: PlannedActivity | None = Field(
        default=None,
        description="invitation: the activity as planned now (an amended plan may differ from "
        "the Fiche); looked up in the Fiche by activity_number when absent",
    )
    expert_id: str | None = Field(default=None, max_length=40, pattern=ROSTER_ID_PATTERN)
    expert_name: str = Field(default="", max_length=120)
    respond_by: date | None = Field(default=None, description="invitation: answer by")
    # The reader's language: the invitation is written in the expert's (issue 23).
    language: Language = Language.EN
    activity: ActivityView | None = Field(default=None, description="activity report")
    outputs: list[str] = Field(default=[], description="activity report: outputs produced")
    status: ActionStatus | None = Field(default=None, description="final report")
    officer_name: str = Field(
        default="", max_length=120, description="final report: the project officer, by name"
    )
    kpi: dict[str, KpiValue] = Field(default={}, description="KPI report: indicator -> value")
    period: str = Field(default="", max_length=80, description="KPI report: e.g. 2026-Q2")
    institutions: list[str] = Field(default=[], description="public summary: the requesters")

    @model_validator(mode="after")
    def _has_what_its_kind_needs(self) -> DocumentRequest:
        missing = {
            DocumentKind.ACTION_FICHE: self.fiche is None,
            DocumentKind.EXPERT_INVITATION: self.fiche is None
            or (self.activity_number is None and self.planned is None)
            or self.expert_id is None,
            DocumentKind.ACTIVITY_REPORT: self.activity is None,
            DocumentKind.FINAL_REPORT: self.status is None,
            DocumentKind.KPI_REPORT: not self.kpi,
            DocumentKind.PUBLIC_SUMMARY: self.status is None,
        }[self.kind]
        if missing:
            raise ValueError(f"{self.kind} needs {_NEEDS[self.kind]}")
        if self.kind == DocumentKind.EXPERT_INVITATION:
            self.planned_activity()
        return self

    def planned_activity(self) -> PlannedActivity:
        """The activity an invitation is for: as given, else from the Fiche."""
        if self.planned is not None:
            return self.planned
        assert self.fiche is not None
        for planned in self.fiche.activities:
            if planned.number == self.activity_number:
                return planned
        raise ValueError(f"the Action Fiche has no activity {self.activity_number}")


_NEEDS = {
    DocumentKind.ACTION_FICHE: "fiche",
    DocumentKind.EXPERT_INVITATION: "fiche, activity_number (or planned) and expert_id",
    DocumentKind.ACTIVITY_REPORT: "activity",
    DocumentKind.FINAL_REPORT: "status",
    DocumentKind.KPI_REPORT: "a non-empty kpi",
    DocumentKind.PUBLIC_SUMMARY: "status",
}


class DocumentRef(BaseModel):
    """One stored version. Paths are relative to the document store; the file names carry the
    sha256 of the Markdown content, so the same content is always the same reference."""

    model_config = ConfigDict(frozen=True)

    kind: DocumentKind
    reference: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    docx_path: str
    markdown_path: str
    label: str = Field(default="", description='for people, e.g. "Action Fiche v2"')
    html_path: str = Field(default="", description="public summary: the web page")

    @property
    def version(self) -> str:
        return self.sha256[:12]

"""What each document says, from the typed data a workflow passes (DOMAIN.md §3, §5)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from activities.document_render import Block, Bullets, Content, Facts, Heading, Paragraph, Table
from activities.public_summary import public_summary
from glossary.action import PlannedActivity
from glossary.catalogs import gettext_for, write_date
from glossary.documents import DocumentKind, DocumentRequest
from glossary.languages import LANGUAGE_NAMES, Language
from glossary.names import VOTE_WORDS, body_name, stage_words
from glossary.status import ActivityView


def content_of(request: DocumentRequest) -> Content:
    """The blocks of the requested document; ValueError when the request is inconsistent."""
    return _BUILDERS[request.kind](request)


def _action_fiche(request: DocumentRequest) -> Content:
    """In the Action's working language (the partner's, unless the Fiche says otherwise):
    the labels are translated, the Fiche's own text is as it was written."""
    fiche = request.fiche
    assert fiche is not None
    _ = gettext_for(request.language)
    day = _written_day(request.language)
    working = (
        _(LANGUAGE_NAMES[fiche.working_language]) if fiche.working_language else _("the partner's")
    )
    blocks: list[Block] = [
        Facts(
            (
                (_("Reference"), f"MIEUX {request.reference}"),
                (_("Action"), request.action_title),
                (_("Version"), str(request.fiche_version or 1)),
                (_("Country"), request.country or "-"),
                (
                    _("Two-step Action"),
                    _("yes, fact-finding first") if fiche.two_step else _("no"),
                ),
                (_("EUDEL contact"), fiche.eudel_contact.name if fiche.eudel_contact else "-"),
                (_("Working language"), working),
                (_("Prepared on"), day(request.prepared_on)),
            )
        ),
        Heading(_("Objective")),
        Paragraph(fiche.objective),
    ]
    if fiche.intervention_logic:
        blocks += [Heading(_("Intervention logic")), Paragraph(fiche.intervention_logic)]
    if fiche.institutional_framework:
        blocks += [Heading(_("Institutional framework")), Paragraph(fiche.institutional_framework)]
    optional = _(" (optional)")
    blocks += [
        Heading(_("Planned activities")),
        Table(
            (
                _("No."),
                _("Type"),
                _("Title"),
                _("Place"),
                _("Dates"),
                _("Experts"),
                _("Expertise"),
                _("Languages"),
            ),
            tuple(
                (
                    str(a.number),
                    f"{_(a.type.value)}{optional if a.optional else ''}",
                    a.title,
                    a.place,
                    _short_dates(a.start, a.end)
                    if request.language == Language.EN
                    else _("{start} to {end}").format(start=day(a.start), end=day(a.end)),
                    _("policy default") if a.experts_needed is None else str(a.experts_needed),
                    ", ".join(a.expertise) or "-",
                    (", ".join(a.languages) or "-")
                    + (
                        _("; interpretation: {what}").format(what=a.interpretation)
                        if a.interpretation
                        else ""
                    ),
                )
                for a in fiche.activities
            ),
        ),
        Heading(_("Expected outputs")),
        Bullets(tuple(fiche.expected_outputs)),
    ]
    return Content(
        _("Action Fiche: {title}").format(title=fiche.title),
        request.reference,
        tuple(blocks),
        language=request.language,
    )


def _expert_invitation(request: DocumentRequest) -> Content:
    """In the expert's language: it is theirs to sign off (issue 23)."""
    fiche = request.fiche
    assert fiche is not None and request.expert_id is not None
    activity = request.planned_activity()
    _ = gettext_for(request.language)
    day = _written_day(request.language)
    greeting = (
        _("Dear {name},").format(name=request.expert_name)
        if request.expert_name
        else _("Dear expert,")
    )
    dates = (
        day(activity.start)
        if activity.start == activity.end
        else _("{start} to {end}").format(start=day(activity.start), end=day(activity.end))
    )
    kind = _(activity.type.value)
    blocks: tuple[Block, ...] = (
        Paragraph(greeting),
        Paragraph(
            _(
                "MIEUX invites you, through your focal point, to contribute as an expert to"
                " activity {number} of MIEUX Action {reference} ({title}). Please confirm or"
                " decline by {due}."
            ).format(
                number=activity.number,
                reference=request.reference,
                title=request.action_title,
                due=day(request.respond_by),
            )
        ),
        Facts(
            (
                (_("Reference"), f"MIEUX {request.reference}"),
                (_("Expert"), request.expert_id),
                (_("Activity"), f"{activity.number}: {activity.title}"),
                (_("Type"), kind),
                (_("Place"), activity.place),
                (_("Dates"), dates),
                (_("Working languages"), ", ".join(activity.languages) or "-"),
                (_("Interpretation"), activity.interpretation or _("none needed")),
                (_("Expertise sought"), ", ".join(activity.expertise) or "-"),
                (_("Answer by"), day(request.respond_by)),
            )
        ),
        Heading(_("Terms of reference")),
        Heading(_("Background"), level=3),
        Paragraph(fiche.objective),
        Heading(_("Tasks"), level=3),
        Bullets(_tasks(activity, kind, _)),
        Heading(_("Expected outputs"), level=3),
        Bullets(tuple(fiche.expected_outputs)),
    )
    return Content(
        _("Invitation and terms of reference: MIEUX {reference}, activity {number}").format(
            reference=request.reference, number=activity.number
        ),
        request.reference,
        blocks,
        language=request.language,
    )


def _tasks(activity: PlannedActivity, kind: str, _: Callable[[str], str] = str) -> tuple[str, ...]:
    return (
        _("Prepare the {type} with the MIEUX team and the partner institution").format(type=kind),
        _("Deliver the {type} at {place} on the dates above").format(
            type=kind, place=activity.place
        ),
        _("Share materials and presentations with the MIEUX team"),
        _("Contribute to the completion report within 7 days after the activity ends"),
    )


def _written_day(language: str) -> Callable[[date | None], str]:
    if language == Language.EN:
        return _day
    write = write_date(language)
    return lambda value: write(value, "date") if value else "-"


def _activity_report(request: DocumentRequest) -> Content:
    view = request.activity
    assert view is not None
    blocks: tuple[Block, ...] = (
        Facts(
            (
                ("Reference", f"MIEUX {request.reference}"),
                ("Action", request.action_title),
                ("Activity", f"{view.number}: {view.title}"),
                ("Type", view.type),
                ("Place", view.place),
                ("Dates", _dates(view.start, view.end)),
                ("Stage", view.stage),
                ("Participants", _count(view.participants)),
                ("Women", _count(view.women)),
                ("Men", _count(view.men)),
                ("Prepared on", _day(request.prepared_on)),
            )
        ),
        Heading("Experts"),
        Table(
            ("Expert", "State"),
            tuple((slot.expert_id, slot.state) for slot in view.experts),
        ),
        Heading("Outputs"),
        Bullets(tuple(request.outputs)),
        Heading("Evaluation"),
        _scores(view),
        Heading("Notes"),
        Paragraph(view.note or "-"),
    )
    return Content(
        f"Activity report: MIEUX {request.reference}, activity {view.number}",
        request.reference,
        blocks,
    )


def _final_report(request: DocumentRequest) -> Content:
    status = request.status
    assert status is not None
    held = [a for a in status.activities if a.participants is not None]
    blocks: tuple[Block, ...] = (
        Facts(
            (
                ("Reference", f"MIEUX {status.reference}"),
                ("Action", status.name),
                ("Country", status.country),
                ("Region", status.region),
                ("Themes", ", ".join(status.themes)),
                ("Project officer", request.officer_name or status.project_officer),
                ("Received on", _day(status.received_on)),
                ("Stage", stage_words(str(status.stage))),
                ("Action Fiche version", str(status.fiche_version)),
                ("Outcome", status.outcome or "-"),
                ("Prepared on", _day(request.prepared_on)),
            )
        ),
        Heading("Activities"),
        Table(
            (
                "No.",
                "Type",
                "Title",
                "Place",
                "Dates",
                "Stage",
                "Participants (women/men)",
                "Evaluation",
            ),
            tuple(
                (
                    str(a.number),
                    a.type,
                    a.title,
                    a.place,
                    _dates(a.start, a.end),
                    a.stage,
                    f"{_count(a.participants)} ({_count(a.women)}/{_count(a.men)})",
                    _scores_text(a.evaluation),
                )
                for a in status.activities
            ),
        ),
        Heading("Totals"),
        Facts(
            (
                ("Activities planned", str(len(status.activities))),
                ("Activities with a completion report", str(len(held))),
                ("Participants", str(sum(a.participants or 0 for a in held))),
                ("Women", str(sum(a.women or 0 for a in held))),
                ("Men", str(sum(a.men or 0 for a in held))),
            )
        ),
        Heading("Project Steering Group"),
        Table(
            ("Round", "Member", "Decision", "Comment"),
            tuple(
                (
                    str(v.round),
                    body_name(v.member),
                    VOTE_WORDS.get(v.decision, v.decision),
                    v.comment,
                )
                for v in status.psg_votes
            ),
        ),
        # The stages as a programme reports them (issue 21: not a dump of the audit log).
        Heading("Milestones"),
        Table(
            ("Stage", "From", "To", "Working days"),
            tuple(
                (
                    stage_words(str(span.stage)),
                    _day(span.entered.date()),
                    _day(span.left.date()) if span.left else "-",
                    f"{span.days(span.left):.0f}" if span.left else "-",
                )
                for span in status.stages
            ),
        ),
    )
    return Content(f"Final report: {status.title}", request.reference, blocks)


def _kpi_report(request: DocumentRequest) -> Content:
    blocks: tuple[Block, ...] = (
        Facts(
            (
                ("Reference", f"MIEUX {request.reference}"),
                ("Action", request.action_title),
                ("Period", request.period or "-"),
                ("Prepared on", _day(request.prepared_on)),
            )
        ),
        Heading("Indicators"),
        Table(
            ("Indicator", "Value"),
            tuple((name, _value(value)) for name, value in request.kpi.items()),
        ),
    )
    return Content(f"KPI report: MIEUX {request.reference}", request.reference, blocks)


def _public_summary(request: DocumentRequest) -> Content:
    assert request.status is not None
    return public_summary(request.status, request.institutions)


_BUILDERS: dict[DocumentKind, Callable[[DocumentRequest], Content]] = {
    DocumentKind.ACTION_FICHE: _action_fiche,
    DocumentKind.EXPERT_INVITATION: _expert_invitation,
    DocumentKind.ACTIVITY_REPORT: _activity_report,
    DocumentKind.FINAL_REPORT: _final_report,
    DocumentKind.KPI_REPORT: _kpi_report,
    DocumentKind.PUBLIC_SUMMARY: _public_summary,
}


def _scores(view: ActivityView) -> Block:
    if not view.evaluation:
        return Paragraph("Not evaluated yet.")
    rows = tuple((criterion, f"{score}/5") for criterion, score in view.evaluation.items())
    if view.evaluation_summary:
        rows += (("Summary", view.evaluation_summary),)
    return Facts(rows)


def _scores_text(scores: dict[str, int]) -> str:
    """`relevance 4/5, quality 5/5`; "-" before the team's evaluation."""
    return ", ".join(f"{c} {s}/5" for c, s in scores.items()) or "-"


def _day(value: date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else "-"


def _short_dates(start: date, end: date) -> str:
    """For a table's narrow column: 7-9 Jun 2027, 30 Sep-2 Oct 2027, 28 Dec 2027-3 Jan 2028."""
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}-{end.day} {end:%b %Y}"
    if start.year == end.year:
        return f"{start.day} {start:%b}-{end.day} {end:%b %Y}"
    return f"{start.day} {start:%b %Y}-{end.day} {end:%b %Y}"


def _dates(start: date, end: date) -> str:
    return _day(start) if start == end else f"{_day(start)} to {_day(end)}"


def _utc(moment: datetime) -> str:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _count(value: int | None) -> str:
    return "-" if value is None else str(value)


def _value(value: int | float | str) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)

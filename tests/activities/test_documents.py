"""`write_document`: Word files that open with python-docx and Markdown twins, both holding the
Action's data, stored under content-addressed names."""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import docx
import pytest
from pydantic import ValidationError
from temporalio.testing import ActivityEnvironment

from activities.documents import DocumentActivities
from activities.email import EmailActivities
from config.settings import SmtpSettings
from glossary.action import ActionFiche
from glossary.documents import DocumentKind, DocumentRef, DocumentRequest
from glossary.status import ActionStatus, ActivityView, AuditEntry, PsgVoteView
from tests.activities.support import make_notice
from tests.conftest import SmtpServer

FICHE = ActionFiche.model_validate(
    {
        "title": "Kenya: migration data management",
        "objective": "Strengthen the collection and use of migration data",
        "intervention_logic": "Data first.\n\nThen the policy that uses it.",
        "activities": [
            {
                "number": 1,
                "type": "workshop",
                "title": "Migration data workshop",
                "country": "Kenya",
                "city": "Nairobi",
                "start": "2026-06-08",
                "end": "2026-06-10",
                "expertise": ["migration data"],
                "languages": ["English", "Swahili"],
            },
            {
                "number": 2,
                "type": "study visit",
                "title": "Study visit | statistics office",
                "country": "Austria",
                "city": "Vienna",
                "start": "2026-09-14",
                "end": "2026-09-18",
                "optional": True,
            },
        ],
        "expected_outputs": ["A migration data sharing protocol", "Trained officials"],
    }
)
ACTIVITY = ActivityView(
    number=1,
    type="workshop",
    title="Migration data workshop",
    place="Nairobi, Kenya",
    start=date(2026, 6, 8),
    end=date(2026, 6, 10),
    stage="delivered",
    experts=[{"expert_id": "EX-AT-01", "state": "confirmed"}],  # type: ignore[list-item]
    participants=31,
    women=17,
    men=14,
    note="The partner asked for a follow-up session.",
)
STATUS = ActionStatus(
    reference="2026-07",
    name="Kenya III",
    stage="closed",  # type: ignore[arg-type]
    title="Kenya: migration data management",
    country="Kenya",
    region="Sub-Saharan Africa",
    themes=["migration data"],
    project_officer="po-amina",
    received_on=date(2026, 3, 2),
    fiche_version=2,
    activities=[ACTIVITY],
    psg_votes=[
        PsgVoteView(
            round=1,
            member="DG_HOME",
            decision="approved",
            comment="Well targeted",
            by="hm-1",
            at=datetime(2026, 4, 2, tzinfo=UTC),
        )
    ],
    outcome="deliverables validated",
    audit=[
        AuditEntry(
            at=datetime(2026, 3, 3, 10, 0, tzinfo=UTC),
            by="amina",
            command="intake_decision",
            accepted=True,
            detail="accepted",
        )
    ],
)
COMMON: dict[str, Any] = {
    "reference": "2026-07",
    "action_title": "Kenya III",
    "country": "Kenya",
    "prepared_on": date(2026, 3, 20),
}
REQUESTS: dict[DocumentKind, dict[str, Any]] = {
    DocumentKind.ACTION_FICHE: {"fiche": FICHE},
    DocumentKind.EXPERT_INVITATION: {
        "fiche": FICHE,
        "activity_number": 1,
        "expert_id": "EX-AT-01",
        "expert_name": "Anna Berger",
        "respond_by": date(2026, 5, 4),
    },
    DocumentKind.ACTIVITY_REPORT: {"activity": ACTIVITY, "outputs": ["Draft data protocol"]},
    DocumentKind.FINAL_REPORT: {"status": STATUS},
    DocumentKind.PUBLIC_SUMMARY: {
        "status": STATUS.model_copy(
            update={
                "activities": [ACTIVITY.model_copy(update={"outputs": ["Data sharing protocol"]})],
                "adopted": True,
                "adoption": "protocol signed by the ministry",
            }
        ),
        "institutions": ["Department of Immigration Services"],
    },
    DocumentKind.KPI_REPORT: {
        "kpi": {"participants": 31, "share of women": 0.55, "activities held": 1},
        "period": "2026",
    },
}
# What each document must say, in both its Word and its Markdown form.
EXPECTED: dict[DocumentKind, list[str]] = {
    DocumentKind.ACTION_FICHE: [
        "Action Fiche: Kenya: migration data management",
        "MIEUX 2026-07",
        "Strengthen the collection and use of migration data",
        "Then the policy that uses it.",
        "Migration data workshop",
        "8-10 Jun 2026",
        "Nairobi, Kenya",
        "English, Swahili",
        "study visit (optional)",
        "A migration data sharing protocol",
        "20 March 2026",
    ],
    DocumentKind.EXPERT_INVITATION: [
        "Dear Anna Berger,",
        "EX-AT-01",
        "1: Migration data workshop",
        "8 June 2026 to 10 June 2026",
        "Nairobi, Kenya",
        "4 May 2026",
        "Terms of reference",
        "Contribute to the completion report within 7 days after the activity ends",
        "Trained officials",
    ],
    DocumentKind.ACTIVITY_REPORT: [
        "Activity report: MIEUX 2026-07, activity 1",
        "Migration data workshop",
        "31",
        "17",
        "EX-AT-01",
        "Draft data protocol",
        "The partner asked for a follow-up session.",
    ],
    DocumentKind.FINAL_REPORT: [
        "Final report: Kenya: migration data management",
        "Kenya III",
        "Sub-Saharan Africa",
        "po-amina",
        "31 (17/14)",
        "DG Migration and Home Affairs (DG HOME)",
        "Well targeted",
        "Milestones",
    ],
    DocumentKind.KPI_REPORT: ["KPI report: MIEUX 2026-07", "share of women", "0.55", "2026"],
    DocumentKind.PUBLIC_SUMMARY: [
        "Kenya: migration data management",
        "MIEUX 2026-07",
        "Department of Immigration Services",
        "June 2026",
        "Migration data workshop",
        "held",
        "Data sharing protocol",
        "protocol signed by the ministry",
    ],
}


def request_for(kind: DocumentKind, **changes: Any) -> DocumentRequest:
    return DocumentRequest.model_validate({**COMMON, **REQUESTS[kind], "kind": kind, **changes})


def word_text(content: bytes) -> str:
    """Every paragraph and table cell of a .docx, as python-docx reads it."""
    document = docx.Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


@pytest.fixture
def documents(database_url: str) -> DocumentActivities:
    return DocumentActivities(database_url)


@pytest.mark.parametrize("kind", list(DocumentKind))
async def test_every_document_opens_in_word_and_in_markdown_with_the_actions_data(
    kind: DocumentKind, documents: DocumentActivities, tmp_path: Path
) -> None:
    ref = await ActivityEnvironment().run(documents.write_document, request_for(kind))

    word = word_text(documents.store.read(ref.docx_path))
    markdown = documents.store.read(ref.markdown_path).decode()
    for expected in EXPECTED[kind]:
        assert expected in word, f"{expected!r} missing from the Word {kind}"
        assert expected in markdown, f"{expected!r} missing from the Markdown {kind}"
    assert markdown.startswith("# ")
    core = docx.Document(io.BytesIO(documents.store.read(ref.docx_path))).core_properties
    assert core.keywords == "2026-07"


async def test_markdown_tables_stay_tables_when_cells_hold_a_pipe(
    documents: DocumentActivities, tmp_path: Path
) -> None:
    ref = documents.write(request_for(DocumentKind.ACTION_FICHE))

    markdown = documents.store.read(ref.markdown_path).decode().splitlines()
    header = next(line for line in markdown if line.startswith("| No. |"))
    visit = next(line for line in markdown if "Study visit" in line)
    assert "Study visit \\| statistics office" in visit
    assert visit.replace("\\|", "").count("|") == header.count("|")


async def test_the_same_content_is_the_same_version_and_nothing_is_rewritten(
    documents: DocumentActivities, tmp_path: Path
) -> None:
    first = documents.write(request_for(DocumentKind.ACTION_FICHE))
    stored = documents.store.listing("2026-07")

    again = await ActivityEnvironment().run(
        documents.write_document, request_for(DocumentKind.ACTION_FICHE)
    )

    assert again == first
    # The same rows, written once: same paths, same creation times.
    assert documents.store.listing("2026-07") == stored
    assert sorted(d.name for d in stored) == sorted(
        [Path(first.docx_path).name, Path(first.markdown_path).name]
    )


async def test_a_changed_document_is_a_new_version_beside_the_old(
    documents: DocumentActivities, tmp_path: Path
) -> None:
    first = documents.write(request_for(DocumentKind.ACTION_FICHE))
    revised = FICHE.model_copy(update={"objective": "A revised objective"})

    second = documents.write(request_for(DocumentKind.ACTION_FICHE, fiche=revised))

    assert second.sha256 != first.sha256
    for ref in (first, second):
        assert documents.store.exists(ref.docx_path)
        assert documents.store.exists(ref.markdown_path)
    assert "A revised objective" in word_text(documents.store.read(second.docx_path))


async def test_file_names_carry_the_sha256_of_the_markdown(
    documents: DocumentActivities, tmp_path: Path
) -> None:
    ref = documents.write(request_for(DocumentKind.EXPERT_INVITATION))

    markdown = documents.store.read(ref.markdown_path)
    assert ref.sha256 == hashlib.sha256(markdown).hexdigest()
    assert ref.docx_path == f"2026-07/expert-invitation-a1-EX-AT-01-{ref.sha256[:16]}.docx"
    assert ref.markdown_path == ref.docx_path.removesuffix(".docx") + ".md"


def test_an_invitation_for_an_activity_added_by_an_amended_plan_uses_it_as_given(
    documents: DocumentActivities, tmp_path: Path
) -> None:
    added = FICHE.activities[0].model_copy(
        update={"number": 5, "title": "Added follow-up session", "city": "Mombasa"}
    )

    ref = documents.write(
        request_for(DocumentKind.EXPERT_INVITATION, activity_number=None, planned=added)
    )

    word = word_text(documents.store.read(ref.docx_path))
    assert "5: Added follow-up session" in word and "Mombasa, Kenya" in word
    assert "expert-invitation-a5-EX-AT-01-" in ref.docx_path


def test_the_workflow_keeps_a_reference_not_the_document(documents: DocumentActivities) -> None:
    ref = documents.write(request_for(DocumentKind.ACTION_FICHE))

    payload = ref.model_dump_json()
    assert "Strengthen the collection" not in payload
    assert DocumentRef.model_validate_json(payload) == ref


@pytest.mark.parametrize(
    ("kind", "changes", "reason"),
    [
        (DocumentKind.ACTION_FICHE, {"fiche": None}, "action_fiche needs fiche"),
        (DocumentKind.EXPERT_INVITATION, {"activity_number": 9}, "has no activity 9"),
        (DocumentKind.EXPERT_INVITATION, {"expert_id": None}, "needs fiche, activity_number"),
        (DocumentKind.KPI_REPORT, {"kpi": {}}, "kpi_report needs a non-empty kpi"),
        (DocumentKind.FINAL_REPORT, {"reference": "../../etc"}, "reference"),
        (DocumentKind.EXPERT_INVITATION, {"expert_id": "../x"}, "expert_id"),
    ],
)
def test_an_incomplete_or_unsafe_request_is_refused_with_its_reason(
    kind: DocumentKind, changes: dict[str, Any], reason: str
) -> None:
    with pytest.raises(ValidationError, match=reason.replace("(", r"\(")):
        request_for(kind, **changes)


async def test_a_notice_carries_its_documents_as_word_attachments(
    documents: DocumentActivities,
    smtp_server: SmtpServer,
    smtp_settings: SmtpSettings,
    tmp_path: Path,
) -> None:
    ref = documents.write(request_for(DocumentKind.EXPERT_INVITATION))
    email = EmailActivities(smtp_settings, documents.store.url)
    notice = make_notice(kind="invitation", documents=[ref.docx_path, "2026-07/missing.docx"])

    await ActivityEnvironment().run(email.send_notice, notice)

    [message] = smtp_server.inbox.messages
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == Path(ref.docx_path).name
    assert attachment.get_content_type() == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    opened = docx.Document(io.BytesIO(attachment.get_content()))
    assert any("EX-AT-01" in cell.text for t in opened.tables for r in t.rows for cell in r.cells)


async def test_the_public_summary_names_no_person_and_shows_no_vote_as_a_web_page_too(
    documents: DocumentActivities,
) -> None:
    ref = await ActivityEnvironment().run(
        documents.write_document, request_for(DocumentKind.PUBLIC_SUMMARY)
    )

    page = documents.store.read(ref.html_path).decode()
    word = word_text(documents.store.read(ref.docx_path))
    markdown = documents.store.read(ref.markdown_path).decode()
    assert ref.html_path.endswith(".html") and page.startswith("<!doctype html>")
    assert "<td>Data sharing protocol</td>" not in page and "<li>Data sharing protocol</li>" in page
    for text in (page, word, markdown):
        # The officer, the expert, the PSG member's vote and comment, the audit trail.
        for private in ("po-amina", "EX-AT-01", "Well targeted", "DG_HOME", "amina", "17"):
            assert private not in text, private


async def test_the_final_report_reads_as_a_programme_document_not_an_audit_log(
    documents: DocumentActivities,
) -> None:
    """Issue 21: bodies by name, votes in words, milestones; no raw audit entries."""
    from glossary.status import StageSpan

    status = STATUS.model_copy(
        update={
            "stages": [
                StageSpan(
                    stage="fiche_drafting",
                    entered=datetime(2026, 3, 3, tzinfo=UTC),
                    left=datetime(2026, 4, 14, tzinfo=UTC),
                    held_days=30,
                )
            ]
        }
    )
    request = request_for(DocumentKind.FINAL_REPORT, status=status, officer_name="Amina Yusuf")
    ref = await ActivityEnvironment().run(documents.write_document, request)
    word = word_text(documents.store.read(ref.docx_path))
    assert "intake_decision" not in word and "Audit trail" not in word
    assert "Amina Yusuf" in word
    assert "DG Migration and Home Affairs (DG HOME)" in word and "approved" in word
    assert "Action Fiche drafting" in word and "12" in word  # 42 days less 30 on hold


def test_markdown_pages_show_typed_html_as_text_never_as_markup() -> None:
    """Issue 22 (14): the .html pages escaped it, the Markdown ones passed it through."""
    from activities.document_render import Bullets, Content, Facts, Paragraph, Table, to_markdown

    hostile = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'
    page = to_markdown(
        Content(
            hostile,
            "2026-01",
            (
                Paragraph(hostile),
                Bullets((hostile,)),
                Facts((("Title", hostile),)),
                Table(("Cell",), ((hostile,),)),
            ),
        )
    )
    assert "<script" not in page and "<img" not in page
    assert page.count("&lt;script&gt;") == 5 and "&amp;" in page


def test_a_wide_table_gives_each_column_room_for_its_longest_word() -> None:
    """Issue 21: the Fiche's activity table broke words ("Mappin g") in equal columns.
    Checked by eye as a PDF (LibreOffice headless): docs/images/action-fiche-page.png."""
    import docx as python_docx

    from activities.document_render import Content, Table, to_docx

    rows = (("1", "fact-finding mission", "Mapping of migration data flows", "7-9 Jun 2027"),)
    document = python_docx.Document(
        io.BytesIO(
            to_docx(Content("t", "2026-01", (Table(("No.", "Type", "Title", "Dates"), rows),)))
        )
    )
    section = document.sections[0]
    usable = section.page_width - section.left_margin - section.right_margin
    widths = [column.width for column in document.tables[0].columns]
    assert sum(widths) <= usable
    # "Mapping of migration data flows" holds the most text; "No." the least.
    assert widths[2] == max(widths) and widths[0] == min(widths)
    # Each column is at least as wide as its longest word at 11 pt (about 6 pt a letter).
    assert widths[1] >= len("fact-finding") * 6 * 12700


def test_an_arabic_invitation_reads_right_to_left_in_word():
    """Issue 23: the expert's language, and Arabic laid out from the right margin."""
    import io
    from datetime import date

    import docx
    from docx.oxml.ns import qn

    from activities.document_content import content_of
    from activities.document_render import to_docx
    from glossary.action import ActionFiche
    from glossary.documents import DocumentRequest
    from tests.workflows.support import activity_plan, sample_fiche

    fiche = ActionFiche.model_validate(sample_fiche(activities=activity_plan(date(2027, 3, 8), 1)))
    request = DocumentRequest(
        kind="expert_invitation",
        reference="2026-01",
        action_title="Jordan: irregular migration",
        fiche=fiche,
        language="ar",
        expert_id="EX-JO-01",
        expert_name="Omar Haddad",
        activity_number=1,
        respond_by=date(2027, 2, 1),
    )

    document = docx.Document(io.BytesIO(to_docx(content_of(request))))

    assert document.paragraphs[0].text.startswith("الدعوة والاختصاصات: MIEUX 2026-01")
    assert all(p._p.pPr.find(qn("w:bidi")) is not None for p in document.paragraphs)
    assert all(t._tbl.tblPr.find(qn("w:bidiVisual")) is not None for t in document.tables)
    assert document.core_properties.language == "ar"

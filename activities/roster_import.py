"""Importing the roster from CSV or JSON, with a report of every rejected row and why.

JSON: `{"focal_points": [...], "experts": [...]}` (or a bare list of experts), fields as in
`glossary.roster.RosterFocalPoint` / `RosterExpert`.

CSV: one record per line. A file with a `member_state` column and no `nationality` column holds
focal points, otherwise experts; a `record` column (`expert` / `focal_point`) allows both in
one file. List cells are separated by `;`: `expertise`, `languages`, `conflicts`,
`unavailable` (`2026-06-01/2026-06-10`) and `deployments`
(`REFERENCE:ACTIVITY:START:END[:THEME]`, e.g. `2016-09:2:2017-03-06:2017-03-08:labour migration`).

Rows are upserted by id, so importing the same file twice changes nothing; reservations made
in the meantime are kept.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from activities.roster_rank import normalise
from glossary.commands import describe_validation_error
from glossary.roster import ImportReport, RejectedRow, RosterExpert, RosterFocalPoint
from store.db import write_session
from store.tables import (
    AssignmentRow,
    AssignmentState,
    ConflictRow,
    ExpertiseRow,
    ExpertRow,
    FocalPointRow,
    LanguageRow,
    UnavailabilityRow,
)

EXPERT = "expert"
FOCAL_POINT = "focal_point"
_LISTS = ("expertise", "languages", "conflicts")


@dataclass(frozen=True)
class Record:
    row: int
    kind: str
    fields: dict[str, Any]
    problem: str = ""  # set when the row could not even be read into fields


def read_records(path: Path) -> list[Record]:
    """The records of a roster file; ValueError when the file itself is unusable."""
    if path.suffix.lower() == ".json":
        records = json_records(json.loads(path.read_text(encoding="utf-8")))
    elif path.suffix.lower() == ".csv":
        records = csv_records(path.read_text(encoding="utf-8-sig"))
    else:
        raise ValueError(f"{path.name}: a roster file is .csv or .json")
    if not records:
        # "0 imported, 0 rejected" would read as success for a file that held nothing.
        raise ValueError(f"{path.name} holds no roster records (no focal points, no experts)")
    return records


def json_records(data: Any) -> list[Record]:
    if isinstance(data, list):
        data = {"experts": data}
    if not isinstance(data, dict):
        raise ValueError("a JSON roster is an object with focal_points and experts, or a list")
    if not {"focal_points", "experts"} & data.keys():
        found = ", ".join(sorted(map(str, data))) or "nothing"
        raise ValueError(
            f"not a roster: a JSON roster has focal_points and/or experts (this has {found})"
        )
    for key in ("focal_points", "experts"):
        if not isinstance(data.get(key, []), list):
            raise ValueError(f"not a roster: {key} must be a list")
    records = []
    for kind, key in ((FOCAL_POINT, "focal_points"), (EXPERT, "experts")):
        for index, item in enumerate(data.get(key, []), start=1):
            if isinstance(item, dict):
                records.append(Record(index, kind, item))
            else:
                records.append(Record(index, kind, {}, "not a JSON object"))
    return records


def csv_records(text: str) -> list[Record]:
    reader = csv.DictReader(io.StringIO(text))
    columns = set(reader.fieldnames or [])
    if "id" not in columns:
        raise ValueError("a CSV roster needs a header line with at least an id column")
    if not {"nationality", "member_state", "record"} & columns:
        raise ValueError(
            "not a roster: the CSV header has no nationality (experts), member_state "
            "(focal points) or record column"
        )
    default = FOCAL_POINT if "member_state" in columns and "nationality" not in columns else EXPERT
    records = []
    first_line = reader.line_num + 1
    for line in reader:
        cells = {k: (v or "").strip() for k, v in line.items() if k and k != "record"}
        kind = (line.get("record") or default).strip()
        try:
            fields = _csv_fields(cells) if kind == EXPERT else _present(cells)
            problem = "" if kind in (EXPERT, FOCAL_POINT) else f"unknown record type {kind!r}"
        except ValueError as error:
            fields, problem = cells, str(error)
        # Where the record starts: a quoted cell may span several lines.
        records.append(Record(first_line, kind, fields, problem))
        first_line = reader.line_num + 1
    return records


def import_records(engine: Engine, records: list[Record], source: str) -> ImportReport:
    report = ImportReport(source=source)
    # Focal points first, so experts in the same file can name them.
    ordered = sorted(records, key=lambda r: r.kind != FOCAL_POINT)
    with write_session(engine) as session:
        focal_points = set(session.scalars(select(FocalPointRow.id)))
        seen: set[tuple[str, str]] = set()
        for record in ordered:
            record_id = str(record.fields.get("id", ""))
            reason = record.problem or _check_duplicate(record, record_id, seen)
            model: BaseModel | None = None
            if not reason:
                model, reason = _validate(record)
            if isinstance(model, RosterExpert) and model.focal_point_id not in (
                None,
                *focal_points,
            ):
                reason = f"focal point {model.focal_point_id!r} is not in the roster"
            if reason:
                report.rejected.append(
                    RejectedRow(
                        row=record.row, kind=record.kind, record_id=record_id, reason=reason
                    )
                )
            elif isinstance(model, RosterFocalPoint):
                _upsert_focal_point(session, model)
                focal_points.add(model.id)
                report.focal_points += 1
            elif isinstance(model, RosterExpert):
                _upsert_expert(session, model)
                report.experts += 1
    report.rejected.sort(key=lambda r: (r.kind != FOCAL_POINT, r.row))
    return report


def _check_duplicate(record: Record, record_id: str, seen: set[tuple[str, str]]) -> str:
    if not record_id:
        return ""
    if (record.kind, record_id) in seen:
        return f"id {record_id!r} appears more than once in the file"
    seen.add((record.kind, record_id))
    return ""


def _validate(record: Record) -> tuple[BaseModel | None, str]:
    model = RosterFocalPoint if record.kind == FOCAL_POINT else RosterExpert
    try:
        return model.model_validate(record.fields), ""
    except ValidationError as error:
        return None, describe_validation_error(error)


def _upsert_focal_point(session: Session, focal: RosterFocalPoint) -> None:
    row = session.get(FocalPointRow, focal.id) or FocalPointRow(id=focal.id)
    row.name, row.email = focal.name, focal.email
    row.member_state, row.timezone = focal.member_state, focal.timezone
    row.language = focal.language.value if focal.language else ""
    session.add(row)


def _upsert_expert(session: Session, expert: RosterExpert) -> None:
    row = session.get(ExpertRow, expert.id) or ExpertRow(id=expert.id)
    row.name, row.email, row.timezone = expert.name, expert.email, expert.timezone
    row.language = expert.language.value if expert.language else ""
    row.nationality, row.administration = expert.nationality, expert.administration
    row.category, row.focal_point_id = expert.category.value, expert.focal_point_id
    row.expertise = [ExpertiseRow(area=a) for a in _distinct(expert.expertise)]
    row.languages = [LanguageRow(language=lang) for lang in _distinct(expert.languages)]
    row.conflicts = [ConflictRow(subject=c) for c in _distinct(expert.conflicts)]
    row.unavailable = [UnavailabilityRow(start=p.start, end=p.end) for p in expert.unavailable]
    session.add(row)
    session.flush()
    held = {(a.reference, a.activity): a for a in row.assignments}
    for past in expert.deployments:
        assignment = held.get((past.reference, past.activity))
        if assignment is None:
            assignment = AssignmentRow(
                expert_id=expert.id, reference=past.reference, activity=past.activity
            )
            row.assignments.append(assignment)
            held[(past.reference, past.activity)] = assignment
        assignment.start, assignment.end = past.start, past.end
        assignment.state, assignment.theme = AssignmentState.DEPLOYED, past.theme


def _distinct(values: list[str]) -> list[str]:
    # One row per area, whatever the spelling: the table's key would refuse a repeat.
    found: dict[str, str] = {}
    for value in values:
        found.setdefault(normalise(value), value.strip())
    return list(found.values())


def _present(cells: dict[str, str]) -> dict[str, Any]:
    return {k: v for k, v in cells.items() if v}


def _csv_fields(cells: dict[str, str]) -> dict[str, Any]:
    fields: dict[str, Any] = _present(cells)
    for name in _LISTS:
        if name in fields:
            fields[name] = _split(fields[name])
    if "unavailable" in fields:
        fields["unavailable"] = [_period(p) for p in _split(fields["unavailable"])]
    if "deployments" in fields:
        fields["deployments"] = [_deployment(d) for d in _split(fields["deployments"])]
    return fields


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(";") if part.strip()]


def _period(text: str) -> dict[str, str]:
    start, slash, end = text.partition("/")
    if not slash:
        raise ValueError(f"unavailable: {text!r} is not START/END (e.g. 2026-06-01/2026-06-10)")
    return {"start": start.strip(), "end": end.strip()}


def _deployment(text: str) -> dict[str, str]:
    parts = [p.strip() for p in text.split(":")]
    if len(parts) not in (4, 5):
        raise ValueError(
            f"deployments: {text!r} is not REFERENCE:ACTIVITY:START:END[:THEME] "
            "(e.g. 2016-09:2:2017-03-06:2017-03-08)"
        )
    keys = ("reference", "activity", "start", "end", "theme")
    return dict(zip(keys, parts, strict=False))

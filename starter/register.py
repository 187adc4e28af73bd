"""`mieux register import | lessons | show`: the register of ended Actions in the shared
database. A programme's past goes straight in (no workflow started, nothing sent: driving
old requests through the workflows would mail every overdue reminder of 2009)."""

from __future__ import annotations

import asyncio
import sys
from argparse import Namespace
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from glossary.action import ActivityType
from glossary.names import Region, Theme, describe_validation_error, has_control
from reads.errors import DONE, BadInput, Unreachable
from reads.session import Session
from starter.inputs import read_json, reference
from starter.outputs import source_text_file

# Stages an Action of the past can have ended in; `follow_up` counts as completed.
ENDED = ("closed", "follow_up", "rejected", "forwarded", "withdrawn")
LESSONS_LIMIT = 20_000


class HistoricActivity(BaseModel):
    model_config = ConfigDict(extra="forbid")

    number: int = Field(ge=1)
    type: ActivityType
    title: str = Field(min_length=2, max_length=300)
    place: str = Field(default="", max_length=200)
    start: date
    end: date
    held: bool = True
    participants: int | None = Field(default=None, ge=0)
    women: int | None = Field(default=None, ge=0)
    men: int | None = Field(default=None, ge=0)
    outputs: list[str] = Field(default=[], max_length=50)
    scores: dict[str, int] = Field(default={}, description="evaluation criterion -> 1..5")

    @field_validator("scores")
    @classmethod
    def _scores_in_range(cls, value: dict[str, int]) -> dict[str, int]:
        bad = [k for k, v in value.items() if not 1 <= v <= 5]
        if bad:
            raise ValueError(f"scores must be 1 to 5: {', '.join(bad)}")
        return value


class HistoricAction(BaseModel):
    """One Action of a programme's past, as its reports give it."""

    model_config = ConfigDict(extra="forbid")

    reference: str = Field(pattern=r"^\d{4}-\d{2,3}$")
    title: str = Field(min_length=2, max_length=300)
    country: str = Field(min_length=2, max_length=80)
    region: Region
    themes: list[Theme] = Field(min_length=1)
    received_on: date = Field(ge=date(2009, 1, 1))
    outcome: str
    requester_types: list[str] = []
    institutions: list[str] = Field(default=[], max_length=10)
    countries: list[str] = []
    activities: list[HistoricActivity] = []
    adoption: str = Field(default="", max_length=500)
    adopted: bool | None = None  # None: true when an adoption is given, else not known
    feedback_rating: int | None = Field(default=None, ge=1, le=5)
    lessons: str = Field(default="", max_length=LESSONS_LIMIT)

    @field_validator("outcome")
    @classmethod
    def _ended(cls, value: str) -> str:
        if value not in ENDED:
            raise ValueError(f"{value!r} is not how an Action ends; one of: {', '.join(ENDED)}")
        return value

    def record(self) -> Any:
        from glossary import ActionStatus
        from glossary.register import RegisterRecord
        from glossary.status import ActivityView

        activities = [
            ActivityView(
                number=a.number,
                type=str(a.type),
                title=a.title,
                place=a.place,
                start=a.start,
                end=a.end,
                stage="delivered" if a.held else "cancelled",
                participants=a.participants,
                women=a.women,
                men=a.men,
                outputs=a.outputs,
                evaluation=a.scores,
            )
            for a in self.activities
        ]
        status = ActionStatus(
            reference=self.reference,
            name=self.title,
            stage=self.outcome,
            title=self.title,
            country=self.country,
            region=str(self.region),
            themes=[str(t) for t in self.themes],
            project_officer="",
            received_on=self.received_on,
            activities=activities,
            outcome=f"{self.outcome}; adopted: {self.adoption}" if self.adoption else self.outcome,
            feedback_rating=self.feedback_rating,
            adopted=self.adopted if self.adopted is not None else (bool(self.adoption) or None),
            adoption=self.adoption,
        )
        return RegisterRecord(
            reference=self.reference,
            source="import",
            requester_types=self.requester_types,
            institutions=self.institutions,
            countries=self.countries or [self.country],
            status=status,
        )


def _register(session: Session) -> Any:
    from store.register import Register

    session.settings.state_dir.mkdir(parents=True, exist_ok=True)
    return Register(session.settings.database_url)


def _unreachable(error: Exception) -> Unreachable:
    return Unreachable(f"the register of Actions is unreachable ({type(error).__name__})")


async def _in_register(session: Session, ref: str, call: Callable[[Any], Any]) -> Any:
    """`call(register)` about the Action `ref`, its refusals said as the CLI says them."""
    from sqlalchemy.exc import SQLAlchemyError

    from store.register import NotInRegister

    try:
        return await asyncio.to_thread(call, _register(session))
    except NotInRegister:
        raise BadInput(
            f"{ref} is not in the register: an Action is written there when it ends"
        ) from None
    except SQLAlchemyError as error:
        raise _unreachable(error) from None


async def register_import(session: Session, args: Namespace) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    data = read_json(args.file)
    if not isinstance(data, list) or not data:
        raise BadInput(f"{args.file}: expected a JSON list of Actions [{{...}}, ...]")
    actions: list[HistoricAction] = []
    for index, item in enumerate(data, start=1):
        try:
            actions.append(HistoricAction.model_validate(item))
        except ValidationError as error:
            raise BadInput(
                f"{args.file}: Action {index}: {describe_validation_error(error)}"
            ) from None
    seen = [a.reference for a in actions]
    twice = sorted({r for r in seen if seen.count(r) > 1})
    if twice:
        raise BadInput(f"{args.file}: references given twice: {', '.join(twice)}")
    register = _register(session)

    def load() -> int:
        written = 0
        for action in actions:
            written += register.put(action.record())
            if action.lessons:
                register.set_lessons(action.reference, action.lessons)
        return written

    try:
        written = await asyncio.to_thread(load)
    except SQLAlchemyError as error:
        raise _unreachable(error) from None
    print(f"{Path(args.file).name}: {len(actions)} Actions, {written} new or changed")
    return DONE


async def register_lessons(session: Session, args: Namespace) -> int:

    ref = reference(args.reference)
    try:
        text = (
            sys.stdin.read()
            if args.file == "-"
            else await asyncio.to_thread(source_text_file(Path(args.file)).read_text, "utf-8")
        )
    except (OSError, UnicodeDecodeError) as error:
        why = getattr(error, "strerror", None) or error
        raise BadInput(f"cannot read {args.file}: {why}") from None
    if not text.strip():
        raise BadInput(f"{args.file}: the lessons are empty")
    if len(text) > LESSONS_LIMIT or has_control(text.replace("\n", "").replace("\t", "")):
        raise BadInput(
            f"{args.file}: lessons are text of at most {LESSONS_LIMIT} characters,"
            " without control characters"
        )
    await _in_register(session, ref, lambda register: register.set_lessons(ref, text.strip()))
    print(f"{ref}: lessons learned recorded ({len(text.strip())} characters)")
    return DONE


async def register_show(session: Session, args: Namespace) -> int:
    import json

    ref = reference(args.reference)
    record, lessons = await _in_register(session, ref, lambda register: register.entry(ref))
    shown = record.model_dump(mode="json") | {"lessons": lessons}
    if args.json:
        print(json.dumps(shown, indent=2, ensure_ascii=False))
        return DONE
    status = record.status
    print(f"{ref}  {status.title}  ({status.country}, {status.region})")
    print(f"  ended: {status.stage}  {status.outcome}".rstrip())
    for span in status.stages:
        days = f"{span.days(span.left or span.entered):.1f} d" if span.left else ""
        print(f"  {span.stage:<16} {span.entered:%Y-%m-%d}  {days}".rstrip())
    held = sum(1 for a in status.activities if a.stage in ("evaluation", "delivered"))
    print(f"  activities: {held} held of {len(status.activities)} planned")
    print(f"  lessons: {lessons or '(none recorded: mieux register lessons ' + ref + ' FILE)'}")
    return DONE

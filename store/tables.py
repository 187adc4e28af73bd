"""The tables of the shared database (SQLAlchemy 2): the roster (experts, focal points,
expertise areas, languages, unavailability, declared conflicts, assignments), the outbox of
notices and the documents.

Plain portable types only, so the same schema runs on SQLite (the default, a file in the state
folder) and on PostgreSQL (a URL in `database.url`). Changes go through a migration in
`store/migrations/versions`; tests/store checks the two agree.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    Date,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class FocalPointRow(Base):
    __tablename__ = "focal_points"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254))
    member_state: Mapped[str] = mapped_column(String(120))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    language: Mapped[str] = mapped_column(String(8), default="", server_default="")


class ExpertRow(Base):
    __tablename__ = "experts"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254))
    nationality: Mapped[str] = mapped_column(String(80))
    administration: Mapped[str] = mapped_column(String(200), default="")
    category: Mapped[str] = mapped_column(String(40))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    language: Mapped[str] = mapped_column(String(8), default="", server_default="")
    focal_point_id: Mapped[str | None] = mapped_column(ForeignKey("focal_points.id"))

    focal_point: Mapped[FocalPointRow | None] = relationship()
    expertise: Mapped[list[ExpertiseRow]] = relationship(cascade="all, delete-orphan")
    languages: Mapped[list[LanguageRow]] = relationship(cascade="all, delete-orphan")
    unavailable: Mapped[list[UnavailabilityRow]] = relationship(cascade="all, delete-orphan")
    conflicts: Mapped[list[ConflictRow]] = relationship(cascade="all, delete-orphan")
    assignments: Mapped[list[AssignmentRow]] = relationship(cascade="all, delete-orphan")


class ExpertiseRow(Base):
    __tablename__ = "expert_expertise"

    expert_id: Mapped[str] = mapped_column(ForeignKey("experts.id"), primary_key=True)
    area: Mapped[str] = mapped_column(String(120), primary_key=True)


class LanguageRow(Base):
    __tablename__ = "expert_languages"

    expert_id: Mapped[str] = mapped_column(ForeignKey("experts.id"), primary_key=True)
    language: Mapped[str] = mapped_column(String(60), primary_key=True)


class UnavailabilityRow(Base):
    __tablename__ = "unavailability"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    expert_id: Mapped[str] = mapped_column(ForeignKey("experts.id"), index=True)
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)


class ConflictRow(Base):
    """A declared conflict of interest: with an Action (reference) or a country."""

    __tablename__ = "declared_conflicts"

    expert_id: Mapped[str] = mapped_column(ForeignKey("experts.id"), primary_key=True)
    subject: Mapped[str] = mapped_column(String(120), primary_key=True)


class AssignmentState:
    RESERVED = "reserved"
    DEPLOYED = "deployed"


class AssignmentRow(Base):
    """An expert held for (reference, activity): reserved, then deployed. Activity 0 marks a
    past deployment imported without its activity number."""

    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("expert_id", "reference", "activity"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    expert_id: Mapped[str] = mapped_column(ForeignKey("experts.id"), index=True)
    reference: Mapped[str] = mapped_column(String(16))
    activity: Mapped[int] = mapped_column(Integer)
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(16))
    theme: Mapped[str] = mapped_column(String(120), default="")


class OutboxRow(Base):
    """One notice key: claimed (`sending`) just before the message data goes to the SMTP
    server, `sent` once accepted. The message itself is kept, so staff can resend one whose
    outcome is unknown (`mieux mail resend`)."""

    __tablename__ = "outbox"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    message_id: Mapped[str] = mapped_column(String(120))
    state: Mapped[str] = mapped_column(String(16), index=True)
    claimed_at: Mapped[float] = mapped_column(Float)
    sent_at: Mapped[float | None] = mapped_column(Float)
    host: Mapped[str] = mapped_column(String(120), default="")
    message: Mapped[bytes | None] = mapped_column(LargeBinary)


class DocumentRow(Base):
    """A stored document: content-addressed (its path carries the hash), written once."""

    __tablename__ = "documents"

    path: Mapped[str] = mapped_column(String(300), primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), index=True)
    name: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    media_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[float] = mapped_column(Float)
    content: Mapped[bytes] = mapped_column(LargeBinary)


class RegisterRow(Base):
    """One ended Action (or one loaded from a programme's past): its record as JSON, beside
    the columns reports filter on. `lessons` belongs to staff: a record written again by a
    retried activity leaves it as it is."""

    __tablename__ = "register"

    reference: Mapped[str] = mapped_column(String(16), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    stage: Mapped[str] = mapped_column(String(32))
    region: Mapped[str] = mapped_column(String(80))
    country: Mapped[str] = mapped_column(String(80))
    source: Mapped[str] = mapped_column(String(16))
    written_at: Mapped[float] = mapped_column(Float)
    record: Mapped[str] = mapped_column(Text)
    lessons: Mapped[str] = mapped_column(Text, default="")


class KnowledgeRow(Base):
    """What one ended Action produced and the lessons drawn from it, for full-text search.
    Its search index is the dialect's own, made by migration 0004 and outside this model:
    the FTS5 table `knowledge_fts` (SQLite) or the generated `document` column (PostgreSQL)."""

    __tablename__ = "knowledge"

    reference: Mapped[str] = mapped_column(String(16), primary_key=True)
    region: Mapped[str] = mapped_column(String(80))
    country: Mapped[str] = mapped_column(String(80))
    themes: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    produced: Mapped[str] = mapped_column(Text)
    lessons: Mapped[str] = mapped_column(Text)


class FingerprintRow(Base):
    """One host's fingerprint of `web.secret`, an HMAC (store/fingerprints.py)."""

    __tablename__ = "fingerprints"

    role: Mapped[str] = mapped_column(String(16), primary_key=True)
    host: Mapped[str] = mapped_column(String(120), primary_key=True)
    secret: Mapped[str] = mapped_column(String(64))
    seen_at: Mapped[float] = mapped_column(Float)

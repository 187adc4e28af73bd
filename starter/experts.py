"""Who an expert is, for the report's EU MS / non-EU split and its experts by country: the
roster knows their category and nationality."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from config import MieuxSettings


def categories(settings: MieuxSettings, expert_ids: Iterable[str]) -> dict[str, str]:
    """expert id -> roster category ("EU MS official", ...); experts not found are left out."""
    return {e: category for e, (category, _) in facts(settings, expert_ids).items()}


def facts(settings: MieuxSettings, expert_ids: Iterable[str]) -> dict[str, tuple[str, str]]:
    """expert id -> (roster category, nationality); experts not found are left out.

    A roster that cannot be read leaves every expert out: the report then says "not in the
    roster" rather than failing on figures that do not need it.
    """
    wanted = sorted(set(expert_ids))
    url = settings.database_url
    if not wanted or _absent_sqlite_file(url):
        return {}
    try:
        from sqlalchemy import select
        from sqlalchemy.exc import SQLAlchemyError

        from store.db import engine_for, read_session
        from store.tables import ExpertRow
    except ImportError:
        return {}
    try:
        with read_session(engine_for(url)) as session:
            rows = session.execute(
                select(ExpertRow.id, ExpertRow.category, ExpertRow.nationality).where(
                    ExpertRow.id.in_(wanted)
                )
            )
            return {expert_id: (category, country) for expert_id, category, country in rows}
    except SQLAlchemyError:
        return {}


def _absent_sqlite_file(url: str) -> bool:
    # Reading must not create an empty roster database as a side effect.
    prefix = "sqlite:///"
    return url.startswith(prefix) and not Path(url.removeprefix(prefix)).exists()

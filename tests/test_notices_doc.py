"""docs/notices.md is what the code sends: the page is printed by `tests/notice_timeline.py`
(`.venv/bin/python -m tests.notice_timeline --markdown > docs/notices.md`; the SDK may
print a warning line first: leave it out), and this test
runs that standard Action again and compares who is told what. The days and times depend on
the weekday the run starts (working hours), so they are not compared."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from tests.notice_timeline import PAGE_HEAD, timeline

PAGE = Path(__file__).resolve().parents[1] / "docs" / "notices.md"


def _notices(rows: list[tuple[str, ...]]) -> Counter[tuple[str, ...]]:
    """Who is told what, with the experts the roster happened to rank first left anonymous
    (two slots fill concurrently: which expert is invited first varies)."""

    def plain(cell: str) -> str:
        cell = re.sub(
            r"^(expert|confirmation)-(\d+)-[A-Z]{2}-[A-Z]{2}-\d+(-\d+)?", r"\1-\2-*", cell
        )
        return re.sub(r"^(expert|focal_point) \S+$", r"\1", cell)

    return Counter(tuple(plain(cell.strip()) for cell in row[2:]) for row in rows)


def _rows_of(text: str) -> list[tuple[str, ...]]:
    lines = text.split("|---|", 1)[1].splitlines()[1:]
    return [tuple(line.strip("| ").split(" | ")) for line in lines if line.startswith("|")]


async def test_the_notices_page_is_what_one_standard_action_sends():
    text = PAGE.read_text()
    assert text.startswith(PAGE_HEAD)
    assert _notices(_rows_of(text)) == _notices(await timeline())

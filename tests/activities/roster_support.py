"""A small roster written to a real SQLite file, for the roster tests."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from activities.roster import import_roster

FOCAL_POINTS = [
    {
        "id": "FP-NL",
        "name": "Lotte Visser",
        "email": "lotte.visser@focal.nl.example.eu",
        "member_state": "Netherlands",
        "timezone": "Europe/Amsterdam",
    },
    {
        "id": "FP-PT",
        "name": "Marta Oliveira",
        "email": "marta.oliveira@focal.pt.example.eu",
        "member_state": "Portugal",
        "timezone": "Europe/Lisbon",
    },
]


def expert(expert_id: str, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": expert_id,
        "name": f"Expert {expert_id}",
        "email": f"{expert_id.lower()}@experts.example.org",
        "nationality": "Netherlands",
        "expertise": ["migration data"],
        "languages": ["English"],
        "timezone": "Europe/Amsterdam",
        "focal_point_id": "FP-NL",
    }
    data.update(changes)
    return data


# Who should come first for "migration data" in English and French, June 2026:
EXPERTS = [
    # a perfect match with experience on the theme: first
    expert(
        "EX-A",
        languages=["English", "French"],
        deployments=[
            {
                "reference": "2016-16",
                "activity": 3,
                "start": "2017-09-18",
                "end": "2017-09-20",
                "theme": "migration data",
            }
        ],
    ),
    # the same match without experience: second
    expert("EX-B", languages=["French", "English"], focal_point_id="FP-PT"),
    # English only: third
    expert("EX-C"),
    # a partial expertise match ("data" within "migration data"): fourth
    expert("EX-D", expertise=["data"], languages=["English", "French"]),
    # never: wrong expertise, wrong language, unavailable, conflicts
    expert("EX-E", expertise=["border management"]),
    expert("EX-F", languages=["Spanish"]),
    expert("EX-G", unavailable=[{"start": "2026-06-01", "end": "2026-06-08"}]),
    expert("EX-H", conflicts=["Kenya"]),
    expert("EX-I", conflicts=["2026-07"]),
]
JUNE = (date(2026, 6, 8), date(2026, 6, 10))


def roster_file(tmp_path: Path, experts: list[dict[str, Any]] | None = None) -> Path:
    path = tmp_path / "roster.json"
    path.write_text(
        json.dumps(
            {"focal_points": FOCAL_POINTS, "experts": EXPERTS if experts is None else experts}
        )
    )
    return path


def roster_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'state' / 'roster.db'}"


def small_roster(tmp_path: Path, url: str | None = None) -> str:
    url = url or roster_url(tmp_path)
    report = import_roster(url, roster_file(tmp_path))
    assert report.ok, report.summary()
    return url

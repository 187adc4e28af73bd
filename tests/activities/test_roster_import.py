"""Importing the roster from CSV and JSON files: valid rows in, rejected rows reported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from activities.roster import RosterStore, import_roster, load_demo_roster
from glossary.request import Theme
from glossary.roster import CandidateQuery, Reservation
from tests.activities.roster_support import JUNE, roster_file, small_roster

CSV_FOCAL_POINTS = """id,name,email,member_state,timezone
FP-FR,Amelie Girard,amelie.girard@focal.fr.example.eu,France,Europe/Paris
FP-XX,Bad Address,not-an-address,Nowhere,UTC
"""
CSV_EXPERTS = """id,name,email,nationality,category,expertise,languages,timezone,focal_point_id,\
unavailable,deployments,conflicts
EX-FR-01,Camille Martin,camille.martin@fr.example.eu,France,EU MS official,\
migration data; border management,English;French,Europe/Paris,FP-FR,\
2026-07-01/2026-07-31,2016-16:3:2017-09-18:2017-09-20:migration data,Kenya
EX-FR-02,Julien Bernard,julien.bernard@fr.example.eu,France,EU MS official,\
labour migration,French,Europe/Paris,FP-FR,,,
EX-FR-03,No Focal,no.focal@fr.example.eu,France,EU MS official,diaspora,French,\
Europe/Paris,FP-ZZ,,,
EX-FR-04,Bad Zone,bad.zone@fr.example.eu,France,EU MS official,diaspora,French,Mars/Olympus,\
FP-FR,,,
EX-FR-01,Camille Again,camille.again@fr.example.eu,France,EU MS official,diaspora,French,\
Europe/Paris,FP-FR,,,
EX-FR-05,Bad Period,bad.period@fr.example.eu,France,EU MS official,diaspora,French,\
Europe/Paris,FP-FR,2026-07-01,,
EX-FR-06,"Line
Break",line.break@fr.example.eu,France,EU MS official,diaspora,French,Europe/Paris,FP-FR,,,
EX-FR-07,Wrong Order,wrong.order@fr.example.eu,France,EU MS official,diaspora,French,\
Europe/Paris,FP-FR,2026-07-31/2026-07-01,,
"""


def test_a_csv_import_takes_the_valid_rows_and_reports_each_rejected_one(
    tmp_path: Path, database_url: str
) -> None:
    url = database_url
    (tmp_path / "focal_points.csv").write_text(CSV_FOCAL_POINTS)
    (tmp_path / "experts.csv").write_text(CSV_EXPERTS)

    focal = import_roster(url, tmp_path / "focal_points.csv")
    experts = import_roster(url, tmp_path / "experts.csv")

    assert (focal.focal_points, focal.experts) == (1, 0)
    assert [(r.row, r.record_id) for r in focal.rejected] == [(3, "FP-XX")]
    assert focal.rejected[0].reason == "email: 'not-an-address' is not a valid email address"
    assert experts.experts == 2
    reasons = {r.record_id + "@" + str(r.row): r.reason for r in experts.rejected}
    assert reasons == {
        "EX-FR-03@4": "focal point 'FP-ZZ' is not in the roster",
        "EX-FR-04@5": "timezone: 'Mars/Olympus' is not an IANA time zone (e.g. Africa/Nairobi)",
        "EX-FR-01@6": "id 'EX-FR-01' appears more than once in the file",
        "EX-FR-05@7": ("unavailable: '2026-07-01' is not START/END (e.g. 2026-06-01/2026-06-10)"),
        "EX-FR-06@8": "name: names must not contain line breaks or control characters",
        "EX-FR-07@10": "unavailable.0: period ends (2026-07-01) before it starts (2026-07-31)",
    }
    assert "row 4: expert EX-FR-03: focal point 'FP-ZZ'" in experts.summary()


def test_imported_lists_periods_deployments_and_conflicts_are_used(
    tmp_path: Path, database_url: str
) -> None:
    url = database_url
    (tmp_path / "focal_points.csv").write_text(CSV_FOCAL_POINTS)
    (tmp_path / "experts.csv").write_text(CSV_EXPERTS)
    import_roster(url, tmp_path / "focal_points.csv")
    import_roster(url, tmp_path / "experts.csv")
    store = RosterStore(url)

    def ids(country: str, start: str, end: str) -> list[str]:
        query = CandidateQuery.model_validate(
            {
                "reference": "2026-07",
                "start": start,
                "end": end,
                "country": country,
                "expertise": ["migration data"],
                "languages": ["French"],
            }
        )
        return [c.expert_id for c in store.search(query)]

    assert ids("Senegal", "2026-06-01", "2026-06-03") == ["EX-FR-01"]
    assert ids("Senegal", "2026-07-10", "2026-07-12") == []  # unavailable in July
    assert ids("Kenya", "2026-06-01", "2026-06-03") == []  # declared conflict
    [candidate] = store.search(
        CandidateQuery(reference="2026-07", start=JUNE[0], end=JUNE[1], expertise=["border"])
    )
    assert candidate.past_deployments == 1
    contact = store.contact("EX-FR-01")
    assert contact.focal_point is not None and contact.focal_point.id == "FP-FR"


def test_a_json_expert_whose_focal_point_was_rejected_is_rejected_too(
    tmp_path: Path, database_url: str
) -> None:
    path = tmp_path / "roster.json"
    path.write_text(
        json.dumps(
            {
                "focal_points": [
                    {"id": "FP-1", "name": "Bad", "email": "bad@", "member_state": "Malta"}
                ],
                "experts": [
                    {
                        "id": "EX-1",
                        "name": "A B",
                        "email": "a.b@example.org",
                        "nationality": "Malta",
                        "focal_point_id": "FP-1",
                    },
                    "not an object",
                ],
            }
        )
    )

    report = import_roster(database_url, path)

    assert (report.experts, report.focal_points) == (0, 0)
    assert [(r.kind, r.row, r.reason) for r in report.rejected] == [
        ("focal_point", 1, "email: 'bad@' is not a valid email address"),
        ("expert", 1, "focal point 'FP-1' is not in the roster"),
        ("expert", 2, "not a JSON object"),
    ]


def test_importing_again_updates_people_and_keeps_reservations(
    tmp_path: Path, database_url: str
) -> None:
    url = small_roster(tmp_path, database_url)
    store = RosterStore(url)
    held = Reservation(
        expert_id="EX-C", reference="2026-07", activity=1, start=JUNE[0], end=JUNE[1]
    )
    assert store.reserve(held).won

    again = import_roster(url, roster_file(tmp_path))

    assert again.ok and again.experts == 9
    assert store.counts() == (9, 2)
    rival = held.model_copy(update={"reference": "2026-08"})
    assert not store.reserve(rival).won


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("roster.xlsx", "", "a roster file is .csv or .json"),
        ("roster.json", "{not json", "not valid JSON"),
        ("roster.json", '"a string"', "a JSON roster is an object"),
        ("roster.csv", "name,email\nA,a@example.org\n", "needs a header line with at least an id"),
        ("request.json", '{"title": "x", "country": "Kenya"}', r"not a roster: .*\(this has"),
        ("roster.json", '{"experts": {"id": "EX-1"}}', "experts must be a list"),
        ("roster.json", "[]", "holds no roster records"),
        ("roster.json", '{"experts": [], "focal_points": []}', "holds no roster records"),
        ("roster.csv", "id,nationality\n", "holds no roster records"),
        ("requests.csv", "id,title,country\n1,x,Kenya\n", "not a roster: the CSV header"),
    ],
)
def test_an_unusable_file_is_refused_as_a_whole(
    tmp_path: Path, database_url: str, name: str, content: str, message: str
) -> None:
    (tmp_path / name).write_text(content)

    with pytest.raises(ValueError, match=message):
        import_roster(database_url, tmp_path / name)


def test_the_demo_roster_loads_fictitious_people_who_cover_every_theme(
    tmp_path: Path, database_url: str
) -> None:
    url = database_url

    report = load_demo_roster(url)

    assert report.ok, report.summary()
    assert (report.experts, report.focal_points) == (60, 30)
    store = RosterStore(url)
    for theme in Theme:
        query = CandidateQuery(
            reference="2026-07",
            start=JUNE[0],
            end=JUNE[1],
            expertise=[theme.value],
            languages=["English"],
        )
        assert len(store.search(query)) >= 2, f"fewer than two candidates for {theme}"
    contact = store.contact(store.search(query)[0].expert_id)
    for person in (contact.expert, contact.focal_point):
        assert person is not None
        assert person.email.endswith((".example.eu", ".example.org"))
    assert load_demo_roster(url).ok and store.counts() == (60, 30)

"""The knowledge register (issue 14): closed Actions found by what they produced and the
lessons drawn, by SQLite FTS5 and by PostgreSQL full-text search (every test runs on both)."""

from __future__ import annotations

from datetime import date

from alembic import command
from sqlalchemy import insert

from glossary import ActionStatus
from glossary.register import RegisterRecord
from glossary.status import ActivityView
from store.db import dispose_engine, new_engine
from store.knowledge import Knowledge
from store.register import Register
from store.schema import config, head, upgrade
from store.tables import RegisterRow


def _record(reference: str, country: str, region: str, themes: list[str], outputs: list[str],
            title: str, cancelled: list[str] | None = None) -> RegisterRecord:  # fmt: skip
    activities = [
        ActivityView(
            number=1,
            type="drafting session",
            title=f"Drafting session of {title}",
            place="capital",
            start=date(2016, 5, 2),
            end=date(2016, 5, 4),
            stage="delivered",
            outputs=outputs,
            evaluation_summary="participants rated the drafting very useful",
        ),
        *(
            ActivityView(
                number=2 + n,
                type="study visit",
                title=text,
                place="Lisbon",
                start=date(2016, 9, 1),
                end=date(2016, 9, 3),
                stage="cancelled",
            )
            for n, text in enumerate(cancelled or [])
        ),
    ]
    return RegisterRecord(
        reference=reference,
        status=ActionStatus(
            reference=reference,
            name=title,
            stage="closed",
            title=title,
            country=country,
            region=region,
            themes=themes,
            project_officer="",
            received_on=date(int(reference[:4]), 2, 1),
            activities=activities,
            adopted=True,
            adoption="approved by Supreme Decree 12/2017",
        ),
    )


ANGOLA = _record(
    "2016-03",
    "Angola",
    "Sub-Saharan Africa",
    ["international protection & asylum"],
    ["draft asylum law", "recommendations on reception conditions"],
    "Angola: asylum legislation",
    cancelled=["Study visit on border surveillance"],
)
PERU = _record(
    "2016-07",
    "Peru",
    "Latin America and the Caribbean",
    ["labour migration", "migration data"],
    ["labour migration strategy 2017-2021", "data collection manual"],
    "Peru: labour migration strategy",
)


def _loaded(url: str) -> Knowledge:
    register = Register(url)
    register.put(ANGOLA)
    register.put(PERU)
    return Knowledge(url)


def test_an_action_is_found_by_its_outputs_with_the_words_stemmed(database_url: str):
    knowledge = _loaded(database_url)

    found = knowledge.search("asylum laws")

    assert [f.reference for f in found] == ["2016-03"]
    assert "draft asylum law" in found[0].produced
    assert found[0].themes == ["international protection & asylum"]


def test_every_word_must_match_and_cancelled_activities_produced_nothing(database_url: str):
    knowledge = _loaded(database_url)

    assert knowledge.search("labour strategy")[0].reference == "2016-07"
    assert knowledge.search("asylum strategy") == []
    assert knowledge.search("border surveillance") == []


def test_lessons_written_later_are_searched_too(database_url: str):
    knowledge = _loaded(database_url)
    Register(database_url).set_lessons("2016-07", "Involve the statistics office early.")

    [found] = knowledge.search("statistics office")

    assert (found.reference, found.lessons) == ("2016-07", "Involve the statistics office early.")
    # The workflow writing the record again (a retried activity) keeps the lessons found.
    Register(database_url).put(PERU.model_copy(update={"ended_at": None}))
    assert [f.reference for f in knowledge.search("statistics")] == ["2016-07"]


def test_filters_by_theme_country_and_region(database_url: str):
    knowledge = _loaded(database_url)

    assert [f.reference for f in knowledge.search("", theme="migration data")] == ["2016-07"]
    assert [f.reference for f in knowledge.search("decree", country="Angola")] == ["2016-03"]
    assert knowledge.search("decree", region="Central Asia") == []
    assert [f.reference for f in knowledge.search("decree")] == ["2016-03", "2016-07"]


def test_search_syntax_in_the_text_is_taken_as_words(database_url: str):
    knowledge = _loaded(database_url)

    for text in ['asylum" OR "peru', "title:asylum", "asylum*", "NEAR(asylum law)", "asylum -law"]:
        found = knowledge.search(text)
        assert all(f.reference == "2016-03" for f in found), text


def test_a_register_of_release_0_3_becomes_searchable_when_upgraded(database_url: str):
    engine = new_engine(database_url)
    command.upgrade(config(engine), "0003")
    with engine.begin() as connection:
        connection.execute(
            insert(RegisterRow).values(
                reference="2016-03",
                year=2016,
                stage="closed",
                region="Sub-Saharan Africa",
                country="Angola",
                source="workflow",
                written_at=0.0,
                record=ANGOLA.model_dump_json(),
                lessons="Translate the drafts into Portuguese first.",
            )
        )
    assert upgrade(engine) == ("0003", head())
    engine.dispose()
    dispose_engine(database_url)

    [found] = Knowledge(database_url).search("portuguese drafts")

    assert found.reference == "2016-03"

"""`mieux publish --out DIR` (issue 14): the public pages of approved Actions, running ones
from Temporal and ended ones from the register; no person, no vote on any page."""

from __future__ import annotations

import pytest

from tests.starter.conftest import EXAMPLES, Cli, eventually

pytestmark = pytest.mark.usefixtures("worker")


async def _approved(cli: Cli) -> str:
    reference = await cli.to_psg(name="Kenya X")
    for member in ("DG_INTPA", "DG_HOME", "EEAS"):
        await cli.ok("approve", reference, "--member", member, "--comment", "Ana Silva agrees")
    return reference


async def test_the_site_has_a_page_per_approved_action_and_an_index_by_region_and_theme(
    cli: Cli,
):
    await cli.ok("register", "import", str(EXAMPLES / "register-2009-2015.json"))
    approved = await _approved(cli)
    rejected = await cli.submit(name="Kenya XI")
    await cli.ok("intake", rejected, "reject", "--reason", "not eligible")

    async def listed() -> bool | None:
        return True if approved in await cli.ok("list") else None

    await eventually(listed)
    site = cli.tmp_path / "site"
    said = await cli.ok("publish", "--out", str(site))

    pages = sorted(p.name for p in (site / "actions").glob("*.html"))
    english = [name for name in pages if name.count(".") == 1]
    assert english == ["2009-01.html", "2009-02.html", f"{approved}.html"]
    # Angola's page in Portuguese too (issue 23); the others work in English.
    assert sorted(set(pages) - set(english)) == ["2009-01.pt.html"]
    assert said == f"3 Action pages and the index written to {site}\n"
    index = (site / "index.html").read_text(encoding="utf-8")
    assert '<h2 id="by-region">By region</h2>' in index
    assert "<h3>Sub-Saharan Africa (3)</h3>" in index
    assert "<h3>irregular migration &amp; THB (2)</h3>" in index
    assert f'href="actions/{approved}.html"' in index and rejected not in index
    page = (site / "actions" / f"{approved}.html").read_text(encoding="utf-8")
    assert "<dd>under way</dd>" in page and 'href="../index.html"' in page
    assert "Migration data workshop" in page
    for text in [page, (site / "actions" / f"{approved}.md").read_text(encoding="utf-8")]:
        assert "Ana Silva" not in text and "DG_HOME" not in text
        assert "focal@immigration.example.ke" not in text and "Partner Focal Point" not in text


async def test_publish_into_a_file_exits_2_and_writes_nothing(cli: Cli):
    taken = cli.tmp_path / "site.txt"
    taken.write_text("not a folder")

    refused = await cli("publish", "--out", str(taken))

    assert refused.code == 2
    assert refused.err == f"mieux: --out: {taken} is a file, not a folder\n"
    assert taken.read_text() == "not a folder"


def test_a_page_in_the_partner_countrys_language_stands_beside_the_english_one(tmp_path):
    """Issue 23: a Niger Action's public page in French too, each linking to the other; the
    index stays English."""
    from reads.public_site import write_site
    from reads.reports.case_file import CaseFile
    from tests.starter.test_status_view import _rich_status

    status = _rich_status().model_copy(
        update={"country": "Niger", "on_hold": False, "stage": "implementation"}
    )
    write_site([CaseFile(status, ("national authority",), ("Niger",), ("Ministère",))], tmp_path)

    english = (tmp_path / "actions" / "2027-04.html").read_text()
    french = (tmp_path / "actions" / "2027-04.fr.html").read_text()
    assert '<html lang="en" dir="ltr">' in english and 'href="2027-04.fr.html"' in english
    assert '<html lang="fr" dir="ltr">' in french and 'href="2027-04.html"' in french
    assert "<dt>Demandée par</dt><dd>Ministère</dd>" in french
    assert "<dt>État</dt><dd>en cours</dd>" in french
    assert "Toutes les Actions MIEUX" in french
    assert "atelier" not in english and "mobilising" not in french
    assert not (tmp_path / "actions" / "2027-04.en.html").exists()

"""`mieux policy show`: each clock with its value and where it came from (issue 14)."""

from __future__ import annotations

import json

import pytest

from tests.starter.conftest import Cli


async def test_each_clock_names_its_source(cli: Cli, monkeypatch: pytest.MonkeyPatch):
    toml = cli.tmp_path / "mieux.toml"
    toml.write_text('[policy]\nconsultation_window = "P7D"\npsg_reminders = ["P4D"]\n')
    monkeypatch.setenv("MIEUX_CONFIG", str(toml))
    monkeypatch.setenv("MIEUX_POLICY__FICHE_DEADLINE", "P28D")

    rows = {r["setting"]: r for r in json.loads(await cli.ok("policy", "show", "--json"))}
    text = await cli.ok("policy", "show")

    assert rows["policy.fiche_deadline"] == {
        "setting": "policy.fiche_deadline",
        "value": "P28D",
        "source": "environment (MIEUX_POLICY__FICHE_DEADLINE)",
    }
    assert rows["policy.consultation_window"]["value"] == "P7D"
    assert rows["policy.consultation_window"]["source"] == f"TOML ({toml})"
    assert rows["policy.psg_reminders"]["value"] == ["P4D"]
    assert rows["policy.intake_deadline"] == {
        "setting": "policy.intake_deadline",
        "value": "P7D",
        "source": "default",
    }
    assert "policy.fiche_deadline" in text and "P28D  [environment" in text


async def test_mieux_process_prints_the_clocks_of_the_policy_in_force(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("MIEUX_POLICY__FICHE_DEADLINE", "P28D")
    shown = await cli.ok("process")
    diagram = await cli.ok("process", "--mermaid")

    assert "fiche: 28 d (`fiche_deadline`)" in shown
    assert "| PSG review (`psg_review`) |" in shown
    assert diagram.startswith("stateDiagram-v2\n    [*] --> intake\n")
    assert "psg_review --> fiche_drafting: revision asked" in diagram

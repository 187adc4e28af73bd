"""Settings: MIEUX_* with `__` nesting, a TOML file named by MIEUX_CONFIG, TEMPORAL_*."""

from datetime import timedelta

import pytest

from config import SettingsError, load_settings
from glossary.policy import DecisionRule


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    import os

    for name in list(os.environ):
        if name.startswith(("MIEUX_", "TEMPORAL_")):
            monkeypatch.delenv(name)


def test_defaults_follow_the_domain_policy():
    settings = load_settings()
    assert settings.task_queue == "mieux"
    assert settings.policy.fiche_deadline == timedelta(days=21)
    assert settings.policy.fiche_reminders == [timedelta(days=d) for d in (7, 14, 19)]
    assert settings.policy.psg_decision_rule == DecisionRule.UNANIMITY
    assert settings.policy.follow_up_after == timedelta(days=180)
    assert settings.temporal.address == "127.0.0.1:7233"


def test_nested_environment_variables_set_iso_durations(monkeypatch):
    monkeypatch.setenv("MIEUX_POLICY__FICHE_DEADLINE", "P3W")
    monkeypatch.setenv("MIEUX_POLICY__FICHE_REMINDERS", '["P1D", "PT36H"]')
    monkeypatch.setenv("MIEUX_POLICY__PSG_DECISION_RULE", "silence_approves")
    monkeypatch.setenv("MIEUX_SMTP__PORT", "2525")
    settings = load_settings()
    assert settings.policy.fiche_deadline == timedelta(days=21)
    assert settings.policy.fiche_reminders == [timedelta(days=1), timedelta(hours=36)]
    assert settings.policy.psg_decision_rule == DecisionRule.SILENCE_APPROVES
    assert settings.smtp.port == 2525


def test_a_toml_file_named_by_mieux_config_is_read_and_env_wins(monkeypatch, tmp_path):
    config = tmp_path / "mieux.toml"
    config.write_text(
        'identity = "claire.martin"\n[policy]\nfiche_deadline = "P28D"\n'
        '[temporal]\naddress = "temporal.example.org:7233"\n'
    )
    monkeypatch.setenv("MIEUX_CONFIG", str(config))
    monkeypatch.setenv("TEMPORAL_NAMESPACE", "mieux-prod")
    settings = load_settings()
    assert settings.identity == "claire.martin"
    assert settings.policy.fiche_deadline == timedelta(days=28)
    assert settings.temporal.address == "temporal.example.org:7233"
    assert settings.temporal.namespace == "mieux-prod"
    monkeypatch.setenv("TEMPORAL_ADDRESS", "other.example.org:7233")
    assert load_settings().temporal.address == "other.example.org:7233"


def test_the_standard_temporal_variables_configure_a_cloud_connection(monkeypatch):
    monkeypatch.setenv("TEMPORAL_ADDRESS", "mieux.a1b2c.tmprl.cloud:7233")
    monkeypatch.setenv("TEMPORAL_NAMESPACE", "mieux.a1b2c")
    monkeypatch.setenv("TEMPORAL_API_KEY", "secret-key")
    settings = load_settings()
    assert settings.temporal.namespace == "mieux.a1b2c"
    assert settings.temporal.api_key.get_secret_value() == "secret-key"
    assert "secret-key" not in repr(settings)


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        (
            "MIEUX_POLICY__FICHE_DEADLINE",
            "three weeks",
            "invalid setting policy.fiche_deadline (MIEUX_POLICY__FICHE_DEADLINE): "
            "'three weeks' is not an ISO-8601 duration such as P21D or PT30S",
        ),
        (
            "MIEUX_POLICY__FICHE_DEADLINE",
            "-P1D",
            "invalid setting policy.fiche_deadline (MIEUX_POLICY__FICHE_DEADLINE): "
            "must be a positive duration such as P7D",
        ),
        (
            "MIEUX_SMTP__SECURITY",
            "ssl",
            "invalid setting smtp.security (MIEUX_SMTP__SECURITY): "
            "Input should be 'none', 'starttls' or 'tls'",
        ),
        (
            "MIEUX_POLICY__WORKING_HOURS",
            "weekdays",
            "invalid setting policy.working_hours (MIEUX_POLICY__WORKING_HOURS): "
            "'weekdays' is not like 'Mon-Fri 09:00-17:00'",
        ),
        (
            "TEMPORAL_ADDRESS",
            "localhost",
            "invalid setting temporal.address (TEMPORAL_ADDRESS): 'localhost' is not host:port",
        ),
    ],
)
def test_an_invalid_setting_stops_with_one_line_naming_it(monkeypatch, variable, value, message):
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as error:
        load_settings()
    assert str(error.value) == message
    assert "\n" not in str(error.value)


def test_a_missing_or_broken_config_file_is_named(monkeypatch, tmp_path):
    monkeypatch.setenv("MIEUX_CONFIG", str(tmp_path / "absent.toml"))
    with pytest.raises(SettingsError, match=r"absent\.toml.*is not a file"):
        load_settings()
    broken = tmp_path / "broken.toml"
    broken.write_text("[policy\n")
    monkeypatch.setenv("MIEUX_CONFIG", str(broken))
    with pytest.raises(SettingsError, match="is not valid TOML"):
        load_settings()


def test_a_psg_named_in_the_environment_replaces_the_demo_desks(monkeypatch):
    monkeypatch.setenv(
        "MIEUX_STAFF__PSG",
        '{"DG_HOME": [{"id": "home.1", "name": "Home desk", "email": "home1@home.example.eu"}],'
        ' "EEAS": [{"id": "eeas.1", "name": "EEAS desk", "email": "eeas1@eeas.example.eu"}]}',
    )
    monkeypatch.setenv(
        "MIEUX_STAFF__EC_SERVICES",
        '[{"id": "intpa.geo", "name": "INTPA geo desk", "email": "geo@intpa.example.eu"}]',
    )
    staff = load_settings().staff
    assert {body: [p.id for p in people] for body, people in staff.psg.items()} == {
        "DG_HOME": ["home.1"],
        "EEAS": ["eeas.1"],
    }
    assert [p.id for p in staff.ec_services] == ["intpa.geo"]
    # The groups not given keep the demo directory's people.
    assert staff.programme_manager.id == "pm.rossi"


def test_a_psg_named_in_toml_replaces_the_demo_desks(monkeypatch, tmp_path):
    config = tmp_path / "mieux.toml"
    config.write_text(
        """
[staff.programme_manager]
id = "pm.lund"
name = "Programme Manager"
email = "pm.lund@mieux.example.org"

[[staff.psg.DG_INTPA]]
id = "intpa.1"
name = "INTPA desk"
email = "intpa1@intpa.example.eu"
"""
    )
    monkeypatch.setenv("MIEUX_CONFIG", str(config))
    staff = load_settings().staff
    assert list(staff.psg) == ["DG_INTPA"]
    assert [p.id for p in staff.psg["DG_INTPA"]] == ["intpa.1"]
    assert staff.programme_manager.id == "pm.lund"
    assert [p.id for p in staff.ec_services] == ["ec.services"]


def test_without_a_psg_in_settings_the_demo_desks_stand_in():
    assert set(load_settings().staff.psg) == {"DG_INTPA", "DG_HOME", "EEAS"}

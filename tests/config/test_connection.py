"""The connection settings read without pydantic (`config.connection`) are the settings'
own: the same values from the same sources, the same refusals in the same words."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.connection import Connection, read_connection
from config.settings import load_connection_settings, load_settings
from config.sources import SettingsError
from worker.codec import new_key

KEY = new_key()

# Each case: environment variables and the TOML file's text (None: no file).
AGREEING: list[tuple[dict[str, str], str | None]] = [
    ({}, None),
    ({"TEMPORAL_ADDRESS": "temporal.example.org:7233", "TEMPORAL_NAMESPACE": "mieux"}, None),
    ({"MIEUX_TEMPORAL__ADDRESS": "a.example.org:7233", "TEMPORAL_ADDRESS": "b.example:1"}, None),
    ({"mieux_task_queue": "lower-case-name", "MIEUX_IDENTITY": "po.martin"}, None),
    ({"TEMPORAL_TLS": "true", "TEMPORAL_API_KEY": "secret"}, None),
    ({"TEMPORAL_TLS": "No"}, None),
    ({"MIEUX_TEMPORAL__API_KEY": ""}, None),
    ({"MIEUX_TEMPORAL__PAYLOAD_KEY": KEY, "MIEUX_TEMPORAL__PAYLOAD_KEY_ID": "k2"}, None),
    ({"TEMPORAL_TLS_CLIENT_CERT_PATH": "/etc/c.pem", "TEMPORAL_TLS_SERVER_NAME": "t"}, None),
    ({}, 'task_queue = "from-toml"\n[temporal]\naddress = "toml.example:7233"\ntls = true\n'),
    (
        {"MIEUX_TEMPORAL__NAMESPACE": "env-ns"},
        '[temporal]\naddress = "toml.example:7233"\nnamespace = "toml-ns"\n',
    ),
    ({"TEMPORAL_ADDRESS": "env.example:7233"}, '[temporal]\naddress = "toml.example:1"\n'),
    # Values this reader leaves to the models, which take them.
    ({}, "[temporal]\ntls = 1\n"),
    ({"MIEUX_TEMPORAL": '{"address": "json.example:7233"}'}, None),
]

REFUSED: list[tuple[dict[str, str], str | None]] = [
    ({"TEMPORAL_ADDRESS": "localhost"}, None),
    ({"MIEUX_TEMPORAL__ADDRESS": "host:port"}, None),
    ({"TEMPORAL_TLS": "maybe"}, None),
    ({"TEMPORAL_TLS": " true"}, None),
    ({"MIEUX_TEMPORAL__PAYLOAD_KEY": "not base64!"}, None),
    ({"MIEUX_TEMPORAL__PAYLOAD_KEY": "c2hvcnQ="}, None),
    ({"MIEUX_TEMPORAL__PAYLOAD_KEY_ID": "k" * 41}, None),
    ({"MIEUX_IDENTITY": ""}, None),
    ({"MIEUX_TASK_QUEUE": ""}, None),
    ({}, "[temporal]\naddres = 'typo.example:7233'\n"),
    ({}, "[temporal]\naddress = 7233\n"),
    ({}, "task_queue = 5\n"),
    ({}, "[temporal\n"),
    ({"MIEUX_CONFIG": "/nowhere/mieux.toml"}, None),
]


def _environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, env: dict[str, str], toml: str | None
) -> None:
    for name in [*os.environ]:
        if name.upper().startswith(("MIEUX_", "TEMPORAL_")):
            monkeypatch.delenv(name)
    if toml is not None:
        path = tmp_path / "mieux.toml"
        path.write_text(toml)
        monkeypatch.setenv("MIEUX_CONFIG", str(path))
    for name, value in env.items():
        monkeypatch.setenv(name, value)


@pytest.mark.parametrize(("env", "toml"), AGREEING)
def test_the_connection_read_without_pydantic_is_the_settings_own(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, env: dict[str, str], toml: str | None
):
    _environment(monkeypatch, tmp_path, env, toml)

    lean = read_connection()

    assert lean == Connection.of(load_connection_settings())
    assert lean == Connection.of(load_settings())


@pytest.mark.parametrize(("env", "toml"), REFUSED)
def test_a_bad_connection_setting_is_refused_in_the_settings_words(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, env: dict[str, str], toml: str | None
):
    _environment(monkeypatch, tmp_path, env, toml)

    with pytest.raises(SettingsError) as lean:
        read_connection()
    with pytest.raises(SettingsError) as full:
        load_settings()

    assert str(lean.value) == str(full.value)
    assert "\n" not in str(lean.value)


def test_a_bad_setting_outside_the_connection_does_not_stop_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    _environment(monkeypatch, tmp_path, {"MIEUX_SMTP__PORT": "none"}, "[policy]\nfoo = 1\n")

    assert read_connection().temporal.address == "127.0.0.1:7233"
    with pytest.raises(SettingsError, match=r"smtp\.port|policy"):
        load_settings()


def test_reading_the_connection_imports_no_pydantic():
    probe = (
        "import sys; from config.connection import read_connection; read_connection();"
        " print(sorted(m for m in sys.modules if m.split('.')[0].startswith('pydantic')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, env={}
    )
    assert done.stdout.strip() == "[]"

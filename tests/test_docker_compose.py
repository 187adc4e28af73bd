"""docker-compose.yml, the Dockerfile and .dockerignore stay wired to the code: the worker
runs pyproject's console script against the stack's own services, and the setup container
registers exactly the search attributes of workflows/search_attributes.py. No Docker needed."""

from __future__ import annotations

import fnmatch
import json
import os
import re
import shlex
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy.engine import make_url
from temporalio.common import SearchAttributeIndexedValueType

from config import load_settings
from config.settings import SmtpSecurity
from workflows import search_attributes

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"

MAIL_CATCHER = "mailpit"
SETUP = "temporal-setup"
CLI_TYPE_NAMES = {
    SearchAttributeIndexedValueType.TEXT: "Text",
    SearchAttributeIndexedValueType.KEYWORD: "Keyword",
    SearchAttributeIndexedValueType.INT: "Int",
    SearchAttributeIndexedValueType.DOUBLE: "Double",
    SearchAttributeIndexedValueType.BOOL: "Bool",
    SearchAttributeIndexedValueType.DATETIME: "Datetime",
    SearchAttributeIndexedValueType.KEYWORD_LIST: "KeywordList",
}

_VARIABLE = re.compile(r"\$\$|\$\{(\w+)(?::?-([^}]*))?\}")


def _interpolate(value: Any) -> Any:
    """What compose does with an empty environment: ${VAR:-default} -> default, $$ -> $."""
    if isinstance(value, str):
        return _VARIABLE.sub(lambda m: "$" if m.group(0) == "$$" else m.group(2) or "", value)
    if isinstance(value, list):
        return [_interpolate(v) for v in value]
    if isinstance(value, dict):
        return {k: _interpolate(v) for k, v in value.items()}
    return value


@pytest.fixture(scope="module")
def services() -> dict[str, dict[str, Any]]:
    return _interpolate(yaml.safe_load(COMPOSE_FILE.read_text())["services"])


@pytest.fixture(scope="module")
def pyproject() -> dict[str, Any]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {key: str(value) for key, value in env.items()}


def argv(value: str | list[str] | None) -> list[str]:
    if value is None:
        return []
    return shlex.split(value) if isinstance(value, str) else [str(v) for v in value]


def published(service: dict[str, Any]) -> dict[int, int]:
    """Host port -> container port, from the short ("[ip:]host:container") or long syntax."""
    ports: dict[int, int] = {}
    for entry in service.get("ports", []):
        if isinstance(entry, dict):
            ports[int(entry["published"])] = int(entry["target"])
            continue
        parts = str(entry).split("/")[0].split(":")
        if len(parts) >= 2:
            ports[int(parts[-2])] = int(parts[-1])
    return ports


def script(service: dict[str, Any]) -> str:
    return " ".join(argv(service.get("entrypoint")) + argv(service.get("command")))


def dockerfile_instructions() -> list[tuple[str, str]]:
    joined = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    found = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            found.append((keyword.upper(), rest.strip()))
    return found


def test_the_stack_has_its_services(services: dict[str, dict[str, Any]]) -> None:
    for name in (
        "postgresql",
        "temporal-schema",
        "temporal",
        SETUP,
        "temporal-ui",
        MAIL_CATCHER,
        "worker",
    ):
        assert name in services, f"docker-compose.yml has no service {name!r}"
    assert "postgres:" in services["postgresql"]["image"]
    assert services["temporal"]["image"].startswith("temporalio/server:")
    assert services["temporal-ui"]["image"].startswith("temporalio/ui:")
    assert services[MAIL_CATCHER]["image"].startswith("axllent/mailpit:")
    assert services[SETUP]["image"].startswith("temporalio/admin-tools:")


def test_images_are_pinned_and_tools_match_the_server(services: dict[str, dict[str, Any]]) -> None:
    for name, service in services.items():
        if "image" not in service:
            continue
        _, _, tag = service["image"].rpartition(":")
        assert "/" not in tag and tag not in ("", "latest"), f"{name}: pin {service['image']}"
    server = services["temporal"]["image"].rpartition(":")[2]
    # The schema tool must bring the database to the schema of the server that will use it.
    for name in ("temporal-schema", SETUP):
        assert services[name]["image"] == f"temporalio/admin-tools:{server}"


def test_published_ports(services: dict[str, dict[str, Any]]) -> None:
    assert published(services["temporal"]).get(7233) == 7233
    ui = published(services["temporal-ui"])
    assert ui.get(8080) == 8080 or ui.get(8233) == 8080, ui
    assert published(services[MAIL_CATCHER]).get(8025) == 8025  # mailpit's web inbox


def test_the_worker_runs_pyprojects_console_script(
    services: dict[str, dict[str, Any]], pyproject: dict[str, Any]
) -> None:
    assert pyproject["project"]["scripts"]["mieux"] == "starter.cli:main"
    worker = services["worker"]
    assert argv(worker.get("entrypoint")) + argv(worker.get("command")) == ["mieux", "worker"]
    assert worker["build"] in (".", {"context": "."})

    instructions = dockerfile_instructions()
    last = {keyword: rest for keyword, rest in instructions}
    assert last["FROM"] == "python:3.11-slim"
    assert json.loads(last["ENTRYPOINT"]) + json.loads(last["CMD"]) == ["mieux", "worker"]
    runs = " ".join(rest for keyword, rest in instructions if keyword == "RUN")
    assert re.search(r"pip install \"?\.\[postgres\]\"?", runs), runs
    assert "psycopg" in " ".join(pyproject["project"]["optional-dependencies"]["postgres"])


def test_the_worker_talks_to_the_stacks_services(services: dict[str, dict[str, Any]]) -> None:
    env = environment(services["worker"])
    host, _, port = env["TEMPORAL_ADDRESS"].rpartition(":")
    assert host == "temporal" and port == "7233"
    assert env["TEMPORAL_NAMESPACE"] == environment(services[SETUP])["TEMPORAL_NAMESPACE"]
    assert environment(services[SETUP])["TEMPORAL_ADDRESS"] == env["TEMPORAL_ADDRESS"]
    assert environment(services["temporal-ui"])["TEMPORAL_ADDRESS"] == env["TEMPORAL_ADDRESS"]
    assert env["MIEUX_SMTP__HOST"] == MAIL_CATCHER
    assert env["MIEUX_SMTP__PORT"] == "1025"  # mailpit's SMTP port inside the network
    assert env.get("MIEUX_TASK_QUEUE", "mieux") == "mieux"

    roster = make_url(env["MIEUX_DATABASE__URL"])
    database = environment(services["postgresql"])
    assert roster.drivername == "postgresql+psycopg"
    assert roster.host == "postgresql"
    assert roster.database == database["POSTGRES_DB"]
    assert (roster.username, roster.password) == (
        database["POSTGRES_USER"],
        database["POSTGRES_PASSWORD"],
    )


def test_the_worker_environment_is_valid_settings(
    services: dict[str, dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Misspelt or invalid MIEUX_* / TEMPORAL_* variables would stop the worker at start."""
    for name in list(os.environ):
        if name.startswith(("MIEUX_", "TEMPORAL_")):
            monkeypatch.delenv(name)
    for name, value in environment(services["worker"]).items():
        monkeypatch.setenv(name, value)
    settings = load_settings()
    assert settings.temporal.address == "temporal:7233"
    assert settings.smtp.host == MAIL_CATCHER
    assert settings.smtp.security in set(SmtpSecurity)
    assert settings.task_queue == "mieux"
    assert settings.database_url.startswith("postgresql+psycopg://")


def test_every_search_attribute_is_registered_with_its_type(
    services: dict[str, dict[str, Any]],
) -> None:
    wanted = {key.name: CLI_TYPE_NAMES[key.indexed_value_type] for key in search_attributes.ALL}
    text = script(services[SETUP])
    registered = dict(re.findall(r"search-attribute create --name (\w+) --type (\w+)", text))
    assert registered == wanted


def test_start_up_order(services: dict[str, dict[str, Any]]) -> None:
    def waits_for(service: str, other: str) -> str:
        return services[service]["depends_on"][other]["condition"]

    assert waits_for("temporal-schema", "postgresql") == "service_healthy"
    assert waits_for("temporal", "temporal-schema") == "service_completed_successfully"
    assert waits_for(SETUP, "temporal") == "service_healthy"
    assert waits_for("worker", SETUP) == "service_completed_successfully"
    for name in ("postgresql", "temporal", MAIL_CATCHER):
        assert services[name].get("healthcheck"), f"{name} needs a healthcheck"

    server = environment(services["temporal"])
    assert server["DB"] == "postgres12" and server["POSTGRES_SEEDS"] == "postgresql"
    assert "--plugin postgres12" in script(services["temporal-schema"])


def test_several_workers_share_the_queue(services: dict[str, dict[str, Any]]) -> None:
    worker = services["worker"]
    assert worker["deploy"]["replicas"] >= 2
    assert "container_name" not in worker  # a fixed name would forbid more than one


def test_dockerignore_keeps_what_the_build_needs(pyproject: dict[str, Any]) -> None:
    patterns = [
        line.strip()
        for line in DOCKERIGNORE.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    packages = [
        p.rstrip("*") for p in pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    ]
    for needed in ["pyproject.toml", pyproject["project"]["readme"], *packages]:
        hits = [p for p in patterns if not p.startswith("!") and fnmatch.fnmatch(needed, p)]
        assert not hits, f".dockerignore leaves {needed} out of the image ({hits})"
    assert ".venv" in patterns and ".git" in patterns


@pytest.mark.skipif(shutil.which("docker-compose") is None, reason="docker-compose not installed")
def test_compose_schema_validation() -> None:
    result = subprocess.run(
        ["docker-compose", "-f", str(COMPOSE_FILE), "config", "-q"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


def test_the_web_service_serves_links_board_and_the_uis_codec_endpoint():
    services = yaml.safe_load(COMPOSE_FILE.read_text())["services"]
    web = services["web"]
    assert (web["entrypoint"], web["command"]) == (["mieux"], ["web"])
    assert web["ports"] == ["127.0.0.1:8234:8234"]
    env = web["environment"]
    # The workers sign the links the web service checks: one secret, one base URL.
    worker = services["worker"]["environment"]
    assert env["MIEUX_WEB__SECRET"] == worker["MIEUX_WEB__SECRET"]
    assert env["MIEUX_WEB__BASE_URL"] == worker["MIEUX_WEB__BASE_URL"] == "http://localhost:8234"
    ui = services["temporal-ui"]["environment"]
    assert ui["TEMPORAL_CODEC_ENDPOINT"] == "http://localhost:8234/codec"
    assert env["MIEUX_WEB__UI_ORIGIN"] == "http://localhost:8080"

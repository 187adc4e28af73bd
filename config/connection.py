"""What reaching Temporal takes, read without pydantic: the staff commands that only talk to
an Action (`mieux status`, `hold`, `approve`, ...) start in about the time the SDK itself
takes to import (issue 15), and read no setting they do not use.

The same sources and priority as `config.settings` (highest first: `TEMPORAL_*`,
`MIEUX_*` with `__` for nesting, the TOML file of `MIEUX_CONFIG`, the defaults), for the
`temporal` table, `task_queue` and `identity` only. A value this reader does not take as
it stands is handed to the full settings, so that an invalid setting is reported in exactly
one wording; `tests/config/test_connection.py` holds the two readers to the same answers.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from config.sources import TEMPORAL_ENV, decode_payload_key, default_identity

_TRUE = {"1", "on", "t", "true", "y", "yes"}
_FALSE = {"0", "off", "f", "false", "n", "no"}


@dataclass(frozen=True)
class TemporalConnection:
    """A Temporal cluster or Temporal Cloud, as `config.settings.TemporalSettings` has it."""

    address: str = "127.0.0.1:7233"
    namespace: str = "default"
    api_key: str | None = field(default=None, repr=False)
    tls: bool = False
    tls_client_cert_path: Path | None = None
    tls_client_key_path: Path | None = None
    tls_server_ca_cert_path: Path | None = None
    tls_server_name: str | None = None
    payload_key: str | None = field(default=None, repr=False)
    payload_key_id: str = "mieux-1"
    payload_old_keys: dict[str, str] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, settings: Any) -> TemporalConnection:
        """From the full settings' `temporal` (whose secrets are pydantic SecretStr)."""
        values = {f.name: getattr(settings, f.name) for f in fields(cls)}
        for secret in ("api_key", "payload_key"):
            if values[secret] is not None:
                values[secret] = values[secret].get_secret_value()
        values["payload_old_keys"] = {
            k: v.get_secret_value() for k, v in values["payload_old_keys"].items()
        }
        return cls(**values)


@dataclass(frozen=True)
class SignIn:
    """The organisation's OpenID Connect provider, as `config.settings.AuthSettings` has it
    (the part the CLI needs); no issuer: the local single-user mode."""

    issuer: str = ""
    client_id: str = "mieux"
    scopes: str = "openid email profile offline_access"

    @classmethod
    def of(cls, settings: Any) -> SignIn:
        return cls(settings.issuer, settings.client_id, settings.scopes)


@dataclass(frozen=True)
class Connection:
    temporal: TemporalConnection
    task_queue: str
    identity: str
    auth: SignIn = SignIn()

    @classmethod
    def of(cls, settings: Any) -> Connection:
        """From the full settings (`config.settings.MieuxSettings`)."""
        return cls(
            TemporalConnection.of(settings.temporal),
            settings.task_queue,
            settings.identity,
            SignIn.of(settings.auth),
        )


class _NotPlain(Exception):
    """A value this reader leaves to the full settings to judge and word."""


def read_connection() -> Connection:
    """The connection settings, or SettingsError worded as `config.settings` words it."""
    env = os.environ
    try:
        return _read(env)
    except (_NotPlain, OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        from config.settings import load_connection_settings

        # The models either say what is wrong, or take what this reader did not.
        return Connection.of(load_connection_settings())


def _read(env: Mapping[str, str]) -> Connection:
    toml = _toml(env.get("MIEUX_CONFIG"))
    mieux = {k.upper(): v for k, v in env.items() if k.upper().startswith("MIEUX_")}
    top: dict[str, Any] = {k: toml[k] for k in ("task_queue", "identity") if k in toml}
    for name in ("task_queue", "identity"):
        if f"MIEUX_{name.upper()}" in mieux:
            top[name] = mieux[f"MIEUX_{name.upper()}"]
    table = toml.get("temporal", {})
    if not isinstance(table, dict):
        raise _NotPlain
    if "MIEUX_TEMPORAL" in mieux:  # the whole table as JSON: pydantic-settings' own merge
        raise _NotPlain
    temporal = dict(table)
    prefix = "MIEUX_TEMPORAL__"
    temporal.update({k[len(prefix) :].lower(): v for k, v in mieux.items() if k.startswith(prefix)})
    temporal.update({key: env[var] for var, key in TEMPORAL_ENV.items() if var in env})
    return Connection(
        temporal=_temporal(temporal),
        task_queue=_text(top.get("task_queue", "mieux"), 1, None),
        identity=_text(top["identity"], 1, None) if "identity" in top else default_identity(),
        auth=_sign_in(toml, mieux),
    )


def _sign_in(toml: dict[str, Any], mieux: dict[str, str]) -> SignIn:
    table = toml.get("auth", {})
    if not isinstance(table, dict) or "MIEUX_AUTH" in mieux:
        raise _NotPlain
    values = dict(table)
    prefix = "MIEUX_AUTH__"
    values.update({k[len(prefix) :].lower(): v for k, v in mieux.items() if k.startswith(prefix)})
    issuer = _text(values.get("issuer", ""), 0, None)
    if issuer and not issuer.startswith(("http://", "https://")):
        raise _NotPlain
    return SignIn(
        issuer=issuer.rstrip("/"),
        client_id=_text(values.get("client_id", "mieux"), 1, None),
        scopes=_text(values.get("scopes", SignIn.scopes), 0, None),
    )


def _toml(config_file: str | None) -> dict[str, Any]:
    if not config_file:
        return {}
    path = Path(config_file)
    if not path.is_file():
        raise _NotPlain
    with path.open("rb") as file:
        return tomllib.load(file)


def _temporal(values: dict[str, Any]) -> TemporalConnection:
    known = {f.name for f in fields(TemporalConnection)} - {"payload_old_keys"}
    if set(values) - known:  # old keys (a table) are the full settings' to read
        raise _NotPlain
    address = _text(values.get("address", "127.0.0.1:7233"), 0, None)
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise _NotPlain
    payload_key = _optional_text(values.get("payload_key"))
    if payload_key:
        try:
            decode_payload_key(payload_key)
        except ValueError:
            raise _NotPlain from None
    return TemporalConnection(
        address=address,
        namespace=_text(values.get("namespace", "default"), 0, None),
        api_key=_optional_text(values.get("api_key")),
        tls=_bool(values.get("tls", False)),
        tls_client_cert_path=_path(values.get("tls_client_cert_path")),
        tls_client_key_path=_path(values.get("tls_client_key_path")),
        tls_server_ca_cert_path=_path(values.get("tls_server_ca_cert_path")),
        tls_server_name=_optional_text(values.get("tls_server_name")),
        payload_key=payload_key,
        payload_key_id=_text(values.get("payload_key_id", "mieux-1"), 1, 40),
    )


def _text(value: Any, shortest: int, longest: int | None) -> str:
    if not isinstance(value, str) or len(value) < shortest:
        raise _NotPlain
    if longest is not None and len(value) > longest:
        raise _NotPlain
    return value


def _optional_text(value: Any) -> str | None:
    return None if value is None else _text(value, 0, None)


def _path(value: Any) -> Path | None:
    return None if value is None else Path(_text(value, 0, None))


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in _TRUE | _FALSE:
        return value.lower() in _TRUE
    raise _NotPlain

"""mieux-flow settings: `MIEUX_*` environment variables (nested with `__`), an optional
TOML file named by `MIEUX_CONFIG`, and the standard `TEMPORAL_*` connection variables.

Priority, highest first: explicit arguments, `TEMPORAL_*`, `MIEUX_*`, the TOML file,
the defaults below.
"""

from __future__ import annotations

import os
import tomllib
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from config.sources import TEMPORAL_ENV as _TEMPORAL_ENV
from config.sources import SettingsError, decode_payload_key
from config.sources import default_identity as _default_identity
from config.staff import DEFAULT_STAFF
from glossary import Policy, StaffDirectory
from glossary.names import describe_validation_error
from glossary.people import check_email

__all__ = ["SettingsError", "decode_payload_key", "load_settings"]

# The demo directory without its PSG: settings deep-merge into the default, which for the
# `psg` mapping would add a deployment's bodies to the demo desks instead of replacing them.
_DEMO_STAFF_BASE = DEFAULT_STAFF.model_copy(update={"psg": {}})


class SmtpSecurity(StrEnum):
    NONE = "none"
    STARTTLS = "starttls"
    TLS = "tls"


class SmtpSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    host: str = "127.0.0.1"
    port: int = Field(default=8025, ge=1, le=65535)
    username: str | None = None
    password: SecretStr | None = None
    security: SmtpSecurity = SmtpSecurity.NONE
    sender: str = "MIEUX <mieux@mieux.example.org>"
    timeout_seconds: float = Field(default=30.0, gt=0)
    # A recipient's server that keeps deferring (4xx) is retried up to hourly, then given up
    # and reported, as mail relays do (Postfix's maximal_queue_lifetime is 5 days). Our own
    # relay being down is not a deferral: that is retried until it is back.
    give_up_after_hours: float = Field(default=120.0, gt=0)
    # The programme manager's daily list of notices whose delivery is unknown (`mieux mail
    # stuck`): a Temporal schedule the workers keep, at this hour in this zone.
    digest_hour: int = Field(default=8, ge=0, le=23)
    digest_time_zone: str = "Europe/Brussels"

    @field_validator("digest_time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not a time zone (e.g. Europe/Brussels)") from None
        return value


class DatabaseSettings(BaseModel):
    """The one database beside Temporal: roster, outbox of notices, documents."""

    model_config = ConfigDict(extra="forbid")

    url: str | None = Field(
        default=None,
        description="SQLAlchemy URL (postgresql+psycopg://... for several hosts); a SQLite"
        " file in the state folder when empty",
    )

    @field_validator("url")
    @classmethod
    def _sqlalchemy_url(cls, value: str | None) -> str | None:
        if not value:
            return None
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            make_url(value)
        except ArgumentError:
            raise ValueError(f"{value!r} is not a SQLAlchemy URL") from None
        return value


class RosterSettings(BaseModel):
    """Release 0.1's `roster.url`, replaced by `database.url` (the roster, the outbox and
    the documents share one database); kept only to say so."""

    model_config = ConfigDict(extra="forbid")

    url: str | None = None

    @field_validator("url")
    @classmethod
    def _moved(cls, value: str | None) -> str | None:
        if value:
            raise ValueError(
                "replaced by database.url (MIEUX_DATABASE__URL): the roster, the outbox and"
                " the documents share one database"
            )
        return value


class WebhookSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: SecretStr | None = Field(default=None, description="escalations are POSTed here")
    timeout_seconds: float = Field(default=10.0, gt=0)


class WebSettings(BaseModel):
    """`mieux web`: answer pages for people outside the team, the board, the codec endpoint."""

    model_config = ConfigDict(extra="forbid")

    host: str = "127.0.0.1"
    port: int = Field(default=8234, ge=1, le=65535)
    base_url: str = Field(
        default="http://127.0.0.1:8234", description="what the links in notices point at"
    )
    secret: SecretStr | None = Field(
        default=None, description="signs answer links; notices carry none without it"
    )
    old_secrets: list[SecretStr] = Field(
        default=[],
        description="secrets `secret` replaced: Actions replay what they took under them;"
        " nothing new is taken (docs/deployment.md, Rotating the web secret)",
        max_length=10,
    )
    staff_token: SecretStr | None = Field(
        default=None, description="bearer token for /board and /actions when not on loopback"
    )
    codec_token: SecretStr | None = Field(
        default=None, description="bearer token the Temporal UI sends to /codec"
    )
    ui_origin: str = Field(
        default="http://127.0.0.1:8233", description="the Temporal UI's origin, for CORS"
    )
    ui_url: str = Field(
        default="http://127.0.0.1:8233", description="where /board links into the Temporal UI"
    )

    @field_validator("base_url", "ui_origin", "ui_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"{value!r} is not an http(s) URL")
        return value.rstrip("/")


class AuthSettings(BaseModel):
    """Staff sign in through the organisation's OpenID Connect provider (docs/security.md).
    No issuer: the local single-user mode of `mieux dev`, where the local user holds every
    role. With an issuer, every staff command must carry a token the provider signed."""

    model_config = ConfigDict(extra="forbid")

    issuer: str = Field(
        default="", description="e.g. https://login.microsoftonline.com/TENANT/v2.0"
    )
    client_id: str = Field(default="mieux", min_length=1, description="also the tokens' audience")
    client_secret: SecretStr | None = Field(
        default=None, description="the web service's, for the authorization-code flow"
    )
    roles_claim: str = Field(
        default="", description="a claim listing roles (e.g. roles, groups); else the directory"
    )
    scopes: str = "openid email profile offline_access"

    @field_validator("issuer")
    @classmethod
    def _issuer_url(cls, value: str) -> str:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError(f"{value!r} is not an http(s) URL")
        return value.rstrip("/")


class DevSettings(BaseModel):
    """The embedded stack of `mieux dev` (`make run`)."""

    model_config = ConfigDict(extra="forbid")

    temporal_port: int = Field(default=7233, ge=1, le=65535)
    ui_port: int = Field(default=8233, ge=1, le=65535)
    smtp_port: int = Field(default=8025, ge=1, le=65535)


class WorkerSettings(BaseModel):
    """`mieux worker`: how much of Temporal's work one process keeps in memory."""

    model_config = ConfigDict(extra="forbid")

    # Each cached Action costs memory; an evicted one is replayed from its history on its
    # next task, which is correct, only slower (docs/deployment.md has the measured figures).
    max_cached_workflows: int = Field(default=500, ge=0, le=1_000_000)


class TemporalSettings(BaseModel):
    """A Temporal cluster or Temporal Cloud; named like the Temporal CLI's variables."""

    model_config = ConfigDict(extra="forbid")

    address: str = "127.0.0.1:7233"
    namespace: str = "default"
    api_key: SecretStr | None = None
    tls: bool = False
    tls_client_cert_path: Path | None = None
    tls_client_key_path: Path | None = None
    tls_server_ca_cert_path: Path | None = None
    tls_server_name: str | None = None
    payload_key: SecretStr | None = Field(
        default=None, description="base64 of 32 bytes: encrypts every payload (AES-256-GCM)"
    )
    payload_key_id: str = Field(default="mieux-1", min_length=1, max_length=40)
    payload_old_keys: dict[str, SecretStr] = Field(
        default={}, description="key id -> base64 key: old keys kept to read old histories"
    )

    @field_validator("payload_key")
    @classmethod
    def _key_is_usable(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and value.get_secret_value():
            decode_payload_key(value.get_secret_value())
        return value

    @field_validator("payload_old_keys")
    @classmethod
    def _old_keys_usable(cls, value: dict[str, SecretStr]) -> dict[str, SecretStr]:
        for key_id, key in value.items():
            try:
                decode_payload_key(key.get_secret_value())
            except ValueError as error:
                raise ValueError(f"old key {key_id!r} {error}") from None
        return value

    @field_validator("address")
    @classmethod
    def _host_port(cls, value: str) -> str:
        host, _, port = value.rpartition(":")
        if not host or not port.isdigit():
            raise ValueError(f"{value!r} is not host:port")
        return value


class _TemporalEnvironment(PydanticBaseSettingsSource):
    """The standard TEMPORAL_* variables, so one environment serves the CLI and mieux."""

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        found = {key: os.environ[var] for var, key in _TEMPORAL_ENV.items() if var in os.environ}
        return {"temporal": found} if found else {}


class _FromOurSources(BaseSettings):
    """Highest first: explicit arguments, `TEMPORAL_*`, `MIEUX_*`, the TOML file of
    `MIEUX_CONFIG`; the subclasses' defaults last."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [
            init_settings,
            _TemporalEnvironment(settings_cls),
            env_settings,
        ]
        config_file = os.environ.get("MIEUX_CONFIG")
        if config_file:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=Path(config_file)))
        return tuple(sources)


class MieuxSettings(_FromOurSources):
    model_config = SettingsConfigDict(
        env_prefix="MIEUX_",
        env_nested_delimiter="__",
        extra="forbid",
        nested_model_default_partial_update=True,
    )

    task_queue: str = Field(default="mieux", min_length=1)
    state_dir: Path = Path(".mieux")
    identity: str = Field(default_factory=_default_identity, min_length=1)
    policy: Policy = Policy()
    staff: StaffDirectory = _DEMO_STAFF_BASE
    smtp: SmtpSettings = SmtpSettings()
    database: DatabaseSettings = DatabaseSettings()
    roster: RosterSettings = RosterSettings()
    webhook: WebhookSettings = WebhookSettings()
    temporal: TemporalSettings = TemporalSettings()
    dev: DevSettings = DevSettings()
    worker: WorkerSettings = WorkerSettings()
    web: WebSettings = WebSettings()
    auth: AuthSettings = AuthSettings()

    @model_validator(mode="after")
    def _demo_psg_only_when_none_is_given(self) -> MieuxSettings:
        """A PSG given in settings replaces the demo one whole: a deployment that names its
        own bodies must not keep mailing (or, under unanimity, waiting for) the demo desks."""
        if not self.staff.psg:
            self.staff = self.staff.model_copy(update={"psg": DEFAULT_STAFF.psg})
        return self

    @field_validator("smtp")
    @classmethod
    def _sender_is_an_address(cls, value: SmtpSettings) -> SmtpSettings:
        address = value.sender.rpartition("<")[2].rstrip(">").strip()
        check_email(address)
        return value

    @property
    def database_url(self) -> str:
        return self.database.url or f"sqlite:///{(self.state_dir / 'mieux.db').resolve()}"

    @property
    def maildir(self) -> Path:
        return self.state_dir / "maildir"


class ConnectionSettings(_FromOurSources):
    """The part of the settings `config.connection` reads, from the same sources, for when
    that reader needs the model's judgement and wording; the rest is ignored here."""

    model_config = SettingsConfigDict(
        env_prefix="MIEUX_",
        env_nested_delimiter="__",
        extra="ignore",
        nested_model_default_partial_update=True,
    )

    task_queue: str = Field(default="mieux", min_length=1)
    identity: str = Field(default_factory=_default_identity, min_length=1)
    temporal: TemporalSettings = TemporalSettings()
    auth: AuthSettings = AuthSettings()


def _env_name(location: tuple[int | str, ...]) -> str:
    standard = len(location) > 1 and location[1] in _TEMPORAL_ENV.values()
    if location and location[0] == "temporal" and standard:
        return "TEMPORAL_" + str(location[1]).upper()
    return "MIEUX_" + "__".join(str(p).upper() for p in location)


def load_settings(**overrides: Any) -> MieuxSettings:
    """The settings, or SettingsError with one line naming the bad setting."""
    return _load(MieuxSettings, overrides)


def load_connection_settings() -> ConnectionSettings:
    """The connection part only, or SettingsError worded as `load_settings` words it."""
    return _load(ConnectionSettings, {})


S = TypeVar("S", bound=BaseSettings)


def _load(model: type[S], overrides: dict[str, Any]) -> S:
    config_file = os.environ.get("MIEUX_CONFIG")
    if config_file and not Path(config_file).is_file():
        raise SettingsError(f"MIEUX_CONFIG names {config_file!r}, which is not a file")
    try:
        return model(**overrides)
    except tomllib.TOMLDecodeError as error:
        raise SettingsError(
            f"MIEUX_CONFIG file {config_file!r} is not valid TOML: {error}"
        ) from None
    except ValidationError as error:
        first = error.errors()[0]
        location = tuple(p for p in first["loc"] if not isinstance(p, int))
        setting = ".".join(str(p) for p in location) or "settings"
        message = describe_validation_error(error).split(": ", 1)[-1]
        if first["type"].startswith("time_delta"):
            message = f"{first['input']!r} is not an ISO-8601 duration such as P21D or PT30S"
        raise SettingsError(
            f"invalid setting {setting} ({_env_name(location)}): {message}"
        ) from None

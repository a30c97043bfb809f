"""Settings: config/default.toml, then a user file, then the environment.

Every key is declared once, in `Settings`; `config/default.toml` documents it. A
mistake anywhere (an unknown key, a wrong type, a bad URL) becomes one
`SettingsError` that names the key, where it came from and what is expected, so the
command line can print it and exit instead of showing a traceback.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from digests.resources import config_dir

ENV_PREFIX = "SITREP_"
CONFIG_PATH_VARIABLE = "SITREP_CONFIG"

# Slack's variables keep the names Slack's own tools and docs use.
_SLACK_VARIABLES = {
    "SLACK_BOT_TOKEN": "slack_bot_token",
    "SLACK_SIGNING_SECRET": "slack_signing_secret",
    "SLACK_APP_TOKEN": "slack_app_token",
    "SLACK_API_BASE_URL": "slack_api_base_url",
}
_SECRET_KEYS = frozenset({"slack_bot_token", "slack_signing_secret", "slack_app_token"})


class SettingsError(Exception):
    """The settings cannot be used; the message says which key and what is expected."""


class Settings(BaseModel):
    """sitrep's settings. Documented in config/default.toml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    database_url: str = ""
    data_dir: Path | None = None
    sqlite_busy_timeout_ms: int = Field(default=5000, ge=0)
    max_document_bytes: int = Field(default=5_000_000, gt=0)
    ingest_batch_size: int = Field(default=500, gt=0)
    feed_timeout_seconds: float = Field(default=10.0, gt=0)
    vocabulary_dir: Path | None = None
    digest_max_groups: int = Field(default=8, ge=1, le=40)
    digest_max_claims: int = Field(default=12, ge=1, le=40)
    digest_first_window_hours: int = Field(default=24, gt=0)
    templates_dir: Path | None = None
    default_timezone: str = "UTC"
    missed_digest_grace_minutes: int = Field(default=120, ge=0)
    schedule_refresh_seconds: float = Field(default=30.0, gt=0)
    result_cache_size: int = Field(default=512, ge=0)
    result_cache_seconds: float = Field(default=60.0, ge=0)
    web_listener_threads: int = Field(default=256, ge=1, le=1024)
    web_answers_at_once: int = Field(default=2, ge=1, le=64)
    web_answer_processes: int = Field(default=1, ge=0, le=32)
    web_answer_niceness: int = Field(default=10, ge=0, le=19)
    web_answer_timeout_seconds: float = Field(default=60.0, gt=0)
    slack_max_attempts: int = Field(default=5, ge=1, le=20)
    slack_timeout_seconds: float = Field(default=10.0, gt=0)
    slack_api_base_url: str = "https://slack.com/api/"
    slack_admin_user_ids: tuple[str, ...] = ()
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None

    @field_validator("data_dir", mode="before")
    @classmethod
    def _empty_data_dir_means_default(cls, value: object) -> object:
        if value in ("", None):
            return platformdirs.user_data_path("sitrep")
        return value

    @field_validator("vocabulary_dir", mode="before")
    @classmethod
    def _empty_vocabulary_dir_means_bundled(cls, value: object) -> object:
        return config_dir() if value in ("", None) else value

    @field_validator("vocabulary_dir")
    @classmethod
    def _vocabulary_dir_exists(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_dir():
            raise ValueError(
                "expected a folder holding groups.yaml, lexicon.yaml and actors.yaml; "
                "leave it empty for the ones that ship with sitrep"
            )
        return value

    @field_validator("templates_dir", mode="before")
    @classmethod
    def _empty_templates_dir_means_none(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("templates_dir")
    @classmethod
    def _templates_dir_exists(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_dir():
            raise ValueError("expected a folder of Jinja2 templates (*.j2), or empty")
        return value

    @field_validator("default_timezone")
    @classmethod
    def _timezone_is_known(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                "expected an IANA time zone name such as 'UTC', 'Asia/Karachi' or "
                "'Europe/London'"
            ) from None
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url_is_usable(cls, value: str) -> str:
        if not value:
            return value
        try:
            make_url(value).get_dialect()
        except NoSuchModuleError:  # a subclass of ArgumentError, so it goes first
            raise ValueError(
                f"unknown database kind {value.split(':', 1)[0]!r}; "
                "use 'sqlite:///...' or 'postgresql+psycopg://...'"
            ) from None
        except ArgumentError:
            raise ValueError(
                "expected a SQLAlchemy database URL such as 'sqlite:///path/to/sitrep.db' "
                "or 'postgresql+psycopg://user@host/dbname'"
            ) from None
        return value

    @field_validator("slack_admin_user_ids", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        # An environment variable holds a list as "U1,U2".
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _log_level_any_case(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("slack_api_base_url")
    @classmethod
    def _api_url_is_http(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise ValueError("expected an http(s) URL such as 'https://slack.com/api/'")
        return value if value.endswith("/") else value + "/"

    @property
    def store_url(self) -> str:
        """The store to open: database_url, or a SQLite file in data_dir."""
        if self.database_url:
            return self.database_url
        assert self.data_dir is not None  # filled in by the validator
        return f"sqlite:///{self.data_dir / 'sitrep.db'}"


def default_settings_path() -> Path:
    return config_dir() / "default.toml"


def load_settings(
    config_path: Path | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Read the defaults, the user's file (argument, else SITREP_CONFIG) and the environment."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    origins: dict[str, str] = {}

    def take(layer: Mapping[str, Any], origin: str) -> None:
        for key, value in layer.items():
            values[key] = value
            origins[key] = origin

    default_path = default_settings_path()
    take(_read_toml(default_path), str(default_path))

    user_path = config_path or (
        Path(environ[CONFIG_PATH_VARIABLE]) if environ.get(CONFIG_PATH_VARIABLE) else None
    )
    if user_path is not None:
        user_values = _read_toml(user_path)
        for key in user_values.keys() & _SECRET_KEYS:
            raise SettingsError(
                f"{user_path}: '{key}' is a secret; set {key.upper()} in the environment "
                "instead of writing it in a file"
            )
        take(user_values, str(user_path))

    for key, (variable, value) in _environment_values(environ).items():
        values[key] = value
        origins[key] = f"environment variable {variable}"
    return _validate(values, origins)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise SettingsError(f"settings file {path} does not exist") from None
    except OSError as error:
        raise SettingsError(f"settings file {path} cannot be read: {error.strerror}") from None
    except tomllib.TOMLDecodeError as error:
        raise SettingsError(f"settings file {path} is not valid TOML: {error}") from None


def _environment_values(environ: Mapping[str, str]) -> dict[str, tuple[str, str]]:
    """Setting key -> (variable name, value) for every sitrep or Slack variable set."""
    known = set(Settings.model_fields)
    found: dict[str, tuple[str, str]] = {}
    for name, value in environ.items():
        if name in _SLACK_VARIABLES:
            found[_SLACK_VARIABLES[name]] = (name, value)
        elif name.startswith(ENV_PREFIX) and name != CONFIG_PATH_VARIABLE:
            key = name.removeprefix(ENV_PREFIX).lower()
            if key not in known or key in _SECRET_KEYS:
                raise SettingsError(
                    f"environment variable {name} is not a sitrep setting; "
                    f"known ones are {', '.join(_public_variable_names())}"
                )
            found[key] = (name, value)
    return found


def _public_variable_names() -> list[str]:
    return [ENV_PREFIX + key.upper() for key in Settings.model_fields if key not in _SECRET_KEYS]


def _validate(values: dict[str, Any], origins: dict[str, str]) -> Settings:
    try:
        return Settings.model_validate(values)
    except ValidationError as error:
        problems = []
        for detail in error.errors():
            key = str(detail["loc"][0]) if detail["loc"] else "?"
            origin = origins.get(key, "the settings")
            if detail["type"] == "extra_forbidden":
                problems.append(
                    f"unknown setting '{key}' (in {origin}); "
                    "the settings are listed in config/default.toml"
                )
                continue
            shown = _shown_value(key, detail.get("input"))
            reason = detail["msg"].removeprefix("Value error, ")
            problems.append(f"setting '{key}' = {shown} (in {origin}): {reason}")
        raise SettingsError("\n".join(problems)) from None


def _shown_value(key: str, value: object) -> str:
    """The value as an error message may show it: never a secret or a password."""
    if key in _SECRET_KEYS:
        return "<hidden>"
    if key == "database_url" and isinstance(value, str):
        try:
            return repr(make_url(value).render_as_string(hide_password=True))
        except ArgumentError:
            return repr(value)
    return repr(value)

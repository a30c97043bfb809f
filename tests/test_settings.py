from pathlib import Path

import pytest

from digests.settings import Settings, SettingsError, load_settings


def write(path: Path, content: str) -> Path:
    path.write_text(content, encoding="utf-8")
    return path


def test_defaults_put_the_store_in_the_data_directory(tmp_path: Path) -> None:
    settings = load_settings(environ={"SITREP_DATA_DIR": str(tmp_path)})
    assert settings.store_url == f"sqlite:///{tmp_path / 'sitrep.db'}"
    assert settings.max_document_bytes == 5_000_000
    assert settings.slack_api_base_url == "https://slack.com/api/"


def test_every_setting_is_documented_in_default_toml() -> None:
    default = Path(__file__).parents[1] / "config" / "default.toml"
    text = default.read_text(encoding="utf-8")
    secrets = {"slack_bot_token", "slack_signing_secret", "slack_app_token"}
    for key in set(Settings.model_fields) - secrets:
        assert f"\n{key} = " in text, f"{key} is missing from config/default.toml"
        comment_line = text.split(f"\n{key} = ")[0].rstrip().splitlines()[-1]
        assert comment_line.startswith("#"), f"{key} has no comment above it"
    for secret in secrets:
        assert secret.upper() in text


def test_user_file_overrides_defaults_and_environment_overrides_file(tmp_path: Path) -> None:
    user = write(tmp_path / "mine.toml", 'max_document_bytes = 1000\nlog_level = "debug"\n')
    settings = load_settings(user, environ={"SITREP_MAX_DOCUMENT_BYTES": "2000"})
    assert settings.max_document_bytes == 2000
    assert settings.log_level == "DEBUG"


def test_config_file_from_sitrep_config_variable(tmp_path: Path) -> None:
    user = write(tmp_path / "mine.toml", "ingest_batch_size = 7\n")
    settings = load_settings(environ={"SITREP_CONFIG": str(user)})
    assert settings.ingest_batch_size == 7


def test_slack_variables_keep_their_names_and_stay_secret(tmp_path: Path) -> None:
    settings = load_settings(
        environ={
            "SLACK_BOT_TOKEN": "xoxb-not-a-real-token",
            "SLACK_SIGNING_SECRET": "shh",
            "SLACK_API_BASE_URL": "http://127.0.0.1:8999/api",
        }
    )
    assert settings.slack_bot_token is not None
    assert settings.slack_bot_token.get_secret_value() == "xoxb-not-a-real-token"
    assert settings.slack_api_base_url == "http://127.0.0.1:8999/api/"
    assert "xoxb-not-a-real-token" not in repr(settings)
    assert "shh" not in str(settings)


def test_unknown_key_in_file_is_named(tmp_path: Path) -> None:
    user = write(tmp_path / "mine.toml", "max_document_byte = 10\n")
    with pytest.raises(SettingsError) as caught:
        load_settings(user, environ={})
    assert "unknown setting 'max_document_byte'" in str(caught.value)
    assert str(user) in str(caught.value)


def test_unknown_environment_variable_is_named() -> None:
    with pytest.raises(SettingsError, match="SITREP_DATABSE_URL is not a sitrep setting"):
        load_settings(environ={"SITREP_DATABSE_URL": "sqlite://"})


def test_wrong_type_names_key_source_and_expectation(tmp_path: Path) -> None:
    user = write(tmp_path / "mine.toml", 'ingest_batch_size = "lots"\n')
    with pytest.raises(SettingsError) as caught:
        load_settings(user, environ={})
    message = str(caught.value)
    assert "'ingest_batch_size' = 'lots'" in message
    assert "valid integer" in message


def test_out_of_range_value_is_refused() -> None:
    with pytest.raises(SettingsError, match=r"max_document_bytes.*greater than 0"):
        load_settings(environ={"SITREP_MAX_DOCUMENT_BYTES": "0"})


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("not a url", "expected a SQLAlchemy database URL"),
        ("nosuchdb://host/db", "unknown database kind 'nosuchdb'"),
    ],
)
def test_bad_database_url(url: str, expected: str) -> None:
    with pytest.raises(SettingsError, match=expected):
        load_settings(environ={"SITREP_DATABASE_URL": url})


def test_database_password_never_appears_in_errors() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(environ={"SITREP_DATABASE_URL": "nosuchdb://user:hunter2@host/db"})
    assert "hunter2" not in str(caught.value)


def test_secrets_are_refused_in_files(tmp_path: Path) -> None:
    user = write(tmp_path / "mine.toml", 'slack_bot_token = "xoxb-1"\n')
    with pytest.raises(SettingsError, match="set SLACK_BOT_TOKEN in the environment"):
        load_settings(user, environ={})


def test_invalid_toml_and_missing_file(tmp_path: Path) -> None:
    broken = write(tmp_path / "broken.toml", "max_document_bytes = \n")
    with pytest.raises(SettingsError, match="not valid TOML"):
        load_settings(broken, environ={})
    with pytest.raises(SettingsError, match="does not exist"):
        load_settings(tmp_path / "absent.toml", environ={})


def test_bad_log_level_lists_choices() -> None:
    with pytest.raises(SettingsError, match="'DEBUG', 'INFO', 'WARNING' or 'ERROR'"):
        load_settings(environ={"SITREP_LOG_LEVEL": "chatty"})


def test_lists_come_from_files_or_comma_separated_variables(tmp_path: Path) -> None:
    user = write(tmp_path / "mine.toml", 'slack_admin_user_ids = ["U1", "U2"]\n')
    assert load_settings(user, environ={}).slack_admin_user_ids == ("U1", "U2")
    from_environment = load_settings(environ={"SITREP_SLACK_ADMIN_USER_IDS": "U3, U4,"})
    assert from_environment.slack_admin_user_ids == ("U3", "U4")

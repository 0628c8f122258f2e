"""Settings come from the environment and refuse to start when they are unsafe or malformed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import database_from_url, envbool, envint, envstr

ROOT = Path(__file__).resolve().parents[2]


def _load_settings(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "SECRET_KEY_FILE"}
    }
    return subprocess.run(
        [sys.executable, "-c", "import config.settings as s; print(s.SECRET_KEY[:6], s.DEBUG)"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _load_settings({"DEBUG": "false"})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_development_gets_a_development_key():
    result = _load_settings({"DEBUG": "true"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django", "True"]


def test_secret_key_can_come_from_a_file(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("from-a-file-123\n")
    result = _load_settings({"DEBUG": "false", "SECRET_KEY_FILE": str(secret)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["from-a", "False"]


def test_malformed_boolean_fails_loudly(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "perhaps")
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG"):
        envbool("SOME_FLAG", False)
    monkeypatch.setenv("SOME_FLAG", "Yes")
    assert envbool("SOME_FLAG", False) is True


def test_malformed_number_fails_loudly(monkeypatch):
    monkeypatch.setenv("SOME_NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="SOME_NUMBER"):
        envint("SOME_NUMBER", 1)
    monkeypatch.delenv("SOME_NUMBER")
    assert envint("SOME_NUMBER", 7) == 7
    assert envstr("SOME_NUMBER") is None


def test_sqlite_url_is_relative_to_the_project(tmp_path):
    config = database_from_url("sqlite:///db.sqlite3", base_dir=tmp_path)
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == str(tmp_path / "db.sqlite3")
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_postgres_url_is_parsed(tmp_path):
    config = database_from_url(
        "postgres://kw:p%40ss@db.internal:6543/klachten?sslmode=require", base_dir=tmp_path
    )
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["PASSWORD"]) == ("klachten", "kw", "p@ss")
    assert (config["HOST"], config["PORT"]) == ("db.internal", "6543")
    assert config["OPTIONS"]["sslmode"] == "require"


def test_unknown_database_scheme_is_refused(tmp_path):
    with pytest.raises(ImproperlyConfigured, match="mysql"):
        database_from_url("mysql://x@y/z", base_dir=tmp_path)


def test_time_zone_is_amsterdam_and_aware(settings):
    assert settings.TIME_ZONE == "Europe/Amsterdam"
    assert settings.USE_TZ is True


def test_postgres_url_options_get_their_types(tmp_path):
    config = database_from_url(
        "postgres://kw@db/k?server_side_binding=true&prepare_threshold=5&sslmode=require",
        base_dir=tmp_path,
    )
    assert config["OPTIONS"] == {
        "server_side_binding": True,
        "prepare_threshold": 5,
        "sslmode": "require",
    }


def test_postgres_prepares_repeated_statements_unless_the_url_says_otherwise(tmp_path):
    plain = database_from_url("postgres://kw@db/k", base_dir=tmp_path)
    assert plain["OPTIONS"] == {"server_side_binding": True, "prepare_threshold": 5}
    pooled = database_from_url(
        "postgres://kw@db/k?prepare_threshold=off&server_side_binding=false", base_dir=tmp_path
    )
    assert pooled["OPTIONS"] == {"server_side_binding": False, "prepare_threshold": None}


@pytest.mark.parametrize(
    ("query", "message"),
    [("server_side_binding=maybe", "true or false"), ("prepare_threshold=often", "number")],
)
def test_malformed_postgres_url_options_fail_loudly(tmp_path, query, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        database_from_url(f"postgres://kw@db/k?{query}", base_dir=tmp_path)

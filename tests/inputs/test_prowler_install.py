"""Locating Prowler, and blanking secrets out of what a failing Prowler printed."""

from __future__ import annotations

from pathlib import Path

import pytest

from verifier.errors import EnvError
from verifier.inputs.prowler_install import REDACTED, find_prowler, redact_secrets

ENVIRON = {
    "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "AWS_SESSION_TOKEN": "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ",
    "AZURE_CLIENT_SECRET": "abc8Q~xyz.secret-value",
    "GOOGLE_OAUTH_ACCESS_TOKEN": "ya29.a0AfH6SM",
    "M365_PASSWORD": "Winter2026!",
    "GITHUB_TOKEN": "ghp_shortish",
    "SONAR_KEY": "sonar-key-1",
    "DB_PASSWORD": "p@ss-word",
    "AWS_REGION": "us-east-1",  # not a secret, and named in useful messages
    "AWS_PROFILE": "audit",
    "AWS_EC2_METADATA_DISABLED": "true",  # too short to be a secret: blanking it would blank the word
    "HOME": "/home/runner",
}


@pytest.mark.parametrize("name", [n for n in ENVIRON if n not in {"AWS_REGION", "AWS_PROFILE", "HOME"}][:-1])
def test_the_value_of_a_credential_variable_is_blanked(name: str) -> None:
    text = f"prowler: could not authenticate with {ENVIRON[name]} (retrying)"
    redacted = redact_secrets(text, ENVIRON)
    assert ENVIRON[name] not in redacted and REDACTED in redacted
    assert redacted.startswith("prowler: could not authenticate with") and redacted.endswith("(retrying)")


@pytest.mark.parametrize(
    ("secret", "text"),
    [
        ("AKIAIOSFODNN7EXAMPLE", "InvalidClientTokenId: AKIAIOSFODNN7EXAMPLE is not valid"),
        ("ASIAY34FZKBOKMUTVV7A", "temporary key ASIAY34FZKBOKMUTVV7A expired"),
        (
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY rejected",
        ),
        ("hunter2", "connect failed: password=hunter2 host=db"),
        ("s3cr3t", "client_secret: s3cr3t"),
        ("'quoted value'", "api_key='quoted value' refused"),
        (
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig",
            "token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig expired",
        ),
        ("0123456789abcdef0123456789abcdef", "hash 0123456789abcdef0123456789abcdef mismatch"),
        ("Zm9vYmFyYmF6cXV4UXV1eDEyMzQ1Njc4OTBhYmNk", "blob Zm9vYmFyYmF6cXV4UXV1eDEyMzQ1Njc4OTBhYmNk"),
        ("dXNlcjpwYXNzd29yZA==", "Authorization: Basic dXNlcjpwYXNzd29yZA=="),
    ],
)
def test_text_shaped_like_a_secret_is_blanked(secret: str, text: str) -> None:
    redacted = redact_secrets(text, {})
    assert secret not in redacted and REDACTED in redacted


@pytest.mark.parametrize(
    "text",
    [
        "Could not connect to the endpoint URL: http://127.0.0.1:5000/ in us-east-1",
        "botocore.exceptions.NoCredentialsError: Unable to locate credentials",
        "AccessDenied: arn:aws:iam::123456789012:role/ProwlerScanRole is not authorized to perform sts:AssumeRole",
        "profile audit not found; AWS_EC2_METADATA_DISABLED is true",
        "prowler: error: argument --checks: invalid choice: 's3_bucket_default_encryption_v2'",
    ],
)
def test_an_ordinary_error_is_left_as_it_is(text: str) -> None:
    assert redact_secrets(text, ENVIRON) == text


def _executable(path: Path) -> Path:
    path.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    path.chmod(0o755)
    return path


def test_a_relative_prowler_bin_is_made_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _executable(tmp_path / "prowler")
    monkeypatch.chdir(tmp_path)
    for given in ("./prowler", "prowler"):
        found = find_prowler(given)
        assert found.binary == tmp_path / "prowler" and found.binary.is_absolute()


def test_a_relative_prowler_bin_env_variable_is_made_absolute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _executable(tmp_path / "prowler")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("POAM_PROWLER_BIN", "./prowler")
    assert find_prowler().binary == tmp_path / "prowler"


def test_a_missing_prowler_bin_is_an_environment_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(EnvError, match=r"--prowler-bin \./prowler is not an executable file"):
        find_prowler("./prowler")


def test_a_prowler_bin_under_home_is_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "bin").mkdir()
    _executable(tmp_path / "bin" / "prowler")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert find_prowler("~/bin/prowler").binary == tmp_path / "bin" / "prowler"

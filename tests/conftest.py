"""Fixtures shared by the whole suite: where the repository and the fixture files are."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture
def fixtures_dir() -> Path:
    return REPO_ROOT / "tests" / "fixtures"


@pytest.fixture(scope="session")
def _moto_server() -> Iterator[str]:
    from tests.support.moto import start_moto_server

    with start_moto_server() as url:
        yield url


@pytest.fixture
def moto_aws(_moto_server: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """A freshly reset moto server on loopback, with this test's environment pointed at it."""
    from tests.support.moto import aws_env, reset_moto_server

    reset_moto_server(_moto_server)
    for name, value in aws_env(_moto_server).items():
        monkeypatch.setenv(name, value)
    return _moto_server

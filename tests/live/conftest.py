"""Fixtures for live tests: a moto server for the session and the Prowler CLI (skip only if absent)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.moto import find_moto_server, find_prowler, start_moto_server
from tests.support.tools import required_tool


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """The URL of a moto server on 127.0.0.1, shared by the session; stopped at the end.

    Tests that need a clean account should seed distinct resources or start their own server with
    ``start_moto_server()``: state persists across tests that share this one.
    """
    if find_moto_server() is None:
        pytest.skip("moto_server not installed (pip install 'moto[server]', part of the dev extra)")
    with start_moto_server() as endpoint:
        yield endpoint


@pytest.fixture(scope="session")
def prowler_bin() -> str:
    """Path of the Prowler CLI; skips the test when Prowler is not installed."""
    return required_tool(find_prowler(), "Prowler", "prowler")

"""External tools the suite drives: present, or skipped locally and a failure in CI (where `make test` installs them)."""

from __future__ import annotations

import os

import pytest


def required_tool(found: str | None, what: str, make_target: str) -> str:
    """``found`` if set; otherwise skip the test, or fail it when ``CI`` is set: a silent skip there hides a gap."""
    if found is not None:
        return found
    if os.environ.get("CI"):
        pytest.fail(f"{what} not installed in CI: `make test` should have run `make {make_target}`")
    pytest.skip(f"{what} not installed (make {make_target})")

"""Stable JSON text for every file the verifier writes (two-space indent, UTF-8, trailing newline)."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from verifier.model import CheckTally, Finding, Scope


def dumps(document: Any) -> bytes:
    """Deterministic JSON bytes; key order is the caller's (we never reorder a user's fields)."""
    return (json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n").encode("utf-8")


def tally_json(tally: CheckTally) -> dict[str, Any]:
    return {
        "pass": tally.passed,
        "fail": tally.failed,
        "muted": tally.muted,
        "manual": tally.manual,
        "resources": list(tally.resources),
    }


def finding_json(finding: Finding) -> dict[str, Any]:
    record = asdict(finding)
    record["status"] = finding.status.value
    record["time"] = finding.time.isoformat()
    return record


def scope_json(scope: Scope) -> dict[str, Any]:
    document: dict[str, Any] = {
        "accounts": list(scope.accounts),
        "regions": list(scope.regions),
        "resources": list(scope.resources),
    }
    if scope.organization is not None:  # never listed: the accounts are unknown
        document["organization"] = {
            "ou_ids": list(scope.organization.ou_ids),
            "exclude_accounts": list(scope.organization.exclude_accounts),
        }
    return document

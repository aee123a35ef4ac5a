"""The updated POA&M: the user's document with our two owned fields per entry, ``result`` and ``history``.

Everything else in the document is left exactly as it was, in its order; entry status moves only
along the two transitions the verifier can prove (MET → ready_for_closeout, NOT_MET on a
ready_for_closeout entry → back to open, flagged as a regression).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from verifier.model import EntryResult, EntryStatus, is_regression, next_status
from verifier.outputs.reasons import rendered
from verifier.outputs.run import RunContext, timestamp

__all__ = ["EvidenceRef", "is_regression", "next_status", "updated_document"]


@dataclass(frozen=True, slots=True)
class EvidenceRef:
    """Where in the bundle an entry's deciding findings are, and their digest."""

    path: str
    sha256: str


def updated_document(
    document: Mapping[str, Any],
    results: tuple[EntryResult, ...],
    context: RunContext,
    evidence: Mapping[str, EvidenceRef],
) -> dict[str, Any]:
    """A deep copy of ``document`` with every entry's result written and its history appended."""
    updated = _json_copy(document)
    by_id = {r.entry_id: r for r in results}
    for entry in updated["entries"]:
        result = by_id[entry["id"]]
        _apply(entry, result, context, evidence.get(result.entry_id))
    return updated


def _json_copy(document: Mapping[str, Any]) -> dict[str, Any]:
    """A deep copy of a parsed JSON document; a round trip through orjson is ten times ``deepcopy``."""
    try:
        copied: dict[str, Any] = orjson.loads(orjson.dumps(document))
    except (TypeError, orjson.JSONEncodeError):
        return copy.deepcopy(dict(document))  # what orjson cannot hold (integers beyond 64 bits)
    return copied


def _apply(entry: dict[str, Any], result: EntryResult, context: RunContext, ref: EvidenceRef | None) -> None:
    before = EntryStatus(entry["status"])
    after = next_status(before, result.verdict)
    regression = is_regression(before, result.verdict)
    entry["status"] = after.value
    entry["result"] = {
        "verdict": result.verdict.value,
        "verified_at": timestamp(context.verified_at),
        "as_of": context.as_of.isoformat(),
        "reasons": list(rendered(result)),
        "regression": regression,
        "evidence": {"path": ref.path, "sha256": ref.sha256} if ref else None,
    }
    history = entry.setdefault("history", [])
    history.append(
        {
            "verified_at": timestamp(context.verified_at),
            "as_of": context.as_of.isoformat(),
            "verdict": result.verdict.value,
            "status_before": before.value,
            "status_after": after.value,
            "regression": regression,
            "evidence_sha256": ref.sha256 if ref else None,
        }
    )

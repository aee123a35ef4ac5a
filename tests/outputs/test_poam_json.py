"""Write-back owns only ``result`` and ``history``; everything else survives byte-for-byte in order."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from typing import Any

from verifier.model import EntryResult, EntryStatus, Reason, ReasonCode, Verdict
from verifier.outputs.poam_json import EvidenceRef, is_regression, next_status, updated_document
from verifier.outputs.run import RunContext

CONTEXT = RunContext(
    tool_version="0.0.0",
    verified_at=datetime(2026, 11, 25, 12, 0, 0, tzinfo=UTC),
    as_of=date(2026, 11, 25),
    max_scan_age_days=7,
)


def _document(status: str = "open") -> dict[str, Any]:
    return {
        "x-custom-top": {"keep": [1, 2.5, None]},
        "schema_version": 1,
        "entries": [
            {
                "id": "POAM-001",
                "zz-first-unknown": "stays first",
                "practice_id": "SC.L2-3.13.16",
                "status": status,
                "history": [{"verified_at": "2026-11-01T00:00:00Z", "verdict": "NOT_MET"}],
                "notes": "assessor asked for screenshots",
            }
        ],
    }


def _result(verdict: Verdict) -> tuple[EntryResult, ...]:
    reason = Reason(ReasonCode.ACCOUNT_NOT_SCANNED, {"account": "123456789012"})
    return (EntryResult("POAM-001", "SC.L2-3.13.16", verdict, (reason,)),)


def test_unknown_fields_and_their_order_survive() -> None:
    original = _document()
    updated = updated_document(original, _result(Verdict.NOT_MET), CONTEXT, {})
    entry = updated["entries"][0]
    assert list(updated) == list(original)
    assert updated["x-custom-top"] == {"keep": [1, 2.5, None]}
    assert list(entry)[:5] == ["id", "zz-first-unknown", "practice_id", "status", "history"]
    assert entry["notes"] == "assessor asked for screenshots"
    assert original["entries"][0].get("result") is None  # the input document is not mutated


def test_history_is_appended_not_replaced() -> None:
    updated = updated_document(_document(), _result(Verdict.MET), CONTEXT, {})
    history = updated["entries"][0]["history"]
    assert [h["verdict"] for h in history] == ["NOT_MET", "MET"]
    assert history[-1]["verified_at"] == "2026-11-25T12:00:00Z"
    assert history[-1]["status_before"] == "open"
    assert history[-1]["status_after"] == "ready_for_closeout"


def test_result_references_the_evidence_file_and_digest() -> None:
    ref = EvidenceRef(path="evidence/entries/POAM-001.json", sha256="ab" * 32)
    updated = updated_document(_document(), _result(Verdict.MET), CONTEXT, {"POAM-001": ref})
    result = updated["entries"][0]["result"]
    assert result["verdict"] == "MET"
    assert result["evidence"] == {"path": ref.path, "sha256": ref.sha256}
    assert result["reasons"] == ["account 123456789012 does not appear in the scan results at all"]


def test_ready_entry_that_now_fails_is_reopened_and_flagged() -> None:
    updated = updated_document(_document("ready_for_closeout"), _result(Verdict.NOT_MET), CONTEXT, {})
    entry = updated["entries"][0]
    assert entry["status"] == "open"
    assert entry["result"]["regression"] is True


def test_status_transitions_are_exhaustive_and_only_proof_moves_forward() -> None:
    for status, verdict in itertools.product(EntryStatus, Verdict):
        after = next_status(status, verdict)
        if after is not status:
            assert (status, verdict, after) in {
                (EntryStatus.OPEN, Verdict.MET, EntryStatus.READY_FOR_CLOSEOUT),
                (EntryStatus.READY_FOR_CLOSEOUT, Verdict.NOT_MET, EntryStatus.OPEN),
            }
        assert is_regression(status, verdict) == (
            verdict is Verdict.NOT_MET and status is not EntryStatus.OPEN
        )
    assert next_status(EntryStatus.OPEN, Verdict.NOT_VERIFIED) is EntryStatus.OPEN
    assert next_status(EntryStatus.CLOSED, Verdict.MET) is EntryStatus.CLOSED

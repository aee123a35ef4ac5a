"""New ledger lines for one verify run, chained onto the existing head."""

from __future__ import annotations

import orjson

from verifier.inputs.ledger import line_digest
from verifier.outputs.run import VerificationRun, timestamp


def ledger_lines(run: VerificationRun, head: str, bundle_sha256: str) -> tuple[bytes, str]:
    """The bytes to append (one line per entry) and the new head digest."""
    chunks: list[bytes] = []
    for result in run.results:
        raw = orjson.dumps(
            {
                "verified_at": timestamp(run.context.verified_at),
                "as_of": run.context.as_of.isoformat(),
                "entry": result.entry_id,
                "practice_id": result.practice_id,
                "verdict": result.verdict.value,
                "bundle_sha256": bundle_sha256,
                "prev": head,
            }
        )
        chunks.append(raw + b"\n")
        head = line_digest(raw)
    return b"".join(chunks), head

"""The verification history ledger (``poam-history.jsonl``): append-only, hash-chained.

Each line is one verify run's verdict for one entry and carries the SHA-256 of the line before it
(``prev``), so editing or deleting a line breaks the chain at the line after it. Deleting lines from
the end is not visible from the chain alone; each run records the head it chained onto
(``history_head``) in its ``verification.json`` and evidence manifest, where a signature covers it,
and ``poam history verify --bundle`` checks the ledger against it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import orjson

from verifier.errors import InputError
from verifier.inputs.jsondoc import read_bytes
from verifier.model import Verdict

GENESIS = "0" * 64


@dataclass(frozen=True, slots=True)
class LedgerLine:
    """One entry's verdict from one verify run."""

    verified_at: str
    as_of: date
    entry: str
    practice_id: str
    verdict: Verdict
    bundle_sha256: str
    prev: str
    digest: str


@dataclass(frozen=True, slots=True)
class Ledger:
    """The chain as read; ``head`` is the digest the next line must carry as ``prev``."""

    lines: tuple[LedgerLine, ...]
    head: str
    data: bytes = b""


def line_digest(raw: bytes) -> str:
    """The digest of a line's exact bytes (without its newline)."""
    return hashlib.sha256(raw).hexdigest()


def read_ledger(path: Path) -> Ledger:
    """Read and verify the whole chain; a missing ledger is an empty one."""
    if not path.exists():
        return Ledger(lines=(), head=GENESIS)
    data = read_bytes(path, "history ledger")
    if data and not data.endswith(b"\n"):
        raise InputError(f"{path}: the last line is incomplete (a write was interrupted or the file was cut)")
    lines: list[LedgerLine] = []
    head = GENESIS
    for number, raw in enumerate(data.splitlines(), start=1):
        line = _parse(raw, head, f"{path}:{number}")
        lines.append(line)
        head = line.digest
    return Ledger(lines=tuple(lines), head=head, data=data)


def _parse(raw: bytes, expected_prev: str, where: str) -> LedgerLine:
    try:
        record: Any = orjson.loads(raw)
        line = LedgerLine(
            verified_at=str(record["verified_at"]),
            as_of=date.fromisoformat(record["as_of"]),
            entry=str(record["entry"]),
            practice_id=str(record["practice_id"]),
            verdict=Verdict(record["verdict"]),
            bundle_sha256=str(record["bundle_sha256"]),
            prev=str(record["prev"]),
            digest=line_digest(raw),
        )
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise InputError(f"{where}: not a ledger line ({exc})") from exc
    if line.prev != expected_prev:
        raise InputError(
            f"{where}: hash chain broken (prev {line.prev[:12]}…, expected {expected_prev[:12]}…): "
            "a line before it was edited, inserted or deleted"
        )
    return line

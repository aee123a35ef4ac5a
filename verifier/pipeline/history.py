"""``poam history``: the verdict timeline and MET streak per entry, and verification of the hash chain."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from verifier.errors import InputError
from verifier.inputs.ledger import Ledger, read_ledger
from verifier.rules.streak import EntryHistory, Observation, histories


@dataclass(frozen=True, slots=True)
class HistoryOptions:
    ledger: Path
    as_of: date
    max_gap_days: int = 7
    entry: str | None = None


def run_history(options: HistoryOptions) -> list[EntryHistory]:
    """Histories of every entry (or one), in ledger order of first appearance."""
    ledger = verify_ledger(options.ledger)
    observations = [Observation(line.as_of, line.entry, line.verdict) for line in ledger.lines]
    by_entry = histories(observations, options.as_of, options.max_gap_days)
    if options.entry is not None:
        if options.entry not in by_entry:
            raise InputError(f"{options.ledger}: no history for entry {options.entry!r}")
        return [by_entry[options.entry]]
    return list(by_entry.values())


def verify_ledger(path: Path) -> Ledger:
    """Read the ledger, checking every link of the chain; a missing ledger is an error here."""
    if not path.exists():
        raise InputError(f"history ledger not found: {path} (poam verify writes it)")
    return read_ledger(path)

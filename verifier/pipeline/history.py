"""``poam history``: the verdict timeline and MET streak per entry, and verification of the hash chain."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from verifier.errors import EnvError, InputError
from verifier.inputs.ledger import GENESIS, Ledger, read_ledger
from verifier.outputs.transaction import file_domain, recover_pending
from verifier.pipeline.bundle import ledger_claim
from verifier.pipeline.verify import output_domain
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


def check_bundle_recorded(ledger: Ledger, ledger_path: Path, bundle: Path) -> int:
    """The ledger still holds ``bundle``'s run right after the head it chained onto; returns that line number.

    The chain alone cannot show lines cut from its end; a bundle (signed, ideally) pins the head its run
    saw, so a ledger cut back past that run, or rewritten after it, is caught here. A verify run interrupted
    in the bundle's folder is finished first (when this user may); either way the zip there is one whose
    lines the ledger already holds, as a run publishes only after its lines are in.
    """
    for domain in (output_domain(bundle.parent), file_domain(bundle.parent / "poam.json")):
        with contextlib.suppress(EnvError):
            recover_pending(domain)
    claim = ledger_claim(bundle)
    if claim.history_head == GENESIS:
        start = 0
    else:
        digests = [line.digest for line in ledger.lines]
        if claim.history_head not in digests:
            raise InputError(
                f"{ledger_path}: the line {claim.history_head[:12]}… that {bundle}'s run chained onto is not in "
                "the ledger: lines were removed or the ledger was replaced"
            )
        start = digests.index(claim.history_head) + 1
    run = ledger.lines[start : start + len(claim.verdicts)]
    recorded = {line.entry: line.verdict for line in run if line.bundle_sha256 == claim.bundle_sha256}
    if len(run) != len(claim.verdicts) or recorded != dict(claim.verdicts):
        raise InputError(
            f"{ledger_path}: the {len(claim.verdicts)} line(s) of {bundle}'s run are not right after the head it "
            "recorded: the ledger was cut back or rewritten after that run"
        )
    return start + 1

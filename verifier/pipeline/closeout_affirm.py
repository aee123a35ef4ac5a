"""``poam affirm``: record a senior official's affirmation of continuing compliance (32 CFR 170.22).

The affirmation is a record of its own kind in the attestations file: who, their title (kept as ``role``),
when, and the statement. It names no entry, so it is never evidence for one; ``poam closeout`` requires one
dated within the closeout window.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path

from verifier.errors import UsageError
from verifier.inputs.attestations import (
    AFFIRMATION,
    ATTESTATIONS_FILE,
    Attestation,
    load_attestations,
)
from verifier.inputs.poam import load_poam
from verifier.model import Poam
from verifier.outputs.serialize import dumps
from verifier.outputs.writer import write_atomic

AFFIRMATION_TEXT = "data/affirmation.txt"


@dataclass(frozen=True, slots=True)
class AffirmOptions:
    """Everything ``poam affirm`` needs, parsed; ``statement`` None means the shipped default text."""

    by: str
    title: str
    statement: str | None
    poam: Path
    attestations: Path | None = None

    @property
    def attestations_path(self) -> Path:
        """``--attestations``, else ``poam-attestations.json`` next to the POA&M."""
        return self.attestations or self.poam.parent / ATTESTATIONS_FILE


def default_statement(poam: Poam) -> str:
    """The shipped affirmation text, naming the organisation and the system."""
    text = resources.files("verifier").joinpath(AFFIRMATION_TEXT).read_text(encoding="utf-8")
    return text.strip().format(organization=poam.organization, system=poam.system)


def run_affirm(options: AffirmOptions, clock: Callable[[], datetime]) -> Attestation:
    """Append the affirmation to the attestations file (rewritten atomically); returns the record."""
    for flag, value in (("--by", options.by), ("--title", options.title)):
        if not value.strip():
            raise UsageError(f"{flag} must not be empty")
    if options.statement is not None and not options.statement.strip():
        raise UsageError("--statement must not be empty (leave it out for the default text)")
    poam = load_poam(options.poam).poam
    path = options.attestations_path
    existing = load_attestations(path)  # a corrupt file fails before it is touched
    record = Attestation(
        entry="",
        practice_id="",
        by=options.by.strip(),
        role=options.title.strip(),
        statement=(options.statement or default_statement(poam)).strip(),
        attested_at=clock().astimezone(UTC).replace(microsecond=0),
        expires=None,
        artifacts=(),
        kind=AFFIRMATION,
    )
    write_atomic(path, dumps([*existing.documents, record.to_json()]))
    return record


def affirmations(records: Iterable[Attestation]) -> tuple[Attestation, ...]:
    """The affirmation records among ``records``, oldest first."""
    return tuple(sorted((r for r in records if r.kind == AFFIRMATION), key=lambda r: r.attested_at))


def closeout_affirmation(
    records: Iterable[Attestation], window_start: date | None, as_of: date
) -> Attestation | None:
    """The latest affirmation dated after ``window_start`` (the conditional status date) and not after ``as_of``."""
    if window_start is None:
        return None
    within = [r for r in affirmations(records) if window_start < r.attested_at.date() <= as_of]
    return within[-1] if within else None

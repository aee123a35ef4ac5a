"""``poam attest``: record a person's attestation for a POA&M entry, its artifacts pinned by SHA-256.

The record is appended to the attestations file (``poam-attestations.json`` beside the POA&M unless
given), which is rewritten atomically with every existing record kept as it was.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from verifier.catalog import assessment_procedures, objectives_by_id
from verifier.errors import InputError, UsageError
from verifier.evaluate import default_attested, objective_plan
from verifier.inputs.attestations import (
    ATTESTATIONS_FILE,
    METHODS,
    Artifact,
    Attestation,
    artifact_path,
    load_attestations,
)
from verifier.inputs.jsondoc import read_bytes, sha256_hex
from verifier.inputs.mapping import CheckMapping, load_mapping
from verifier.inputs.poam import load_poam
from verifier.model import Entry, Poam
from verifier.outputs.serialize import dumps
from verifier.outputs.writer import write_atomic
from verifier.scope import poam_entry_scope


@dataclass(frozen=True, slots=True)
class AttestOptions:
    """Everything ``poam attest`` needs, parsed."""

    entry: str
    by: str
    role: str
    artifacts: tuple[Path, ...]
    statement: str
    expires: date | None
    poam: Path
    attestations: Path | None = None
    # The 800-171A objectives attested (empty: every objective of the entry no check evidences, per
    # ``mapping``) and the 800-171A method its evidence serves.
    objectives: tuple[str, ...] = ()
    method: str = "examine"
    mapping: Path | None = None

    @property
    def attestations_path(self) -> Path:
        """``--attestations``, else ``poam-attestations.json`` next to the POA&M."""
        return self.attestations or self.poam.parent / ATTESTATIONS_FILE


def run_attest(options: AttestOptions, clock: Callable[[], datetime]) -> Attestation:
    """Validate, hash the artifacts, append the record; returns the record written."""
    _check_text(options)
    poam = load_poam(options.poam).poam
    entry = next((e for e in poam.entries if e.id == options.entry), None)
    if entry is None:
        raise InputError(f"{options.poam}: no entry {options.entry!r}")
    # Read the existing file first: a corrupt one must fail before we touch it.
    path = options.attestations_path
    existing = load_attestations(path)
    attested_at = clock().astimezone(UTC).replace(microsecond=0)
    if options.expires is not None and options.expires < attested_at.date():
        raise UsageError(f"--expires {options.expires.isoformat()} is before the attestation date")
    if options.method not in METHODS:
        raise UsageError(f"--method {options.method!r}: choose one of {', '.join(METHODS)}")
    objectives = _objectives(options, poam, entry)
    attestation = Attestation(
        entry=entry.id,
        practice_id=entry.practice_id,
        by=options.by.strip(),
        role=options.role.strip(),
        statement=options.statement.strip(),
        attested_at=attested_at,
        expires=options.expires,
        artifacts=tuple(_artifact(p, path.parent) for p in options.artifacts),
        objectives=objectives,
        method=options.method,
    )
    write_atomic(path, dumps([*existing.documents, attestation.to_json()]))
    return attestation


def _objectives(options: AttestOptions, poam: Poam, entry: Entry) -> tuple[str, ...]:
    """The objectives named (any of the practice's: verify decides what the attestation counts for), or by
    default every objective of the entry no check evidences (all of them where one is always needed)."""
    own = [o.objective_id for o in assessment_procedures()[entry.practice_id].objectives]
    for objective_id in options.objectives:
        objective = objectives_by_id().get(objective_id)
        if objective is None:
            raise InputError(f"--objective {objective_id}: not a NIST SP 800-171A objective id (as 3.3.8[c])")
        if objective_id not in own:
            raise InputError(
                f"--objective {objective_id} belongs to {objective.practice_id}; entry {entry.id} is for "
                f"{entry.practice_id}"
            )
    if options.objectives:
        return tuple(o for o in own if o in options.objectives)  # in catalog order
    mapping = load_mapping(options.mapping) if options.mapping else CheckMapping(practices={})
    scope = poam_entry_scope(poam, entry)
    default = default_attested(entry, objective_plan(entry, scope, mapping))
    if not default:
        raise UsageError(
            f"every objective of entry {entry.id} has a check; name the objectives attested with --objective"
        )
    return default


def _check_text(options: AttestOptions) -> None:
    for flag, value in (("--by", options.by), ("--role", options.role), ("--statement", options.statement)):
        if not value.strip():
            raise UsageError(f"{flag} must not be empty")
    if not options.artifacts:
        raise UsageError("an attestation needs at least one --artifact backing it")


def _artifact(path: Path, base_dir: Path) -> Artifact:
    data = read_bytes(path, "attestation artifact")
    # Recorded relative to the attestations file's folder, so the pair can move together; one outside
    # it could not be read back (verify refuses paths that leave the folder), so it is refused now.
    try:
        relative = Path(os.path.relpath(path.resolve(), base_dir.resolve())).as_posix()
    except ValueError:  # another drive on Windows
        relative = path.resolve().as_posix()
    if relative == ".." or relative.startswith("../") or Path(relative).is_absolute():
        raise InputError(
            f"attestation artifact {path} is outside {base_dir.resolve()}, the attestations file's folder "
            "(after resolving symbolic links); move it there or pass --attestations in a folder above it"
        )
    artifact_path(base_dir, relative)
    return Artifact(path=relative, sha256=sha256_hex(data), size=len(data))

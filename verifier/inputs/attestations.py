"""Attestations (``poam-attestations.json``): recorded human evidence for practices no scanner can check.

Each record names the entry, who attests in which role, what they state, when, until when, the
NIST SP 800-171A objectives it covers and the assessment method its evidence serves (examine, interview,
test), and the artifacts (files) that back it, each pinned by SHA-256. A record without ``objectives``
(written before they were named) covers the entry's objectives that need an attestation and no check
evidences. An attestation stands only while it has not
expired and every artifact still hashes the same; judging that is done here, outside the pure
evaluation, which only ever sees the resulting ``AttestationStatus``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from verifier.errors import EnvError, InputError
from verifier.inputs.bundle_format import ARTIFACTS_DIR
from verifier.inputs.bundle_names import safe_stem
from verifier.inputs.jsondoc import parse_json, read_bytes, sha256_hex, validate
from verifier.model import AttestationStatus, Entry

ATTESTATIONS_FILE = "poam-attestations.json"
# A record's kind: evidence for one entry, or a senior official's affirmation (32 CFR 170.22), which
# names no entry and never counts as evidence for one.
ATTESTATION = "attestation"
AFFIRMATION = "affirmation"
SCHEMA = "attestations.schema.json"
# The NIST SP 800-171A assessment methods an attestation's evidence may serve.
METHODS = ("examine", "interview", "test")
# The artifact's name follows its 64-hex digest and a dash in one path component of at most 255 bytes.
_MAX_ARTIFACT_STEM = 180

# The current bytes of an artifact, or None when it is missing.
ArtifactReader = Callable[["Artifact"], bytes | None]


@dataclass(frozen=True, slots=True)
class Artifact:
    """A file backing an attestation: ``path`` as recorded (relative to the attestations file's folder)."""

    path: str
    sha256: str
    size: int

    @property
    def bundle_name(self) -> str:
        """Where the artifact sits in an evidence bundle: content-addressed, never escaping its folder."""
        stem = safe_stem(Path(self.path).name, "artifact", _MAX_ARTIFACT_STEM)
        return f"{ARTIFACTS_DIR}/{self.sha256}-{stem}"


@dataclass(frozen=True, slots=True)
class Attestation:
    """One person's recorded statement that an entry's practice is implemented."""

    entry: str
    practice_id: str
    by: str
    role: str
    statement: str
    attested_at: datetime
    expires: date | None
    artifacts: tuple[Artifact, ...]
    kind: str = ATTESTATION
    # The 800-171A objectives attested; None for a record written before attestations named them.
    objectives: tuple[str, ...] | None = None
    method: str = "examine"

    def to_json(self) -> dict[str, Any]:
        if self.kind == AFFIRMATION:
            return {
                "kind": AFFIRMATION,
                "by": self.by,
                "role": self.role,
                "statement": self.statement,
                "attested_at": self.attested_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
        named = {"objectives": list(self.objectives)} if self.objectives is not None else {}
        return {
            "entry": self.entry,
            "practice_id": self.practice_id,
            "by": self.by,
            "role": self.role,
            "statement": self.statement,
            "attested_at": self.attested_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "expires": self.expires.isoformat() if self.expires else None,
            "artifacts": [{"path": a.path, "sha256": a.sha256, "bytes": a.size} for a in self.artifacts],
            **named,
            "method": self.method,
        }


@dataclass(frozen=True, slots=True)
class AttestationSet:
    """The attestations file as read: ``data`` is its exact bytes (empty when there is no file)."""

    records: tuple[Attestation, ...] = ()
    documents: tuple[Any, ...] = ()
    path: str = ""
    data: bytes = b""

    @property
    def sha256(self) -> str:
        return sha256_hex(self.data) if self.data else ""


def load_attestations(path: Path, *, required: bool = False) -> AttestationSet:
    """Read and validate the attestations file; a missing file is an empty set unless ``required``."""
    if not path.exists() and not required:
        return AttestationSet(path=str(path))
    data = read_bytes(path, "attestations file")
    attested = parse_attestations(data, str(path))
    for recorded in sorted({a.path for record in attested.records for a in record.artifacts}):
        artifact_path(path.parent, recorded)
    return attested


def artifact_path(base_dir: Path, recorded: str) -> Path:
    """Where a recorded artifact path points on disk, below ``base_dir`` (the attestations file's folder).

    An absolute path, or one that leaves the folder by ``..`` or through a symbolic link, is refused:
    an attestations file must not make the verifier read (and copy into the evidence bundle) any
    file on the machine it runs on. A missing artifact is not refused here; it is judged "missing".
    """
    if PurePosixPath(recorded).is_absolute() or PureWindowsPath(recorded).anchor:
        raise InputError(
            f"attestation artifact {recorded!r} is an absolute path; record it relative to {base_dir}"
        )
    candidate = base_dir / recorded
    try:
        inside = candidate.resolve().is_relative_to(base_dir.resolve())
    except (OSError, RuntimeError) as exc:  # a symbolic-link loop
        raise InputError(f"attestation artifact {recorded!r}: cannot resolve it ({exc})") from exc
    if not inside:
        raise InputError(
            f"attestation artifact {recorded!r} leaves the attestations file's folder {base_dir} "
            "(after resolving '..' and symbolic links)"
        )
    return candidate


def parse_attestations(data: bytes, source: str) -> AttestationSet:
    """Parse attestation records from bytes (a file, or the copy in an evidence bundle)."""
    documents = parse_json(data, source)
    validate(documents, SCHEMA, source)
    records = tuple(_record(document, f"{source}: record {n}") for n, document in enumerate(documents))
    return AttestationSet(records=records, documents=tuple(documents), path=source, data=data)


def _record(document: Mapping[str, Any], where: str) -> Attestation:
    try:
        attested_at = datetime.strptime(document["attested_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        expires = date.fromisoformat(document["expires"]) if document.get("expires") is not None else None
    except ValueError as exc:
        raise InputError(f"{where}: {exc}") from exc
    return Attestation(
        entry=document.get("entry", ""),
        practice_id=document.get("practice_id", ""),
        by=document["by"],
        role=document["role"],
        statement=document["statement"],
        attested_at=attested_at,
        expires=expires,
        artifacts=tuple(Artifact(a["path"], a["sha256"], a["bytes"]) for a in document.get("artifacts", ())),
        kind=document.get("kind", ATTESTATION),
        objectives=tuple(document["objectives"]) if "objectives" in document else None,
        method=document.get("method", "examine"),
    )


def read_artifact(path: Path) -> bytes | None:
    """The file's bytes, or None when it is missing or not a regular file."""
    if not path.is_file():
        return None
    try:
        return path.read_bytes()
    except OSError as exc:
        raise EnvError(f"cannot read attestation artifact {path}: {exc.strerror or exc}") from exc


def judge(attestation: Attestation, as_of: date, read: ArtifactReader) -> AttestationStatus:
    """Whether ``attestation`` stands as of ``as_of``: dated, unexpired, every artifact unchanged."""
    made = f"the attestation of {attestation.attested_at.date().isoformat()} by {attestation.by}"
    if attestation.attested_at.date() > as_of:
        return AttestationStatus(False, f"{made} is dated after --as-of {as_of.isoformat()}")
    if attestation.expires is not None and attestation.expires < as_of:
        return AttestationStatus(
            False, f"{made} expired on {attestation.expires.isoformat()} (as of {as_of.isoformat()})"
        )
    for artifact in attestation.artifacts:
        current = read(artifact)
        if current is None:
            return AttestationStatus(False, f"{made}: artifact {artifact.path} is missing")
        if sha256_hex(current) != artifact.sha256 or len(current) != artifact.size:
            return AttestationStatus(
                False, f"{made}: artifact {artifact.path} changed since it was attested (SHA-256 differs)"
            )
    until = f", valid until {attestation.expires.isoformat()}" if attestation.expires else ""
    names = ", ".join(a.path for a in attestation.artifacts)
    return AttestationStatus(
        True,
        f"attested by {attestation.by} ({attestation.role}) on "
        f"{attestation.attested_at.date().isoformat()}{until}; artifact(s) unchanged: {names}",
    )


def current_status(attestation: Attestation, as_of: date, base_dir: Path) -> tuple[bool, str]:
    """``judge`` against the files on disk, artifact paths taken relative to ``base_dir``."""
    status = judge(attestation, as_of, lambda artifact: read_artifact(artifact_path(base_dir, artifact.path)))
    return status.valid, status.reason


def is_entry_attestation(record: Attestation) -> bool:
    """Whether the record attests an entry's objectives (an affirmation of the whole POA&M never does,
    whatever it holds)."""
    return record.kind == ATTESTATION


def attestation_statuses(
    entries: Iterable[Entry], records: Iterable[Attestation], as_of: date, read: ArtifactReader
) -> dict[str, tuple[AttestationStatus, ...]]:
    """Each attested entry's attestations as of ``as_of``, oldest first, each with the objectives it
    covers; entries with no record are absent. Several records of one entry all count: for each
    objective the newest covering it decides."""
    records = tuple(r for r in records if is_entry_attestation(r))
    statuses: dict[str, tuple[AttestationStatus, ...]] = {}
    for entry in entries:
        mine = sorted((r for r in records if r.entry == entry.id), key=lambda r: r.attested_at)
        if mine:
            statuses[entry.id] = tuple(_status(entry, record, as_of, read) for record in mine)
    return statuses


def _status(entry: Entry, attestation: Attestation, as_of: date, read: ArtifactReader) -> AttestationStatus:
    if attestation.practice_id != entry.practice_id:
        status = AttestationStatus(
            False,
            f"the attestation of {attestation.attested_at.date().isoformat()} is for "
            f"{attestation.practice_id}, but the entry is for {entry.practice_id}",
        )
    else:
        status = judge(attestation, as_of, read)
    return replace(
        status,
        objectives=attestation.objectives,
        method=attestation.method,
        attested_at=attestation.attested_at,
    )

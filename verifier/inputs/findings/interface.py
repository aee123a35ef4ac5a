"""The seam every Prowler output reader plugs into."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from verifier.inputs.findings.manifest import ScanManifest
from verifier.model import Finding, SourceError, Superseded


@dataclass(frozen=True, slots=True)
class Container:
    """The archive a findings file was read from (a zip, on disk or in S3) and the digest of its bytes."""

    path: str
    sha256: str


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A findings file that was read: where from, its digest, its format and how many findings it held.

    ``container`` is the zip it is a member of (``sha256`` is then the member's own), else None.
    """

    path: str
    sha256: str
    format: str
    findings: int
    container: Container | None = None


@dataclass(frozen=True, slots=True)
class FindingsSet:
    """Every finding read from the inputs, plus the provenance of each file (for the evidence manifest)."""

    findings: tuple[Finding, ...]
    files: tuple[SourceFile, ...]
    # Older findings a newer covering scan replaced (not in ``findings``), and the manifests read.
    superseded: tuple[Superseded, ...] = ()
    manifests: tuple[ScanManifest, ...] = ()
    # Sources that could not be read while others were (every source failing is an error instead).
    source_errors: tuple[SourceError, ...] = ()

    @property
    def prowler_versions(self) -> tuple[str, ...]:
        return tuple(sorted({f.prowler_version for f in self.findings if f.prowler_version}))


class FindingsReader(Protocol):
    """Reads one Prowler output format. ``read`` raises ``FindingsFormatError`` on anything it cannot trust."""

    format_name: str

    def accepts(self, name: str, head: bytes) -> bool:
        """Whether a file named ``name`` whose first bytes are ``head`` is in this format."""
        ...

    def read(self, data: bytes, source: str) -> Iterator[Finding]:
        """Yield the findings in ``data`` (already decompressed); ``source`` names the file in messages."""
        ...

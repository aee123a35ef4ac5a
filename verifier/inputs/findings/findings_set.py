"""The seam every Prowler output reader plugs into."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Protocol

from verifier.inputs.findings.manifest import ScanManifest
from verifier.model import Finding, FindingRow, SourceError, Superseded


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
class Skipped:
    """An entry under a findings directory passed over because it is not a regular file (a FIFO, a
    device, a dangling link) and not named like a Prowler output; listed in the evidence manifest."""

    path: str
    reason: str  # "a named pipe", "a dangling symbolic link", ...


@dataclass(frozen=True, slots=True)
class Tally:
    """What a group of current findings tells without being kept: how many, where, by which Prowler."""

    count: int = 0
    account_regions: frozenset[tuple[str, str]] = frozenset()
    versions: frozenset[str] = frozenset()  # never the empty version

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            self.count + other.count,
            self.account_regions | other.account_regions,
            self.versions | other.versions,
        )

    @staticmethod
    def of(findings: Sequence[Finding] | Sequence[FindingRow]) -> Tally:
        """The tally of findings, as objects or as the rows readers hand back."""
        return Tally(
            len(findings),
            frozenset((f.account, f.region) for f in findings),
            frozenset(f.prowler_version for f in findings if f.prowler_version),
        )


@dataclass(frozen=True)  # no slots: the tally is computed once, on first use
class FindingsSet:
    """Every current finding read from the inputs, plus the provenance of each file (for the evidence manifest).

    When the reader was told which checks to keep, ``findings`` holds only theirs; the rest were read,
    checked, de-duplicated and superseded all the same, and ``others`` counts them. Every property
    below covers both.
    """

    findings: tuple[Finding, ...]
    files: tuple[SourceFile, ...]
    # Older findings a newer covering scan replaced (not in ``findings``), and the manifests read.
    superseded: tuple[Superseded, ...] = ()
    manifests: tuple[ScanManifest, ...] = ()
    # Sources that could not be read while others were (every source failing is an error instead).
    source_errors: tuple[SourceError, ...] = ()
    others: Tally = Tally()
    skipped: tuple[Skipped, ...] = ()

    @cached_property
    def tally(self) -> Tally:
        return Tally.of(self.findings) + self.others

    @property
    def count(self) -> int:
        """Current findings, kept or not."""
        return len(self.findings) + self.others.count

    @property
    def account_regions(self) -> frozenset[tuple[str, str]]:
        """(account, region) pairs with a current finding: the places the scans reached."""
        return self.tally.account_regions

    @property
    def prowler_versions(self) -> tuple[str, ...]:
        return tuple(sorted(self.tally.versions))


class FindingsReader(Protocol):
    """Reads one Prowler output format. ``read`` raises ``FindingsFormatError`` on anything it cannot trust."""

    format_name: str

    def accepts(self, name: str, head: bytes) -> bool:
        """Whether a file named ``name`` whose first bytes are ``head`` is in this format."""
        ...

    def read(self, data: bytes, source: str) -> Iterator[Finding]:
        """Yield the findings in ``data`` (already decompressed); ``source`` names the file in messages."""
        ...

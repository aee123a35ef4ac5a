"""What every output format sees: the run's context and results. Formats return bytes; ``writer`` writes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from verifier.inputs.attestations import AttestationSet
from verifier.inputs.findings.excerpts import Excerpts
from verifier.inputs.findings.findings_set import FindingsSet
from verifier.inputs.mapping import CheckMapping
from verifier.inputs.poam import LoadedPoam
from verifier.model import EntryResult, Verdict
from verifier.rules.run_review import RunReview
from verifier.rules.streak import EntryHistory


@dataclass(frozen=True, slots=True)
class RunContext:
    """When and how a verification ran; ``verified_at`` comes from an injected clock."""

    tool_version: str
    verified_at: datetime
    as_of: date
    max_scan_age_days: int


@dataclass(frozen=True, slots=True)
class VerificationRun:
    """Everything a format may render: the inputs as read, and one result per POA&M entry."""

    context: RunContext
    poam: LoadedPoam
    mapping: CheckMapping
    findings: FindingsSet
    results: tuple[EntryResult, ...]
    review: RunReview
    histories: Mapping[str, EntryHistory] = field(default_factory=dict)
    history_head: str = ""
    history_data: bytes = b""
    attestations: AttestationSet = field(default_factory=AttestationSet)
    # Bundle-relative name → bytes of every attested artifact that still hashes as recorded.
    attested_artifacts: Mapping[str, bytes] = field(default_factory=dict)
    # The exact Prowler JSON of the findings the bundle quotes (``evidence.excerpted_findings``).
    excerpts: Excerpts = field(default_factory=Excerpts)

    def count(self, verdict: Verdict) -> int:
        return sum(r.verdict is verdict for r in self.results)

    @property
    def accounts_seen(self) -> tuple[str, ...]:
        return tuple(sorted({account for account, _ in self.findings.account_regions}))

    @property
    def regions_seen(self) -> tuple[str, ...]:
        return tuple(sorted({region for _, region in self.findings.account_regions}))

    @property
    def account_regions_seen(self) -> tuple[str, ...]:
        """Every ``account/region`` pair the scan reached: exact coverage, not accounts × regions."""
        return tuple(sorted({f"{account}/{region}" for account, region in self.findings.account_regions}))


def timestamp(moment: datetime) -> str:
    """ISO 8601 in UTC with a ``Z``, to the second: stable text for files and digests."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")

"""Frozen domain records shared by every layer: findings, the POA&M, verdicts.

Core code sees only these types, never raw dicts; loaders build them after schema validation.
"""

from __future__ import annotations

import enum
import operator
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any, NamedTuple

# The provider of whatever names none: every file written before other providers were supported, ASFF
# (AWS Security Hub's format), and the accounts `poam init` and `poam import` take. The one provider name in
# the code outside the provider table (``verifier.providers``), and never a parameter's default.
DEFAULT_PROVIDER = "aws"


class Status(enum.StrEnum):
    """A Prowler finding's status code."""

    PASS = "PASS"  # noqa: S105 - a status code, not a password
    FAIL = "FAIL"
    MANUAL = "MANUAL"


class Verdict(enum.StrEnum):
    """What the verifier concludes for one POA&M entry. Anything short of proof is NOT_VERIFIED."""

    MET = "MET"
    NOT_MET = "NOT_MET"
    NOT_VERIFIED = "NOT_VERIFIED"


class EntryStatus(enum.StrEnum):
    """The lifecycle status of a POA&M entry."""

    OPEN = "open"
    READY_FOR_CLOSEOUT = "ready_for_closeout"
    CLOSED = "closed"


class MilestoneStatus(enum.StrEnum):
    """Progress of one milestone."""

    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    MISSED = "missed"


@dataclass(frozen=True, slots=True)
class Finding:
    """One Prowler result normalised from any of its output formats."""

    check_id: str
    status: Status
    muted: bool
    account: str
    region: str
    resource_uid: str
    finding_uid: str
    time: datetime
    prowler_version: str
    source_file: str
    status_extended: str
    severity: str
    # Prowler's provider ("aws", "azure", "m365", "gcp"): account ids are only unique within one. A reader
    # of a format that names none says so explicitly (``DEFAULT_PROVIDER``); there is no default here.
    provider: str
    # Where the finding's own JSON text lies in its source (decompressed): the run of whole elements it
    # was decoded in, ``(byte offset, length, index in the run)``; None for a CSV row. Not part of the
    # result: the same finding read from another file is the same finding, so it is left out of
    # equality, hashing and every serialised record.
    location: tuple[int, int, int] | None = field(default=None, compare=False)


RECORD_FIELDS = tuple(f.name for f in fields(Finding) if f.name != "location")
"""The fields of a ``Finding`` its serialised records hold (evidence, history)."""


class FindingRow(NamedTuple):
    """A ``Finding``'s fields in declaration order (checked below): ``Finding(*row)`` builds it.

    Readers produce rows and worker processes hand them back (a tenth of the cost of pickling the frozen
    dataclass); only the findings a run keeps are built into objects. Every reader gives every field, so
    the row declares no defaults.
    """

    check_id: str
    status: Status
    muted: bool
    account: str
    region: str
    resource_uid: str
    finding_uid: str
    time: datetime
    prowler_version: str
    source_file: str
    status_extended: str
    severity: str
    provider: str
    location: tuple[int, int, int] | None


if FindingRow._fields != tuple(f.name for f in fields(Finding)):  # pragma: no cover - caught on import
    raise TypeError("FindingRow must list Finding's fields in order")

_finding_fields = operator.attrgetter(*FindingRow._fields)


def finding_row(finding: Finding) -> FindingRow:
    """The ``FindingRow`` of a ``Finding``."""
    return FindingRow._make(_finding_fields(finding))


@dataclass(frozen=True, slots=True)
class Organization:
    """An AWS Organization as the source of a scope's accounts: every ACTIVE member account at scan
    time, under ``ou_ids`` when given (recursively), except ``exclude_accounts``."""

    ou_ids: tuple[str, ...] = ()
    exclude_accounts: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Scope:
    """An entry's ``verification.scope`` (a narrowing of the POA&M's targets), or for reports the union
    of the targets an entry is decided over (``EntryScope.union``).

    An empty ``accounts``, ``regions`` or ``resources`` tuple means "no narrowing". A union names an
    ``organization`` while its accounts are still unknown (never listed by a scan).
    """

    accounts: tuple[str, ...]
    regions: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()
    organization: Organization | None = None


@dataclass(frozen=True, slots=True)
class ScopeTarget:
    """One provider account set of the POA&M's scope (schema_version 2 lists several; version 1 has one).

    ``accounts`` and ``regions`` are what Prowler reports as ``cloud.account.uid`` and ``cloud.region``
    for ``provider``; an empty ``regions`` means every region. The options are Prowler's own: ``partition``
    (AWS, always resolved), ``role_name`` (AWS), ``environment`` and ``tenant_id`` (Azure, M365).
    """

    provider: str
    accounts: tuple[str, ...]
    regions: tuple[str, ...] = ()
    partition: str = ""
    role_name: str = ""
    environment: str = ""
    tenant_id: str = ""
    # AWS: the accounts are (also) the Organization's, listed at scan time; None once they are resolved.
    organization: Organization | None = None


@dataclass(frozen=True, slots=True)
class Owner:
    """Who answers for an entry."""

    name: str
    role: str


@dataclass(frozen=True, slots=True)
class Milestone:
    """A dated step toward closing an entry; ``due`` is None when the text is not an ISO date."""

    title: str
    due: date | None
    due_text: str
    status: MilestoneStatus
    status_date: date | None


@dataclass(frozen=True, slots=True)
class Resources:
    """What is committed to close an entry, as written (lint judges the values)."""

    budget_usd: float | str | None
    fte: float | str | None
    tooling: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Verification:
    """How closure is proven: explicit check ids (None = the mapping's), a scope narrowing, attestation.

    ``objective_checks`` is the object form of ``checks``: objective id -> check ids the entry assigns
    to that objective itself (for checks the mapping does not assign); None when the list form is used.
    """

    checks: tuple[str, ...] | None
    scope: Scope | None
    attestation: bool = False
    objective_checks: Mapping[str, tuple[str, ...]] | None = None


OPERATIONAL_KIND = "operational"  # Entry.kind of an operational plan of action (32 CFR 170.4)


@dataclass(frozen=True, slots=True)
class Entry:
    """One POA&M item: one practice, one gap."""

    id: str
    practice_id: str
    finding: str
    root_cause: str
    owner: Owner | None
    milestones: tuple[Milestone, ...]
    resources: Resources | None
    verification: Verification
    status: EntryStatus
    created: date | None
    partial: bool = False
    # The practice's 800-171A objectives the assessment found NOT MET; None = all of them.
    objectives: tuple[str, ...] | None = None
    # "poam" for a POA&M item; "operational" for an operational plan of action (32 CFR 170.4), never
    # counted as open at closeout.
    kind: str = "poam"

    @property
    def is_poam_item(self) -> bool:
        """Whether the entry is a POA&M item; an operational plan of action (32 CFR 170.4) is not.

        Only POA&M items deduct from the score, are judged for § 170.21 eligibility and run the 180-day
        closeout clock; every entry is still verified. Any kind but ``operational`` counts (fail closed).
        """
        return self.kind != OPERATIONAL_KIND


@dataclass(frozen=True, slots=True)
class Assessment:
    """The assessment the POA&M belongs to; Day 0 of the 180-day window is ``conditional_status_date``."""

    level: int
    type: str
    assessment_date: date
    conditional_status_date: date | None


@dataclass(frozen=True, slots=True)
class Poam:
    """A validated POA&M. ``entries`` keep the file's order.

    ``targets`` is the scope, one per provider account set; a version 1 file's single scope object is
    read as one target, so the model is the same for both versions (``LoadedPoam.schema_version`` says
    which one the file was, for the outputs that keep a version 1 file's exactly as they were).
    """

    organization: str
    system: str
    assessment: Assessment
    targets: tuple[ScopeTarget, ...]
    entries: tuple[Entry, ...]

    @property
    def providers(self) -> tuple[str, ...]:
        """The providers in scope, in the order the scope names them."""
        return tuple(dict.fromkeys(t.provider for t in self.targets))


@dataclass(frozen=True, slots=True)
class AttestationStatus:
    """Whether one recorded attestation of an entry stands as of a date, and why (judged outside evaluation).

    ``objectives`` are the 800-171A objectives it covers; None for a record written before attestations
    named objectives: it covers the entry's objectives that need one and no check evidences (evaluation
    knows which). ``attested_at`` orders an entry's attestations: for each objective the newest covering
    it decides.
    """

    valid: bool
    reason: str
    objectives: tuple[str, ...] | None = None
    method: str = "examine"
    attested_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class CheckTally:
    """Counts of the latest in-scope findings for one check of one entry."""

    passed: int = 0
    failed: int = 0
    muted: int = 0
    manual: int = 0
    resources: tuple[str, ...] = ()


class ReasonCode(enum.StrEnum):
    """Why a verdict is what it is: a stable code that assessors and scripts can rely on.

    Outputs render each code with its parameters to words (``verifier.outputs.reasons``); nothing reads the
    words back. The codes, their parameters and texts are listed in docs/reason-codes.md.
    """

    # NOT_MET
    FAIL_FOUND = "fail_found"
    # NOT_VERIFIED: what the scan did not show
    PROVIDER_UNCHECKED = "provider_unchecked"
    ACCOUNT_NOT_SCANNED = "account_not_scanned"
    SOURCE_UNREADABLE = "source_unreadable"
    ORGANIZATION_NOT_LISTED = "organization_not_listed"
    REGION_NOT_SCANNED = "region_not_scanned"
    NO_IN_SCOPE_FINDINGS = "no_in_scope_findings"
    NO_FINDINGS_FOR_ACCOUNT = "no_findings_for_account"
    MANUAL_RESULTS = "manual_results"
    MUTED_PASS = "muted_pass"  # noqa: S105 - a reason code, not a password
    STALE_FINDINGS = "stale_findings"
    FINDING_AFTER_AS_OF = "finding_after_as_of"
    REMOVAL_UNPROVEN = "removal_unproven"
    # NOT_VERIFIED: what only a person can prove
    ATTESTATION_NOT_VALID = "attestation_not_valid"
    SCAN_CANNOT_PROVE = "scan_cannot_prove"
    ATTESTATION_MISSING = "attestation_missing"
    NO_CHECKS = "no_checks"
    NO_CHECKS_ATTESTATION_MISSING = "no_checks_attestation_missing"
    OBJECTIVE_NO_CHECKS = "objective_no_checks"
    # MET
    ALL_CHECKS_PASS = "all_checks_pass"  # noqa: S105 - a reason code, not a password
    ATTESTED = "attested"
    ATTESTED_WITHOUT_CHECKS = "attested_without_checks"
    # Beside any verdict: a FAIL set aside because its resource is gone
    RESOLVED_BY_REMOVAL = "resolved_by_removal"


@dataclass(frozen=True, slots=True)
class Reason:
    """One reason for a verdict: a code and its parameters (str keys, JSON values: str, int, bool,
    None, lists and objects of them), as a SARIF result carries a ruleId and arguments."""

    code: ReasonCode
    params: Mapping[str, Any] = field(default_factory=dict)


class Basis(enum.StrEnum):
    """What an objective's verdict rests on."""

    CHECKS = "checks"
    ATTESTATION = "attestation"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class ObjectiveResult:
    """The verdict for one NIST SP 800-171A objective of an entry (texts come from ``verifier.catalog``).

    ``checks`` are the labels (keys of ``EntryResult.checks``) of the checks that judged it;
    ``attestations`` describe the attestations counted for it.
    """

    objective_id: str
    verdict: Verdict
    basis: Basis
    reasons: tuple[Reason, ...]
    checks: tuple[str, ...] = ()
    attestations: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class EntryResult:
    """The verdict for one entry, why, and the exact findings that decided it."""

    entry_id: str
    practice_id: str
    verdict: Verdict
    reasons: tuple[Reason, ...]
    checks: dict[str, CheckTally] = field(default_factory=dict)
    evidence: tuple[Finding, ...] = ()
    superseded: tuple[Superseded, ...] = ()
    # One result per objective the entry is judged on, in catalog order (empty only where no
    # objective-level evaluation ran: consumers treat a missing objective as NOT_VERIFIED).
    objectives: tuple[ObjectiveResult, ...] = ()


NO_MANIFEST = "no scan-manifest.json of poam scan records its Prowler arguments"


@dataclass(frozen=True, slots=True)
class ScanCoverage:
    """A scan known to have run: where that is shown (a scan manifest or a findings file) and when it started.

    ``files`` are the findings files of that scan, named in evidence next to ``source``. ``incomplete``
    says why the scan cannot prove it reported every resource of a key (a filtered Prowler run looks like
    any other); None for a complete scan, the only kind whose silence proves a resource gone.
    """

    source: str
    started: datetime
    files: tuple[str, ...] = ()
    incomplete: str | None = NO_MANIFEST


class Supersession(enum.StrEnum):
    """What a newer scan showed about an older finding's resource."""

    RESCANNED = "rescanned"  # the newer scan reported the resource again: its newer result stands
    REMOVED = "resolved_by_removal"  # a newer complete scan no longer reports it: the resource is gone
    UNPROVEN = "not_reported_by_incomplete_scan"  # a newer scan that cannot prove it complete is silent on it


@dataclass(frozen=True, slots=True)
class Superseded:
    """An older finding set aside because a newer scan covered its (provider, account, region, check).

    ``outcome`` REMOVED is "resolved by removal"; UNPROVEN (only ever a FAIL) proves nothing either way and
    leaves its entry NOT_VERIFIED: the newer scan may have been filtered (``--status PASS``, ``--resource-arn``).
    """

    finding: Finding
    by: ScanCoverage
    outcome: Supersession

    @property
    def removed(self) -> bool:
        """Whether the resource is proven gone ("resolved by removal")."""
        return self.outcome is Supersession.REMOVED


@dataclass(frozen=True, slots=True)
class SourceError:
    """A findings source that could not be read while others were: named, and fail-closed over what it
    may hold (empty ``accounts`` / ``regions``: any account / any region)."""

    location: str
    reason: str
    accounts: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()

    def may_hold(self, accounts: tuple[str, ...], regions: tuple[str, ...]) -> bool:
        """Whether the source could hold results for a scope of ``accounts`` and ``regions``."""
        if self.accounts and not set(self.accounts) & set(accounts):
            return False
        return not (self.regions and regions and not set(self.regions) & set(regions))


def finding_provider(finding: Finding) -> str:
    """The cloud provider a finding belongs to (account ids are unique only within one)."""
    return finding.provider


def next_status(current: EntryStatus, verdict: Verdict) -> EntryStatus:
    """The entry status after a verdict; only proof moves an entry forward."""
    if verdict is Verdict.MET and current is EntryStatus.OPEN:
        return EntryStatus.READY_FOR_CLOSEOUT
    if verdict is Verdict.NOT_MET and current is EntryStatus.READY_FOR_CLOSEOUT:
        return EntryStatus.OPEN
    return current


def is_regression(current: EntryStatus, verdict: Verdict) -> bool:
    """An entry claimed ready (or closed) whose checks now FAIL."""
    return verdict is Verdict.NOT_MET and current is not EntryStatus.OPEN

"""Pure evaluation: POA&M entries × mapping × findings → one verdict per entry, with reasons.

Fail closed. MET needs positive proof for every check in every in-scope account from a fresh scan
(and, where a scan cannot prove the practice, a valid attestation judged by the caller);
any in-scope FAIL (muted or not) is NOT_MET; everything else is NOT_VERIFIED with the reason named.
No I/O and no clock here: ``as_of`` is passed in.
"""

from __future__ import annotations

import operator
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from fnmatch import fnmatchcase

from verifier.catalog import SCAN_CANNOT_PROVE
from verifier.inputs.mapping import CheckMapping
from verifier.inputs.scope import (
    CheckRef,
    EntryScope,
    entry_scope,
    resolve_checks,
)
from verifier.model import (
    AttestationStatus,
    CheckTally,
    Entry,
    EntryResult,
    Finding,
    Poam,
    Reason,
    ReasonCode,
    Scope,
    ScopeTarget,
    SourceError,
    Status,
    Superseded,
    Supersession,
    Verdict,
)
from verifier.providers import ProviderSpec, provider_spec

# When two results share a finding uid and a timestamp, the worse one stands.
_SEVERITY = {Status.PASS: 0, Status.MANUAL: 1, Status.FAIL: 2}
_MAX_LISTED = 5


@dataclass(frozen=True, slots=True)
class EvaluationSettings:
    """The knobs of one evaluation run."""

    as_of: date
    max_scan_age_days: int = 7


class FindingsIndex:
    """Findings grouped by check id, built once per run and shared by every entry."""

    def __init__(
        self,
        findings: Iterable[Finding],
        superseded: Iterable[Superseded] = (),
        source_errors: Iterable[SourceError] = (),
        scanned: Iterable[tuple[str, str]] = (),
        seen_accounts: Iterable[str] = (),
    ) -> None:
        """``scanned``: (account, region) pairs with findings not in ``findings`` (checks no entry uses);
        ``seen_accounts``: accounts the scans covered beyond those pairs (a bundle's recorded coverage)."""
        by_check: dict[str, list[Finding]] = defaultdict(list)
        regions: set[tuple[str, str]] = set(scanned)
        for finding in findings:
            by_check[finding.check_id].append(finding)
            regions.add((finding.account, finding.region))
        accounts = {account for account, _ in regions} | set(seen_accounts)
        self._by_check = dict(by_check)
        retired: dict[str, list[Superseded]] = defaultdict(list)
        for old in superseded:
            retired[old.finding.check_id].append(old)
        self._superseded = dict(retired)
        self.source_errors: tuple[SourceError, ...] = tuple(source_errors)
        self.accounts: frozenset[str] = frozenset(accounts)
        # (account, region) pairs the scan covered: an in-scope region with no result at all was not scanned.
        self.account_regions: frozenset[tuple[str, str]] = frozenset(regions)

    def for_check(self, check_id: str) -> Sequence[Finding]:
        return self._by_check.get(check_id, ())

    def superseded_for(self, check_id: str) -> Sequence[Superseded]:
        """Older findings of the check that a newer covering scan replaced (shown, never judged)."""
        return self._superseded.get(check_id, ())


def resolve_target_organization(target: ScopeTarget, listed: Sequence[str] | None) -> ScopeTarget:
    """An AWS target with an organization's listed accounts added (``listed``: None when never listed).

    A resolved target no longer names its organization; an unresolved one keeps it, and every entry
    verified over it is NOT_VERIFIED (the accounts to prove are unknown).
    """
    if target.organization is None or listed is None:
        return target
    excluded = set(target.organization.exclude_accounts)
    accounts = sorted({*target.accounts, *listed} - excluded)
    return replace(target, accounts=tuple(accounts), organization=None)


def latest_per_uid(findings: Iterable[Finding]) -> list[Finding]:
    """Keep the newest result of each finding uid; on a tie the worse status wins (fail closed).

    The uid is keyed together with the check, account, region and resource it names, so a reader that
    leaves uids empty or a uid collision can never let one resource's PASS hide another's FAIL.
    """
    latest: dict[tuple[str, str, str, str, str], Finding] = {}
    for finding in findings:
        key = _uid_key(finding)
        current = latest.setdefault(key, finding)
        if current is not finding and _rank(finding) > _rank(current):
            latest[key] = finding
    return sorted(latest.values(), key=_resource_order)


_uid_key = operator.attrgetter("finding_uid", "check_id", "account", "region", "resource_uid")
_resource_order = operator.attrgetter("check_id", "account", "region", "resource_uid")


def _rank(finding: Finding) -> tuple[object, int, bool]:
    return (finding.time, _SEVERITY[finding.status], finding.muted)


def evaluate(
    poam: Poam,
    mapping: CheckMapping,
    index: FindingsIndex,
    settings: EvaluationSettings,
    *,
    attestations: Mapping[str, AttestationStatus] | None = None,
) -> tuple[EntryResult, ...]:
    """Decide every entry of the POA&M, in file order."""
    return tuple(
        evaluate_entry(entry, poam.targets, mapping, index, settings, attestations=attestations)
        for entry in poam.entries
    )


def evaluate_entry(
    entry: Entry,
    targets: Sequence[ScopeTarget],
    mapping: CheckMapping,
    index: FindingsIndex,
    settings: EvaluationSettings,
    *,
    attestations: Mapping[str, AttestationStatus] | None = None,
) -> EntryResult:
    """Decide one entry; see the module docstring for the rules.

    ``targets`` are the POA&M's provider targets; every check is judged per provider, over that
    provider's in-scope accounts (narrowed by the entry's ``verification.scope``).
    ``attestations`` maps entry ids to the status of their latest attestation, judged by the caller
    (expiry, artifact digests). It is consulted only for entries that need one: no checks, an
    explicit ``verification.attestation``, or a practice a scan cannot prove. It never overrides a FAIL.
    """
    scope = entry_scope(targets, entry)
    refs = resolve_checks(entry, scope, mapping)
    attestation = (attestations or {}).get(entry.id)
    if not refs:
        return _attestation_only(entry, attestation)
    labels = {ref: ref.label(scope.qualified) for ref in refs}
    evidence = latest_per_uid(f for ref in refs for f in _selected(scope, ref, index.for_check(ref.check_id)))
    by_check: dict[str, list[Finding]] = {label: [] for label in labels.values()}
    for finding in evidence:
        by_check[labels[CheckRef(finding.provider, finding.check_id)]].append(finding)
    failures = [r for label in labels.values() for r in _failure_reasons(label, by_check[label])]
    gaps = _unchecked_providers(entry, scope, refs) + _gap_reasons(labels, by_check, scope, index, settings)
    gaps += _attestation_gaps(entry, attestation)
    superseded = tuple(
        s for ref in refs for s in index.superseded_for(ref.check_id) if selects(scope, ref, s.finding)
    )
    gaps += _unproven_reasons(superseded)
    verdict = Verdict.NOT_MET if failures else Verdict.NOT_VERIFIED if gaps else Verdict.MET
    reasons = failures + gaps if failures or gaps else [_met_reason(refs, evidence, scope.union())]
    if verdict is Verdict.MET and attestation is not None and _needs_attestation(entry):
        reasons.append(Reason(ReasonCode.ATTESTED, {"attestation": attestation.reason}))
    reasons += _removal_reasons(superseded)
    return EntryResult(
        entry_id=entry.id,
        practice_id=entry.practice_id,
        verdict=verdict,
        reasons=tuple(reasons),
        checks={label: _tally(by_check[label]) for label in labels.values()},
        evidence=tuple(evidence),
        superseded=superseded,
    )


def _removal_reasons(superseded: Sequence[Superseded]) -> list[Reason]:
    """One reason per FAIL whose resource a newer complete scan no longer finds: the resource is gone."""
    return [
        Reason(ReasonCode.RESOLVED_BY_REMOVAL, _superseded_params(old))
        for old in _last_per_resource(superseded, Supersession.REMOVED)
    ]


def _unproven_reasons(superseded: Sequence[Superseded]) -> list[Reason]:
    """One gap per FAIL a newer scan does not report but cannot prove gone: it may have been filtered."""
    return [
        Reason(ReasonCode.REMOVAL_UNPROVEN, {**_superseded_params(old), "incomplete": old.by.incomplete})
        for old in _last_per_resource(superseded, Supersession.UNPROVEN)
    ]


def _superseded_params(old: Superseded) -> dict[str, object]:
    """The older FAIL (its resource, file and time) and the newer scan that set it aside."""
    finding = old.finding
    return {
        "check": finding.check_id,
        "resource_uid": finding.resource_uid,
        "account": finding.account,
        "region": finding.region,
        "source_file": finding.source_file,
        "time": finding.time.isoformat(),
        "scan": old.by.source,
        "scan_files": [f for f in old.by.files if f != old.by.source],
        "started": old.by.started.isoformat(),
    }


def _last_per_resource(superseded: Sequence[Superseded], outcome: Supersession) -> list[Superseded]:
    """The FAILs set aside with ``outcome``, the last one of each resource (several old scans may name it)."""
    latest: dict[tuple[str, str, str, str], Superseded] = {}
    for old in superseded:
        if old.outcome is outcome and old.finding.status is Status.FAIL:
            f = old.finding
            key = (f.check_id, f.account, f.region, f.resource_uid)
            if key not in latest or (f.time, f.source_file) > (
                latest[key].finding.time,
                latest[key].finding.source_file,
            ):
                latest[key] = old
    return [old for _, old in sorted(latest.items())]


def selects(scope: EntryScope, ref: CheckRef, finding: Finding) -> bool:
    """Whether ``finding`` is a result of ``ref`` inside one of the entry's targets of that provider."""
    if finding.provider != ref.provider:
        return False
    spec = provider_spec(ref.provider)
    return any(
        _in_target(finding, target, spec, scope.resources, spec.is_tenant_check(ref.check_id))
        for target in scope.of(ref.provider)
    )


def _selected(scope: EntryScope, ref: CheckRef, findings: Iterable[Finding]) -> Iterator[Finding]:
    """``selects`` over many findings, decided once per (provider, account, region) when no resource
    pattern narrows the scope: an organisation's findings share a few thousand such places."""
    if scope.resources:
        yield from (f for f in findings if selects(scope, ref, f))
        return
    decided: dict[tuple[str, str, str], bool] = {}
    for finding in findings:
        place = (finding.provider, finding.account, finding.region)
        chosen = decided.get(place)
        if chosen is None:
            chosen = decided[place] = selects(scope, ref, finding)
        if chosen:
            yield finding


def _in_target(
    finding: Finding, target: ScopeTarget, spec: ProviderSpec, resources: Sequence[str], tenant_check: bool
) -> bool:
    # A tenant-level check (Azure Entra ID) reports the tenant id as the account: it is one of the target's.
    tenant = tenant_check and bool(target.tenant_id) and finding.account == target.tenant_id
    if finding.account not in target.accounts and not tenant:
        return False
    region = spec.region_key(finding.region)
    located = region in {spec.region_key(r) for r in target.regions} or (
        bool(spec.global_region) and finding.region == spec.global_region
    )
    if target.regions and not located:
        return False
    return not resources or any(fnmatchcase(finding.resource_uid, p) for p in resources)


def _unchecked_providers(entry: Entry, scope: EntryScope, refs: Sequence[CheckRef]) -> list[Reason]:
    """Providers in the entry's scope that none of its checks examine: their accounts are unverified."""
    checked = {ref.provider for ref in refs}
    return [
        Reason(
            ReasonCode.PROVIDER_UNCHECKED,
            {
                "provider": provider,
                "practice_id": entry.practice_id,
                "entry_names_checks": entry.verification.checks is not None,
                "accounts": [a for t in scope.of(provider) for a in t.accounts],
            },
        )
        for provider in scope.providers
        if provider not in checked
    ]


def _needs_attestation(entry: Entry) -> bool:
    return entry.verification.attestation or entry.practice_id in SCAN_CANNOT_PROVE


def _attestation_gaps(entry: Entry, attestation: AttestationStatus | None) -> list[Reason]:
    """Why the entry's checks alone cannot close it; empty once a valid attestation stands."""
    if not _needs_attestation(entry) or (attestation is not None and attestation.valid):
        return []
    if attestation is not None:
        return [Reason(ReasonCode.ATTESTATION_NOT_VALID, {"attestation": attestation.reason})]
    gaps = []
    if entry.practice_id in SCAN_CANNOT_PROVE:
        gaps.append(Reason(ReasonCode.SCAN_CANNOT_PROVE, {"practice_id": entry.practice_id}))
    if entry.verification.attestation:
        gaps.append(Reason(ReasonCode.ATTESTATION_MISSING))
    return gaps


def _attestation_only(entry: Entry, attestation: AttestationStatus | None) -> EntryResult:
    """An entry no check verifies: MET only on a valid attestation, NOT_VERIFIED otherwise."""
    practice = {"practice_id": entry.practice_id}
    if attestation is None:
        verdict, reason = Verdict.NOT_VERIFIED, _no_checks_reason(entry)
    elif attestation.valid:
        verdict = Verdict.MET
        reason = Reason(ReasonCode.ATTESTED_WITHOUT_CHECKS, {**practice, "attestation": attestation.reason})
    else:
        verdict = Verdict.NOT_VERIFIED
        reason = Reason(ReasonCode.ATTESTATION_NOT_VALID, {"attestation": attestation.reason})
    return EntryResult(entry_id=entry.id, practice_id=entry.practice_id, verdict=verdict, reasons=(reason,))


def _no_checks_reason(entry: Entry) -> Reason:
    if entry.verification.attestation:
        return Reason(ReasonCode.NO_CHECKS_ATTESTATION_MISSING, {"practice_id": entry.practice_id})
    return Reason(
        ReasonCode.NO_CHECKS,
        {"practice_id": entry.practice_id, "entry_names_checks": entry.verification.checks is not None},
    )


def _tally(findings: Sequence[Finding]) -> CheckTally:
    return CheckTally(
        passed=sum(f.status is Status.PASS and not f.muted for f in findings),
        failed=sum(f.status is Status.FAIL for f in findings),
        muted=sum(f.muted for f in findings),
        manual=sum(f.status is Status.MANUAL for f in findings),
        resources=tuple(sorted({f.resource_uid for f in findings})),
    )


def _failure_reasons(check: str, findings: Sequence[Finding]) -> list[Reason]:
    failed = [f for f in findings if f.status is Status.FAIL]
    if not failed:
        return []
    # Ordered as their text "resource [account/region]" sorts; the first few are named, the rest counted.
    places = {f"{f.resource_uid} [{f.account}/{f.region}]": f for f in failed}
    named = [places[text] for text in sorted(places)[:_MAX_LISTED]]
    params = {
        "check": check,
        "failed": len(failed),
        "muted": sum(f.muted for f in failed),
        "resources": [
            {"resource_uid": f.resource_uid, "account": f.account, "region": f.region} for f in named
        ],
        "more": len(places) - len(named),
    }
    return [Reason(ReasonCode.FAIL_FOUND, params)]


def _gap_reasons(
    labels: Mapping[CheckRef, str],
    by_check: Mapping[str, Sequence[Finding]],
    scope: EntryScope,
    index: FindingsIndex,
    settings: EvaluationSettings,
) -> list[Reason]:
    union = scope.union()
    reasons = [
        Reason(ReasonCode.ACCOUNT_NOT_SCANNED, {"account": account})
        for account in union.accounts
        if account not in index.accounts
    ]
    reasons += [
        Reason(ReasonCode.SOURCE_UNREADABLE, {"location": error.location, "error": error.reason})
        for error in index.source_errors
        if error.may_hold(union.accounts, union.regions)
    ]
    if any(target.organization is not None for target in scope.targets):
        reasons.append(Reason(ReasonCode.ORGANIZATION_NOT_LISTED))
    reasons += [
        Reason(ReasonCode.REGION_NOT_SCANNED, {"account": account, "region": region})
        for target in scope.targets
        for account in target.accounts
        if account in index.accounts
        for region in target.regions
        if (account, region) not in index.account_regions
    ]
    for ref, label in labels.items():
        reasons += _check_gaps(label, by_check[label], _check_scope(scope, ref), index, settings)
    return reasons


@dataclass(frozen=True, slots=True)
class _CheckScope:
    """Where one check must have results: its provider's targets, and what counts as covering an account."""

    scope: Scope
    # Per account that must be covered, the accounts whose findings cover it (a tenant check on an Azure
    # target is covered by a finding for its tenant or any of its subscriptions).
    coverage: tuple[tuple[str, tuple[str, ...]], ...]
    # Why the check may rightly have no findings, named beside "no in-scope findings".
    hints: Mapping[str, object] = field(default_factory=dict)


def _check_scope(scope: EntryScope, ref: CheckRef) -> _CheckScope:
    targets = scope.of(ref.provider)
    narrowed = EntryScope(targets, scope.resources).union()
    spec = provider_spec(ref.provider)
    sovereign = spec.commercial_only_environments(ref.check_id, [t.environment for t in targets])
    limit = {"service": ref.check_id.split("_", 1)[0], "environments": list(sovereign)} if sovereign else None
    hints: dict[str, object] = {"provider": ref.provider, "untenanted_target": None, "commercial_only": limit}
    if not spec.is_tenant_check(ref.check_id):
        return _CheckScope(narrowed, tuple((a, (a,)) for a in narrowed.accounts), hints)
    coverage = tuple(
        (t.tenant_id or ", ".join(t.accounts), (*t.accounts, *((t.tenant_id,) if t.tenant_id else ())))
        for t in targets
    )
    untenanted = [", ".join(t.accounts) for t in targets if not t.tenant_id]
    hints["untenanted_target"] = untenanted[0] if untenanted else None
    return _CheckScope(narrowed, coverage, hints)


def _check_gaps(
    check: str,
    findings: Sequence[Finding],
    where: _CheckScope,
    index: FindingsIndex,
    settings: EvaluationSettings,
) -> list[Reason]:
    if not findings:
        params = {"check": check, "scope": _scope_params(where.scope), **where.hints}
        return [Reason(ReasonCode.NO_IN_SCOPE_FINDINGS, params)]
    reported = {f.account for f in findings}  # a set: an organisation has hundreds of accounts
    reasons = [
        Reason(ReasonCode.NO_FINDINGS_FOR_ACCOUNT, {"check": check, "account": account})
        for account, covering in where.coverage
        if any(a in index.accounts for a in covering) and not any(a in reported for a in covering)
    ]
    manual = sum(f.status is Status.MANUAL for f in findings)
    if manual:
        reasons.append(Reason(ReasonCode.MANUAL_RESULTS, {"check": check, "count": manual}))
    muted_pass = sum(f.status is Status.PASS and f.muted for f in findings)
    if muted_pass:
        reasons.append(Reason(ReasonCode.MUTED_PASS, {"check": check, "count": muted_pass}))
    reasons += _age_reasons(check, findings, settings)
    return reasons


def _age_reasons(check: str, findings: Sequence[Finding], settings: EvaluationSettings) -> list[Reason]:
    reasons = []
    oldest = min(f.time.date() for f in findings)
    age = (settings.as_of - oldest).days
    if age > settings.max_scan_age_days:
        params = {"check": check, "oldest": oldest.isoformat(), "age_days": age}
        reasons.append(
            Reason(ReasonCode.STALE_FINDINGS, {**params, "max_scan_age_days": settings.max_scan_age_days})
        )
    newest = max(f.time.date() for f in findings)
    if newest > settings.as_of:
        params = {"check": check, "newest": newest.isoformat(), "as_of": settings.as_of.isoformat()}
        reasons.append(Reason(ReasonCode.FINDING_AFTER_AS_OF, params))
    return reasons


def _scope_params(scope: Scope) -> dict[str, list[str]]:
    return {
        "accounts": list(scope.accounts),
        "regions": list(scope.regions),
        "resources": list(scope.resources),
    }


def _met_reason(checks: Sequence[CheckRef], evidence: Sequence[Finding], scope: Scope) -> Reason:
    params = {
        "check_count": len(checks),
        "resource_count": len({f.resource_uid for f in evidence}),
        "scope": _scope_params(scope),
        "newest_scan": max(f.time for f in evidence).date().isoformat(),
    }
    return Reason(ReasonCode.ALL_CHECKS_PASS, params)

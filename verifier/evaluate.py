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
from dataclasses import dataclass, replace
from datetime import date
from fnmatch import fnmatchcase

from verifier.catalog import SCAN_CANNOT_PROVE
from verifier.inputs.mapping import CheckMapping
from verifier.inputs.scope import (
    CheckRef,
    EntryScope,
    entry_scope,
    legacy_target,
    poam_targets,
    resolve_checks,
)
from verifier.model import (
    AttestationStatus,
    CheckTally,
    Entry,
    EntryResult,
    Finding,
    Poam,
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
    provider: str = "aws"


class FindingsIndex:
    """Findings grouped by check id, built once per run and shared by every entry."""

    def __init__(
        self,
        findings: Iterable[Finding],
        superseded: Iterable[Superseded] = (),
        source_errors: Iterable[SourceError] = (),
        scanned: Iterable[tuple[str, str]] = (),
    ) -> None:
        """``scanned``: (account, region) pairs with findings not in ``findings`` (checks no entry uses)."""
        by_check: dict[str, list[Finding]] = defaultdict(list)
        regions: set[tuple[str, str]] = set(scanned)
        for finding in findings:
            by_check[finding.check_id].append(finding)
            regions.add((finding.account, finding.region))
        accounts = {account for account, _ in regions}
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


def effective_scope(poam_scope: Scope, entry: Entry) -> Scope:
    """The entry's narrowing where it gives one, the POA&M's scope otherwise."""
    narrowing = entry.verification.scope
    if narrowing is None:
        return poam_scope
    return Scope(
        accounts=narrowing.accounts or poam_scope.accounts,
        regions=narrowing.regions or poam_scope.regions,
        resources=narrowing.resources or poam_scope.resources,
        organization=poam_scope.organization,
    )


def resolve_organization(scope: Scope, listed: Sequence[str] | None) -> Scope:
    """The scope with an organization's listed accounts added (``listed``: None when never listed).

    A resolved scope no longer names its organization; an unresolved one keeps it, and every entry
    verified over it is NOT_VERIFIED (the accounts to prove are unknown).
    """
    if scope.organization is None or listed is None:
        return scope
    excluded = set(scope.organization.exclude_accounts)
    accounts = sorted({*scope.accounts, *listed} - excluded)
    return Scope(tuple(accounts), scope.regions, scope.resources, organization=None)


def resolve_target_organization(target: ScopeTarget, listed: Sequence[str] | None) -> ScopeTarget:
    """An AWS target's organization resolved into its ``accounts`` (see ``resolve_organization``)."""
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
    targets = poam_targets(poam)
    return tuple(
        evaluate_entry(
            entry, poam.scope, mapping, index, settings, attestations=attestations, targets=targets
        )
        for entry in poam.entries
    )


def evaluate_entry(
    entry: Entry,
    poam_scope: Scope,
    mapping: CheckMapping,
    index: FindingsIndex,
    settings: EvaluationSettings,
    *,
    attestations: Mapping[str, AttestationStatus] | None = None,
    targets: Sequence[ScopeTarget] | None = None,
) -> EntryResult:
    """Decide one entry; see the module docstring for the rules.

    ``targets`` are the POA&M's provider targets (without them, ``poam_scope`` is one target of
    ``settings.provider``). Every check is judged per provider, over that provider's in-scope accounts.
    ``attestations`` maps entry ids to the status of their latest attestation, judged by the caller
    (expiry, artifact digests). It is consulted only for entries that need one: no checks, an
    explicit ``verification.attestation``, or a practice a scan cannot prove. It never overrides a FAIL.
    """
    scope = entry_scope(targets or (legacy_target(poam_scope, settings.provider),), entry)
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
        reasons.append(attestation.reason)
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


def _removal_reasons(superseded: Sequence[Superseded]) -> list[str]:
    """One line per FAIL whose resource a newer complete scan no longer finds: the resource is gone."""
    return [
        f"{_resource_text(old.finding)} resolved by removal: FAIL in {old.finding.source_file} "
        f"({old.finding.time.isoformat()}) is absent from the newer complete scan {_scan_text(old)} "
        f"({old.by.started.isoformat()})"
        for old in _last_per_resource(superseded, Supersession.REMOVED)
    ]


def _unproven_reasons(superseded: Sequence[Superseded]) -> list[str]:
    """One gap per FAIL a newer scan does not report but cannot prove gone: it may have been filtered."""
    return [
        f"{_resource_text(old.finding)} FAIL in {old.finding.source_file} ({old.finding.time.isoformat()}) "
        f"is not reported by the newer scan {_scan_text(old)} ({old.by.started.isoformat()}), which cannot "
        f"prove it complete ({old.by.incomplete or 'no proof'}): rescan with `poam scan`"
        for old in _last_per_resource(superseded, Supersession.UNPROVEN)
    ]


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


def _resource_text(finding: Finding) -> str:
    return f"{finding.check_id}: {finding.resource_uid} [{finding.account}/{finding.region}]"


def _scan_text(old: Superseded) -> str:
    others = [f for f in old.by.files if f != old.by.source]
    return old.by.source + (f" (files {', '.join(others)})" if others else "")


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


def _unchecked_providers(entry: Entry, scope: EntryScope, refs: Sequence[CheckRef]) -> list[str]:
    """Providers in the entry's scope that none of its checks examine: their accounts are unverified."""
    checked = {ref.provider for ref in refs}
    return [
        f"{provider}: no {provider} check verifies {entry.practice_id} "
        f"({'the entry names none' if entry.verification.checks is not None else 'the mapping has none'}), "
        f"so its {provider} accounts ({', '.join(a for t in scope.of(provider) for a in t.accounts)}) are unverified; "
        "narrow verification.scope to the accounts this gap concerns, or name checks for them"
        for provider in scope.providers
        if provider not in checked
    ]


_NO_ATTESTATION = "verification requires an attestation and no valid attestation is recorded for this entry"


def _needs_attestation(entry: Entry) -> bool:
    return entry.verification.attestation or entry.practice_id in SCAN_CANNOT_PROVE


def _attestation_gaps(entry: Entry, attestation: AttestationStatus | None) -> list[str]:
    """Why the entry's checks alone cannot close it; empty once a valid attestation stands."""
    if not _needs_attestation(entry) or (attestation is not None and attestation.valid):
        return []
    if attestation is not None:
        return [f"attestation not valid: {attestation.reason}"]
    gaps = []
    if entry.practice_id in SCAN_CANNOT_PROVE:
        gaps.append(
            f"{entry.practice_id}: {SCAN_CANNOT_PROVE[entry.practice_id]}; closure needs an attestation"
        )
    if entry.verification.attestation:
        gaps.append(_NO_ATTESTATION)
    return gaps


def _attestation_only(entry: Entry, attestation: AttestationStatus | None) -> EntryResult:
    """An entry no check verifies: MET only on a valid attestation, NOT_VERIFIED otherwise."""
    if attestation is None:
        verdict, reason = Verdict.NOT_VERIFIED, _no_checks_reason(entry)
    elif attestation.valid:
        verdict, reason = (
            Verdict.MET,
            f"no automated check verifies {entry.practice_id}: {attestation.reason}",
        )
    else:
        verdict, reason = Verdict.NOT_VERIFIED, f"attestation not valid: {attestation.reason}"
    return EntryResult(entry_id=entry.id, practice_id=entry.practice_id, verdict=verdict, reasons=(reason,))


def _no_checks_reason(entry: Entry) -> str:
    if entry.verification.attestation:
        return f"no automated check verifies {entry.practice_id}: {_NO_ATTESTATION}"
    why = (
        "the entry's verification.checks is empty"
        if entry.verification.checks is not None
        else "the mapping has none and the entry names none"
    )
    return (
        f"no automated check verifies {entry.practice_id}: {why}, "
        "so closure needs recorded human evidence (attestation)"
    )


def _tally(findings: Sequence[Finding]) -> CheckTally:
    return CheckTally(
        passed=sum(f.status is Status.PASS and not f.muted for f in findings),
        failed=sum(f.status is Status.FAIL for f in findings),
        muted=sum(f.muted for f in findings),
        manual=sum(f.status is Status.MANUAL for f in findings),
        resources=tuple(sorted({f.resource_uid for f in findings})),
    )


def _listed(items: Sequence[str]) -> str:
    shown = ", ".join(items[:_MAX_LISTED])
    return shown + (f" and {len(items) - _MAX_LISTED} more" if len(items) > _MAX_LISTED else "")


def _failure_reasons(check: str, findings: Sequence[Finding]) -> list[str]:
    failed = [f for f in findings if f.status is Status.FAIL]
    if not failed:
        return []
    muted = [f for f in failed if f.muted]
    note = f" ({len(muted)} muted: a muted FAIL is still a FAIL)" if muted else ""
    where = _listed(sorted({f"{f.resource_uid} [{f.account}/{f.region}]" for f in failed}))
    return [f"{check}: FAIL on {len(failed)} resource(s){note}: {where}"]


def _gap_reasons(
    labels: Mapping[CheckRef, str],
    by_check: Mapping[str, Sequence[Finding]],
    scope: EntryScope,
    index: FindingsIndex,
    settings: EvaluationSettings,
) -> list[str]:
    union = scope.union()
    reasons = [
        f"account {account} does not appear in the scan results at all"
        for account in union.accounts
        if account not in index.accounts
    ]
    reasons += [
        f"findings source {error.location} could not be read ({error.reason}): it may hold newer results "
        "for this scope, so none here can prove it"
        for error in index.source_errors
        if error.may_hold(union.accounts, union.regions)
    ]
    if any(target.organization is not None for target in scope.targets):
        reasons.append(
            "the scope is an AWS Organization and no scan manifest lists its accounts "
            "(run `poam scan` with the organization's credentials): the accounts to prove are unknown"
        )
    reasons += [
        f"region {region} of account {account} does not appear in the scan results at all"
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
    hint: str = ""


def _check_scope(scope: EntryScope, ref: CheckRef) -> _CheckScope:
    targets = scope.of(ref.provider)
    narrowed = EntryScope(targets, scope.resources).union()
    spec = provider_spec(ref.provider)
    limit = spec.endpoint_limit(ref.check_id, [t.environment for t in targets])
    if not spec.is_tenant_check(ref.check_id):
        return _CheckScope(narrowed, tuple((a, (a,)) for a in narrowed.accounts), limit)
    coverage = tuple(
        (t.tenant_id or ", ".join(t.accounts), (*t.accounts, *((t.tenant_id,) if t.tenant_id else ())))
        for t in targets
    )
    untenanted = [", ".join(t.accounts) for t in targets if not t.tenant_id]
    hint = (
        f"; {ref.provider} target {untenanted[0]} names no tenant_id, and this check reports on the tenant"
        if untenanted
        else ""
    )
    return _CheckScope(narrowed, coverage, hint + limit)


def _check_gaps(
    check: str,
    findings: Sequence[Finding],
    where: _CheckScope,
    index: FindingsIndex,
    settings: EvaluationSettings,
) -> list[str]:
    if not findings:
        return [
            f"{check}: no in-scope findings ({_scope_text(where.scope)}): absence of findings is not evidence{where.hint}"
        ]
    reported = {f.account for f in findings}  # a set: an organisation has hundreds of accounts
    reasons = [
        f"{check}: no findings for account {account}: absence of findings is not evidence"
        for account, covering in where.coverage
        if any(a in index.accounts for a in covering) and not any(a in reported for a in covering)
    ]
    manual = [f for f in findings if f.status is Status.MANUAL]
    if manual:
        reasons.append(f"{check}: {len(manual)} MANUAL result(s) need human review, not an automated PASS")
    muted_pass = [f for f in findings if f.status is Status.PASS and f.muted]
    if muted_pass:
        reasons.append(f"{check}: {len(muted_pass)} muted PASS result(s): a muted result is not evidence")
    reasons += _age_reasons(check, findings, settings)
    return reasons


def _age_reasons(check: str, findings: Sequence[Finding], settings: EvaluationSettings) -> list[str]:
    reasons = []
    oldest = min(f.time.date() for f in findings)
    age = (settings.as_of - oldest).days
    if age > settings.max_scan_age_days:
        reasons.append(
            f"{check}: stale scan: a finding from {oldest.isoformat()} is {age} days old "
            f"(--max-scan-age {settings.max_scan_age_days})"
        )
    newest = max(f.time.date() for f in findings)
    if newest > settings.as_of:
        reasons.append(
            f"{check}: a finding is dated {newest.isoformat()}, after --as-of {settings.as_of.isoformat()}"
        )
    return reasons


def _scope_text(scope: Scope) -> str:
    parts = [f"accounts {', '.join(scope.accounts)}"]
    if scope.regions:
        parts.append(f"regions {', '.join(scope.regions)}")
    if scope.resources:
        parts.append(f"resources {', '.join(scope.resources)}")
    return "; ".join(parts)


def _met_reason(checks: Sequence[CheckRef], evidence: Sequence[Finding], scope: Scope) -> str:
    newest = max(f.time for f in evidence).date().isoformat()
    return (
        f"all {len(checks)} check(s) PASS on {len({f.resource_uid for f in evidence})} resource(s) "
        f"in {_scope_text(scope)}; newest scan {newest}"
    )

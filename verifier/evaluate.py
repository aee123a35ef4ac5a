"""Pure evaluation: POA&M entries × mapping × findings → one verdict per NIST SP 800-171A objective of
each entry, and the entry's verdict from them, with reasons.

Fail closed. An objective with checks is MET only on positive proof for every check in every in-scope
account from a fresh scan (and, where a scan cannot prove the practice or the entry asks for one, a valid
attestation covering it, judged by the caller); any in-scope FAIL (muted or not) is NOT_MET; everything
else is NOT_VERIFIED with the reason named. An objective no check evidences is MET only on a valid
attestation covering it. The entry is NOT_MET if any objective is, else NOT_VERIFIED if any is, else MET.
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
from verifier.inputs.poam import entry_objectives
from verifier.model import (
    AttestationStatus,
    Basis,
    CheckTally,
    Entry,
    EntryResult,
    Finding,
    ObjectiveResult,
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
from verifier.scope import (
    CheckRef,
    EntryScope,
    entry_scope,
    resolve_check,
    resolve_checks,
)

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
    attestations: Mapping[str, Sequence[AttestationStatus]] | None = None,
) -> tuple[EntryResult, ...]:
    """Decide every entry of the POA&M, in file order."""
    return tuple(
        evaluate_entry(entry, poam.targets, mapping, index, settings, attestations=attestations)
        for entry in poam.entries
    )


def objective_plan(entry: Entry, scope: EntryScope, mapping: CheckMapping) -> tuple[ObjectivePlan, ...]:
    """Each objective of the entry with the checks that judge it, in catalog order.

    An objective the entry's object form names is judged by the checks it gives; any other by the
    mapping's assignment for each provider in scope, narrowed to the entry's listed checks when it
    lists them. An objective left with no check needs an attestation.
    """
    listed = set(resolve_checks(entry, scope, mapping)) if entry.verification.checks is not None else None
    explicit = entry.verification.objective_checks or {}
    plans = []
    for objective_id in entry_objectives(entry):
        if objective_id in explicit:
            named = (resolve_check(n, entry.id, scope.providers, mapping) for n in explicit[objective_id])
            refs = tuple(dict.fromkeys(named))
        else:
            assigned = (
                CheckRef(provider, check)
                for provider in scope.providers
                for check in mapping.objective_checks(objective_id, provider)
            )
            refs = tuple(ref for ref in dict.fromkeys(assigned) if listed is None or ref in listed)
        plans.append(ObjectivePlan(objective_id, refs))
    return tuple(plans)


@dataclass(frozen=True, slots=True)
class ObjectivePlan:
    """One objective of an entry and the checks that judge it (none: only an attestation can)."""

    objective_id: str
    refs: tuple[CheckRef, ...]


def evaluate_entry(
    entry: Entry,
    targets: Sequence[ScopeTarget],
    mapping: CheckMapping,
    index: FindingsIndex,
    settings: EvaluationSettings,
    *,
    attestations: Mapping[str, Sequence[AttestationStatus]] | None = None,
) -> EntryResult:
    """Decide one entry from its objectives; see the module docstring for the rules.

    ``targets`` are the POA&M's provider targets; every check is judged per provider, over that
    provider's in-scope accounts (narrowed by the entry's ``verification.scope``).
    ``attestations`` maps entry ids to the statuses of their attestations, judged by the caller
    (expiry, artifact digests), each naming the objectives it covers; for an objective the newest one
    covering it decides. One is consulted only for objectives that need it: no checks, an explicit
    ``verification.attestation``, or a practice a scan cannot prove. It never overrides a FAIL.
    """
    scope = entry_scope(targets, entry)
    plans = objective_plan(entry, scope, mapping)
    # In the entry's (or the mapping's) order, as an entry's checks were always listed.
    used = [ref for plan in plans for ref in plan.refs]
    refs = tuple(dict.fromkeys([*(r for r in resolve_checks(entry, scope, mapping) if r in used), *used]))
    shown = _Shown.of(entry, scope, refs, index, settings)
    statuses = tuple((attestations or {}).get(entry.id, ()))
    default_cover = frozenset(default_attested(entry, plans))
    objectives = tuple(
        _judge_objective(entry, plan, shown, _covering(plan.objective_id, statuses, default_cover))
        for plan in plans
    )
    verdicts = {o.verdict for o in objectives}
    verdict = next((v for v in (Verdict.NOT_MET, Verdict.NOT_VERIFIED) if v in verdicts), Verdict.MET)
    if not objectives:  # an entry with no objective to judge proves nothing
        verdict = Verdict.NOT_VERIFIED
    return EntryResult(
        entry_id=entry.id,
        practice_id=entry.practice_id,
        verdict=verdict,
        reasons=tuple(r for o in objectives for r in o.reasons),
        checks={label: _tally(shown.by_check[label]) for label in shown.labels.values()},
        evidence=tuple(shown.evidence),
        superseded=tuple(s for ref in refs for s in shown.superseded[ref]),
        objectives=objectives,
    )


def default_attested(entry: Entry, plans: Sequence[ObjectivePlan]) -> tuple[str, ...]:
    """What an attestation that names no objectives covers: every objective of the entry no check
    evidences, or all of them where the practice or the entry always needs an attestation."""
    return tuple(plan.objective_id for plan in plans if _needs_attestation(entry) or not plan.refs)


def _covering(
    objective_id: str, statuses: Sequence[AttestationStatus], default_cover: frozenset[str]
) -> AttestationStatus | None:
    """The newest attestation covering the objective (a newer one supersedes an older one for it)."""
    covering = [
        (s.attested_at is not None, s.attested_at, n, s)
        for n, s in enumerate(statuses)
        if objective_id in (s.objectives if s.objectives is not None else default_cover)
    ]
    return max(covering, key=lambda c: c[:3])[3] if covering else None


@dataclass(frozen=True, slots=True)
class _Shown:
    """What the findings show for an entry's checks: latest in-scope findings per check, superseded ones."""

    entry: Entry
    scope: EntryScope
    labels: Mapping[CheckRef, str]
    by_check: Mapping[str, Sequence[Finding]]
    evidence: Sequence[Finding]
    superseded: Mapping[CheckRef, tuple[Superseded, ...]]
    index: FindingsIndex
    settings: EvaluationSettings

    @classmethod
    def of(
        cls,
        entry: Entry,
        scope: EntryScope,
        refs: Sequence[CheckRef],
        index: FindingsIndex,
        settings: EvaluationSettings,
    ) -> _Shown:
        labels = {ref: ref.label(scope.qualified) for ref in refs}
        evidence = latest_per_uid(
            f for ref in refs for f in _selected(scope, ref, index.for_check(ref.check_id))
        )
        by_check: dict[str, list[Finding]] = {label: [] for label in labels.values()}
        for finding in evidence:
            by_check[labels[CheckRef(finding.provider, finding.check_id)]].append(finding)
        superseded = {
            ref: tuple(s for s in index.superseded_for(ref.check_id) if selects(scope, ref, s.finding))
            for ref in refs
        }
        return cls(entry, scope, labels, by_check, evidence, superseded, index, settings)


def judge_checks(shown: _Shown, refs: Sequence[CheckRef]) -> tuple[Verdict, list[Reason]]:
    """Judge a set of an entry's checks as an entry was always judged: every provider in scope, every
    in-scope account, fresh findings, any FAIL is NOT_MET, every gap NOT_VERIFIED, superseded FAILs named."""
    entry, scope = shown.entry, shown.scope
    labels = {ref: shown.labels[ref] for ref in refs}
    failures = [r for label in labels.values() for r in _failure_reasons(label, shown.by_check[label])]
    gaps = _unchecked_providers(entry, scope, refs)
    gaps += _gap_reasons(labels, shown.by_check, scope, shown.index, shown.settings)
    superseded = [s for ref in refs for s in shown.superseded[ref]]
    gaps += _unproven_reasons(superseded)
    removals = _removal_reasons(superseded)
    if failures or gaps:
        return (Verdict.NOT_MET if failures else Verdict.NOT_VERIFIED), failures + gaps + removals
    evidence = [f for label in labels.values() for f in shown.by_check[label]]
    return Verdict.MET, [_met_reason(refs, evidence, scope.union()), *removals]


def _judge_objective(
    entry: Entry, plan: ObjectivePlan, shown: _Shown, attestation: AttestationStatus | None
) -> ObjectiveResult:
    """One objective: by its checks (and an attestation where one is needed), else by attestation alone."""
    if not plan.refs:
        return _attested_objective(entry, plan.objective_id, attestation)
    verdict, reasons = judge_checks(shown, plan.refs)
    counted: tuple[str, ...] = ()
    if _needs_attestation(entry):
        gaps = _attestation_gaps(entry, attestation)
        if gaps and verdict is Verdict.MET:
            verdict, reasons = Verdict.NOT_VERIFIED, gaps + reasons[1:]
        elif gaps:
            reasons = reasons + gaps
        elif attestation is not None:
            counted = (attestation.reason,)
            if verdict is Verdict.MET:
                reasons.insert(1, Reason(ReasonCode.ATTESTED, {"attestation": attestation.reason}))
    return ObjectiveResult(
        objective_id=plan.objective_id,
        verdict=verdict,
        basis=Basis.CHECKS,
        reasons=tuple(_about(plan.objective_id, r) for r in reasons),
        checks=tuple(shown.labels[ref] for ref in plan.refs),
        attestations=counted,
    )


def _about(objective_id: str, reason: Reason) -> Reason:
    """The reason as one of an objective's: its parameters name the objective."""
    return Reason(reason.code, {**reason.params, "objective": objective_id})


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


def _attested_objective(
    entry: Entry, objective_id: str, attestation: AttestationStatus | None
) -> ObjectiveResult:
    """An objective no check evidences: MET only on a valid attestation covering it, NOT_VERIFIED otherwise."""
    params = {"objective": objective_id}
    if attestation is not None and attestation.valid:
        reason = Reason(
            ReasonCode.ATTESTED_WITHOUT_CHECKS,
            {"practice_id": entry.practice_id, "attestation": attestation.reason, **params},
        )
        return ObjectiveResult(
            objective_id, Verdict.MET, Basis.ATTESTATION, (reason,), attestations=(attestation.reason,)
        )
    if attestation is not None:
        reasons = [Reason(ReasonCode.ATTESTATION_NOT_VALID, {"attestation": attestation.reason, **params})]
    else:
        reasons = [Reason(ReasonCode.OBJECTIVE_NO_CHECKS, {"entry": entry.id, **params})]
        if entry.practice_id in SCAN_CANNOT_PROVE:
            reasons.append(Reason(ReasonCode.SCAN_CANNOT_PROVE, {"practice_id": entry.practice_id, **params}))
    return ObjectiveResult(objective_id, Verdict.NOT_VERIFIED, Basis.NONE, tuple(reasons))


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

"""What an entry's scope and checks mean across the POA&M's provider targets.

An entry's ``verification.scope`` narrows the POA&M's targets (accounts, regions, resource globs);
its ``verification.checks`` name checks either bare or as ``provider:check_id``. Both are resolved here,
once, into exact (provider, check) pairs over exact targets; anything ambiguous is an input error, since
guessing a provider could judge a practice on the wrong cloud.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from verifier.errors import InputError
from verifier.model import Entry, Poam, Scope, ScopeTarget
from verifier.providers import provider_spec

QUALIFIER = ":"


class CheckMapping(Protocol):
    """What resolving an entry's checks reads of the practice → check mapping (``inputs.mapping``)."""

    def providers(self) -> tuple[str, ...]: ...

    def checks_for(self, practice_id: str, provider: str) -> tuple[str, ...]: ...

    def all_checks(self, provider: str) -> frozenset[str]: ...


@dataclass(frozen=True, slots=True)
class CheckRef:
    """One Prowler check of one provider."""

    provider: str
    check_id: str

    def label(self, qualified: bool) -> str:
        """``check_id``, or ``provider:check_id`` when the POA&M spans several providers."""
        return f"{self.provider}{QUALIFIER}{self.check_id}" if qualified else self.check_id


@dataclass(frozen=True, slots=True)
class EntryScope:
    """The targets an entry's verdict is decided over (already narrowed) and its resource globs."""

    targets: tuple[ScopeTarget, ...]
    resources: tuple[str, ...] = ()
    # Whether check names carry their provider: true when the POA&M spans more than one provider.
    qualified: bool = False

    @property
    def providers(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(t.provider for t in self.targets))

    def of(self, provider: str) -> tuple[ScopeTarget, ...]:
        return tuple(t for t in self.targets if t.provider == provider)

    def union(self) -> Scope:
        """Every account and listed region, as one ``Scope`` (for reports; verdicts use the targets)."""
        return Scope(
            accounts=_unique(a for t in self.targets for a in t.accounts),
            regions=_unique(r for t in self.targets for r in t.regions),
            resources=self.resources,
            organization=next((t.organization for t in self.targets if t.organization is not None), None),
        )


def poam_entry_scope(poam: Poam, entry: Entry) -> EntryScope:
    """``entry``'s effective scope within ``poam``."""
    return entry_scope(poam.targets, entry)


def entry_scope(targets: Sequence[ScopeTarget], entry: Entry) -> EntryScope:
    """The entry's narrowing applied to every target; a target it leaves no account or region of drops out."""
    qualified = len({t.provider for t in targets}) > 1
    narrowing = entry.verification.scope
    if narrowing is None:
        return EntryScope(tuple(targets), qualified=qualified)
    kept = (narrow_target(t, narrowing) for t in targets)
    return EntryScope(tuple(t for t in kept if t is not None), narrowing.resources, qualified)


def narrow_target(target: ScopeTarget, narrowing: Scope) -> ScopeTarget | None:
    """``target`` cut down to the narrowing's accounts and regions, or None when nothing of it is left."""
    accounts = target.accounts
    if narrowing.accounts:
        # An unresolved organization's accounts are unknown: the narrowing's stand (and stay unproven).
        listed_later = target.organization is not None
        accounts = tuple(a for a in narrowing.accounts if a in target.accounts or listed_later)
    regions = target.regions
    if narrowing.regions:
        regions = narrowed_regions(target, narrowing.regions)
    if (not accounts and target.organization is None) or (narrowing.regions and not regions):
        return None
    return replace(target, accounts=accounts, regions=regions)


def narrowed_regions(target: ScopeTarget, regions: Sequence[str]) -> tuple[str, ...]:
    """The narrowing's regions that belong to ``target``: listed by it, or (it lists none) its provider's."""
    if target.regions:
        return tuple(r for r in regions if r in target.regions)
    spec = provider_spec(target.provider)
    return tuple(r for r in regions if spec.names_region(r))


def resolve_checks(entry: Entry, scope: EntryScope, mapping: CheckMapping) -> tuple[CheckRef, ...]:
    """The entry's checks as (provider, check) pairs: its own, or the mapping's for every provider in scope."""
    if entry.verification.checks is None:
        return tuple(
            CheckRef(provider, check)
            for provider in scope.providers
            for check in mapping.checks_for(entry.practice_id, provider)
        )
    refs = (resolve_check(name, entry.id, scope.providers, mapping) for name in entry.verification.checks)
    return tuple(dict.fromkeys(refs))


def referenced_checks(entries: Iterable[Entry], mapping: CheckMapping) -> frozenset[str]:
    """Every check id some entry could be judged by, whichever providers its scope names.

    A superset of ``resolve_checks`` for any scope (a qualified name counts as its bare check id, a
    practice as its checks for every provider the mapping lists), so findings of other checks can never
    reach a verdict.
    """
    ids: set[str] = set()
    providers = mapping.providers()
    for entry in entries:
        if entry.verification.checks is None:
            ids.update(c for p in providers for c in mapping.checks_for(entry.practice_id, p))
        else:
            ids.update(name.rpartition(QUALIFIER)[2] for name in entry.verification.checks)
    return frozenset(ids)


def resolve_check(name: str, entry_id: str, providers: Sequence[str], mapping: CheckMapping) -> CheckRef:
    """One check name → its provider; a bare name two in-scope providers could mean is refused."""
    provider, qualifier, check_id = name.rpartition(QUALIFIER)
    if qualifier:
        if provider not in providers:
            raise InputError(
                f"entry {entry_id}: check {name!r} is for {provider}, which is not in the entry's scope "
                f"({', '.join(providers)})"
            )
        return CheckRef(provider, check_id)
    if len(providers) == 1:
        return CheckRef(providers[0], name)
    listed = [p for p in providers if name in mapping.all_checks(p)]
    if len(listed) == 1:
        return CheckRef(listed[0], name)
    if listed:
        options = " or ".join(f"{p}{QUALIFIER}{name}" for p in listed)
        raise InputError(
            f"entry {entry_id}: check {name!r} is ambiguous: the mapping lists it for "
            f"{' and '.join(listed)}, both in the entry's scope; write {options}"
        )
    raise InputError(
        f"entry {entry_id}: check {name!r} is in the mapping for none of the entry's providers "
        f"({', '.join(providers)}); write it as provider{QUALIFIER}{name}"
    )


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))

"""Load a POA&M: bytes → JSON → schema → frozen ``Poam``. The raw document is kept for lossless write-back."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from verifier.catalog import assessment_procedures, objectives_by_id, practices
from verifier.errors import InputError
from verifier.inputs.jsondoc import parse_json, read_bytes, sha256_hex, validate
from verifier.inputs.mapping import CheckMapping
from verifier.model import (
    Assessment,
    Entry,
    EntryStatus,
    Milestone,
    MilestoneStatus,
    Organization,
    Owner,
    Poam,
    Resources,
    Scope,
    ScopeTarget,
    Verdict,
    Verification,
)
from verifier.providers import provider_spec
from verifier.scope import entry_scope, narrow_target, narrowed_regions, resolve_check

_VERDICTS = frozenset(v.value for v in Verdict)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True, slots=True)
class LoadedPoam:
    """A POA&M as read: the parsed model, the untouched document, and the input's digest."""

    path: Path
    poam: Poam
    document: dict[str, Any]
    sha256: str

    @property
    def schema_version(self) -> int:
        """The document's version: the one fact outputs consult to write a version 1 file's as they were."""
        version: int = self.document["schema_version"]
        return version

    def latest_verdicts(self) -> dict[str, Verdict]:
        """The verdict each entry got at its last verification, where the verifier recorded one."""
        verdicts: dict[str, Verdict] = {}
        for raw in self.document["entries"]:
            result = raw.get("result")
            verdict = result.get("verdict") if isinstance(result, dict) else None
            if isinstance(verdict, str) and verdict in _VERDICTS:
                verdicts[raw["id"]] = Verdict(verdict)
        return verdicts


def load_poam(path: Path) -> LoadedPoam:
    """Read and validate a POA&M file; raises ``InputError`` naming the problem."""
    data = read_bytes(path, "POA&M")
    return parse_poam(data, str(path), path)


POAM_SCHEMA = "poam.schema.json"


def parse_poam(data: bytes, source: str, path: Path | None = None) -> LoadedPoam:
    """Parse POA&M bytes (see ``load_poam``)."""
    document = parse_json(data, source)
    validate(document, POAM_SCHEMA, source)
    poam = poam_from_json(document, source)
    return LoadedPoam(path=path or Path(source), poam=poam, document=document, sha256=sha256_hex(data))


def poam_from_json(document: dict[str, Any], source: str) -> Poam:
    """Build the model from a schema-valid document and enforce the cross-field invariants."""
    entries = tuple(_entry(raw) for raw in document["entries"])
    targets = scope_targets(document["scope"], source)
    _require_unique_ids(entries, source)
    _require_known_practices(entries, source)
    _require_own_objectives(entries, source)
    _require_narrowing(entries, targets, source)
    return Poam(
        organization=document["organization"],
        system=document["system"],
        assessment=_assessment(document["assessment"]),
        targets=targets,
        entries=entries,
    )


def scope_targets(raw: dict[str, Any] | list[dict[str, Any]], source: str) -> tuple[ScopeTarget, ...]:
    """The scope as targets: version 2 lists them, version 1's single object is read as a one-target list."""
    listed = raw if isinstance(raw, list) else [raw]
    lenient = not isinstance(raw, list)  # version 1: it loaded before partitions were checked
    targets = tuple(_target(item, f"{source}: scope[{index}]", lenient) for index, item in enumerate(listed))
    _require_distinct_accounts(targets, source)
    return targets


def _target(raw: dict[str, Any], where: str, lenient: bool) -> ScopeTarget:
    regions = tuple(raw.get("regions", ()))
    # Resolved here (AWS only has partitions) so that role ARNs and scans never guess it.
    partition = provider_spec(raw["provider"]).partition(
        regions, raw.get("partition"), where, lenient=lenient
    )
    return ScopeTarget(
        provider=raw["provider"],
        accounts=tuple(raw.get("accounts", ())),
        regions=regions,
        partition=partition,
        role_name=raw.get("role_name", ""),
        environment=raw.get("environment", ""),
        tenant_id=raw.get("tenant_id", ""),
        organization=_organization(raw.get("organization")),
    )


def _require_distinct_accounts(targets: tuple[ScopeTarget, ...], source: str) -> None:
    # One account in two targets would be scanned twice with different options and judged twice.
    seen: set[tuple[str, str]] = set()
    for target in targets:
        for account in target.accounts:
            if (target.provider, account) in seen:
                raise InputError(f"{source}: {target.provider} account {account} is in two scope targets")
            seen.add((target.provider, account))


CURRENT_SCHEMA_VERSION = 2


def migrated_document(document: dict[str, Any]) -> dict[str, Any]:
    """A version 1 document as version 2: the scope object becomes a one-target list.

    Nothing else changes: every other field (unknown ones included) keeps its value and its place,
    and the scope object keeps all of its own fields. A version 2 document is returned as it is.
    """
    if document["schema_version"] == CURRENT_SCHEMA_VERSION:
        return document
    return {
        key: CURRENT_SCHEMA_VERSION if key == "schema_version" else [value] if key == "scope" else value
        for key, value in document.items()
    }


def _require_unique_ids(entries: tuple[Entry, ...], source: str) -> None:
    seen: set[str] = set()
    for entry in entries:
        if entry.id in seen:
            raise InputError(f"{source}: duplicate entry id {entry.id!r}")
        seen.add(entry.id)


def _require_known_practices(entries: tuple[Entry, ...], source: str) -> None:
    catalog = practices()
    upper = {pid.upper(): pid for pid in catalog}
    for entry in entries:
        if entry.practice_id in catalog:
            continue
        hint = upper.get(entry.practice_id.upper())
        suffix = f" (did you mean {hint!r}? practice ids are case-sensitive)" if hint else ""
        raise InputError(
            f"{source}: entry {entry.id}: unknown CMMC Level 2 practice id {entry.practice_id!r}{suffix}"
        )


def _require_own_objectives(entries: tuple[Entry, ...], source: str) -> None:
    """Every objective an entry names (open, or assigned checks) is one of its practice's: an unknown id
    or another practice's is a typo that would silently drop the objective from the verdict."""
    known = objectives_by_id()
    for entry in entries:
        named = [*(entry.objectives or ()), *(entry.verification.objective_checks or {})]
        for objective_id in dict.fromkeys(named):
            objective = known.get(objective_id)
            if objective is None:
                raise InputError(
                    f"{source}: entry {entry.id}: unknown 800-171A objective id {objective_id!r}"
                )
            if objective.practice_id != entry.practice_id:
                raise InputError(
                    f"{source}: entry {entry.id}: objective {objective_id} belongs to {objective.practice_id}, "
                    f"not {entry.practice_id}"
                )
        if entry.objectives is not None:
            outside = [
                oid for oid in entry.verification.objective_checks or {} if oid not in entry.objectives
            ]
            if outside:
                raise InputError(
                    f"{source}: entry {entry.id}: verification.checks assigns checks to {', '.join(outside)}, "
                    "which is not among the entry's objectives"
                )


def _require_narrowing(entries: tuple[Entry, ...], targets: tuple[ScopeTarget, ...], source: str) -> None:
    """An entry's scope may only narrow the POA&M's: widening it would verify systems nobody assessed."""
    for entry in entries:
        narrowing = entry.verification.scope
        if narrowing is None:
            continue
        # An organization's accounts are known only at scan time; verify treats the listed ones as scope.
        outside = [
            a
            for a in narrowing.accounts
            if not any(a in t.accounts or t.organization is not None for t in targets)
        ]
        outside += [r for r in narrowing.regions if not any(narrowed_regions(t, (r,)) for t in targets)]
        if outside:
            raise InputError(
                f"{source}: entry {entry.id}: verification.scope names {', '.join(outside)}, "
                "outside the POA&M's scope; an entry's scope can only narrow it"
            )
        if not any(narrow_target(t, narrowing) for t in targets):
            raise InputError(
                f"{source}: entry {entry.id}: verification.scope leaves no scope target: its accounts "
                "and regions belong to different targets"
            )


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _lenient_date(text: str | None) -> date | None:
    """Milestone due dates are free text in the schema (lint flags 'Q3'); parse YYYY-MM-DD only."""
    # date.fromisoformat also takes 20270115 and week dates; those are not what a reader expects.
    if not text or not _ISO_DATE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _assessment(raw: dict[str, Any]) -> Assessment:
    assessment_date = _date(raw["assessment_date"])
    assert assessment_date is not None  # noqa: S101 - required by the schema
    return Assessment(
        level=raw["level"],
        type=raw["type"],
        assessment_date=assessment_date,
        conditional_status_date=_date(raw.get("conditional_status_date")),
    )


def _scope(raw: dict[str, Any]) -> Scope:
    return Scope(
        accounts=tuple(raw.get("accounts", ())),
        regions=tuple(raw.get("regions", ())),
        resources=tuple(raw.get("resources", ())),
    )


def _organization(raw: dict[str, Any] | None) -> Organization | None:
    if raw is None:
        return None
    return Organization(
        ou_ids=tuple(raw.get("ou_ids", ())), exclude_accounts=tuple(raw.get("exclude_accounts", ()))
    )


def _entry(raw: dict[str, Any]) -> Entry:
    verification = raw.get("verification") or {}
    checks = verification.get("checks")
    scope = verification.get("scope")
    owner = raw.get("owner")
    objectives = raw.get("objectives")
    explicit = checks if isinstance(checks, dict) else None
    if explicit is not None:
        # The object form's checks, all of them, are the entry's checks: findings are read and unknown ids
        # refused for them as for the list form; each objective is judged by the ones it names.
        checks = list(dict.fromkeys(c for names in explicit.values() for c in names))
    return Entry(
        id=raw["id"],
        practice_id=raw["practice_id"],
        objectives=tuple(objectives) if objectives is not None else None,
        finding=raw["finding"],
        root_cause=raw.get("root_cause") or "",
        owner=Owner(name=owner.get("name", ""), role=owner.get("role", "")) if owner else None,
        milestones=tuple(_milestone(m) for m in raw.get("milestones", ())),
        resources=_resources(raw.get("resources")),
        verification=Verification(
            checks=tuple(checks) if checks is not None else None,
            scope=_scope(scope) if scope else None,
            attestation=bool(verification.get("attestation", False)),
            objective_checks=(
                {oid: tuple(names) for oid, names in explicit.items()} if explicit is not None else None
            ),
        ),
        status=EntryStatus(raw["status"]),
        created=_date(raw.get("created")),
        partial=bool(raw.get("partial", False)),
        kind=raw.get("kind", "poam"),
    )


def _milestone(raw: dict[str, Any]) -> Milestone:
    due_text = raw.get("due") or ""
    return Milestone(
        title=raw["title"],
        due=_lenient_date(due_text),
        due_text=due_text,
        status=MilestoneStatus(raw.get("status", "planned")),
        status_date=_date(raw.get("status_date")),
    )


def _resources(raw: dict[str, Any] | str | None) -> Resources | None:
    if raw is None:
        return None
    if isinstance(raw, str):
        return Resources(budget_usd=raw, fte=None, tooling=())
    return Resources(
        budget_usd=raw.get("budget_usd"), fte=raw.get("fte"), tooling=tuple(raw.get("tooling", ()))
    )


def entry_objectives(entry: Entry) -> tuple[str, ...]:
    """The 800-171A objectives an entry is judged on, in catalog order: its own list, else all of its practice's."""
    procedure = assessment_procedures().get(entry.practice_id)
    own = tuple(o.objective_id for o in procedure.objectives) if procedure else ()
    if entry.objectives is None:
        return own
    named = set(entry.objectives)
    return tuple(oid for oid in own if oid in named)


def require_checks_evidence_objectives(poam: Poam, mapping: CheckMapping, source: object) -> None:
    """Refuse a listed check (the list form of ``verification.checks``) that evidences none of its entry's
    objectives per the mapping: it would be read and shown, and judge nothing. The object form assigns
    such a check to an objective explicitly."""
    for entry in poam.entries:
        if entry.verification.checks is None or entry.verification.objective_checks is not None:
            continue
        scope = entry_scope(poam.targets, entry)
        objectives = entry_objectives(entry)
        for name in entry.verification.checks:
            ref = resolve_check(name, entry.id, scope.providers, mapping)
            if ref.check_id not in mapping.all_checks(ref.provider):
                continue  # an id the mapping does not know: refused (or allowed) as an unknown check
            if not any(ref.check_id in mapping.objective_checks(oid, ref.provider) for oid in objectives):
                example = json.dumps({objectives[0]: [name]}) if objectives else "{}"
                raise InputError(
                    f"{source}: entry {entry.id}: check {name} evidences none of the entry's objectives "
                    f"({', '.join(objectives)}) in mapping {mapping.path or 'given'}; assign it to the "
                    f"objective it evidences with the object form of verification.checks ({example}), "
                    "or remove it"
                )

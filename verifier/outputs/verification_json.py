"""``verification.json``: the machine-readable verdicts of one run, with its inputs' provenance."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from verifier.catalog import objectives_by_id
from verifier.inputs.findings.findings_set import Container, SourceFile
from verifier.inputs.findings.manifest import organization_evidence
from verifier.model import EntryResult, EntryStatus, ObjectiveResult, Verdict
from verifier.outputs.paths import recorded_mapping_path, recorded_path
from verifier.outputs.poam_json import is_regression, next_status
from verifier.outputs.reasons import reason_json, reasons_json, rendered
from verifier.outputs.run import VerificationRun, timestamp
from verifier.outputs.serialize import dumps, tally_json
from verifier.rules.ruleset import problem_json
from verifier.rules.score import score_json
from verifier.rules.streak import streak_text
from verifier.rules.timeline import timeline_json


def verification_document(run: VerificationRun) -> dict[str, Any]:
    """The document as a dict (other formats reuse it)."""
    statuses = {e.id: e.status for e in run.poam.poam.entries}
    return {
        "tool": {"name": "poam-verifier", "version": run.context.tool_version},
        "verified_at": timestamp(run.context.verified_at),
        "as_of": run.context.as_of.isoformat(),
        "max_scan_age_days": run.context.max_scan_age_days,
        "organization": run.poam.poam.organization,
        "system": run.poam.poam.system,
        "summary": {v.value: run.count(v) for v in Verdict},
        "inputs": inputs_provenance(run),
        "prowler_versions": list(run.findings.prowler_versions),
        "accounts_seen": list(run.accounts_seen),
        "regions_seen": list(run.regions_seen),
        "account_regions_seen": list(run.account_regions_seen),
        "history_head": run.history_head,
        **scope_accounts_json(run),
        **source_errors_json(run),
        "entries": [
            {**_entry(r, statuses[r.entry_id]), "streak": streak_text(run.histories.get(r.entry_id))}
            for r in run.results
        ],
        "score": score_json(run.review.score),
        "timeline": timeline_json(run.review.timeline),
        "lint": {"problems": [problem_json(p) for p in run.review.problems]},
    }


def source_errors_json(run: VerificationRun) -> dict[str, Any]:
    """Sources that could not be read while others were (else nothing): the verdicts fail closed on them."""
    if not run.findings.source_errors:
        return {}
    return {
        "unreadable_sources": [
            {
                "location": recorded_path(e.location),
                "reason": e.reason,
                "accounts": list(e.accounts),
                "regions": list(e.regions),
            }
            for e in run.findings.source_errors
        ]
    }


def scope_accounts_json(run: VerificationRun) -> dict[str, Any]:
    """For an organization scope: the accounts verified and how the scans listed them (else nothing)."""
    raw = run.poam.document["scope"]
    # Version 1: the scope object; version 2: the AWS target that names the organization.
    listed = raw if isinstance(raw, list) else [raw]
    index = next((i for i, target in enumerate(listed) if "organization" in target), None)
    if index is None:
        return {}
    # A version 1 scope object was loaded as the single target: index 0 either way.
    scope = run.poam.poam.targets[index]
    return {
        "scope_accounts": {
            "accounts": list(scope.accounts) if scope.organization is None else None,
            "listed_by": organization_evidence(run.findings.manifests),
        }
    }


def inputs_provenance(run: VerificationRun) -> dict[str, Any]:
    """Digests of every input, so an assessor can tie a verdict to the exact files it came from."""
    return {
        "poam": {"path": recorded_path(run.poam.path), "sha256": run.poam.sha256},
        "mapping": {
            "path": recorded_mapping_path(run.mapping.path),
            "sha256": run.mapping.sha256,
            "source": dict(run.mapping.source),
        },
        "findings": [
            {"path": recorded_path(f.path), "sha256": f.sha256, "format": f.format, "findings": f.findings}
            for f in run.findings.files
        ],
        **archives_json(run.findings.files),
    }


def archives_json(files: Sequence[SourceFile]) -> dict[str, Any]:
    """The zips findings were read from (else nothing): each zip's own digest, so the manifest can be checked
    against the archive an assessor was handed, and which ``findings`` entries are its members."""
    members: dict[Container, list[str]] = {}
    for file in files:
        recorded = recorded_path(file.path)
        if file.container is not None and recorded not in members.setdefault(file.container, []):
            members[file.container].append(recorded)
    if not members:
        return {}
    return {
        "archives": [
            {"path": recorded_path(container.path), "sha256": container.sha256, "members": paths}
            for container, paths in members.items()
        ]
    }


def _entry(result: EntryResult, status: EntryStatus) -> dict[str, Any]:
    return {
        "id": result.entry_id,
        "practice_id": result.practice_id,
        "verdict": result.verdict.value,
        "reasons": list(rendered(result)),
        "reason_codes": reasons_json(result),
        "status_before": status.value,
        "status_after": next_status(status, result.verdict).value,
        "regression": is_regression(status, result.verdict),
        "checks": {check: tally_json(t) for check, t in result.checks.items()},
        "objectives": [objective_json(o) for o in result.objectives],
    }


def objective_json(objective: ObjectiveResult) -> dict[str, Any]:
    """One 800-171A objective's verdict: its words from the catalog, what the verdict rests on, and why."""
    known = objectives_by_id().get(objective.objective_id)
    return {
        "id": objective.objective_id,
        "text": known.text if known else "",
        "verdict": objective.verdict.value,
        "basis": objective.basis.value,
        "checks": list(objective.checks),
        "attestations": list(objective.attestations),
        "reasons": [reason_json(r) for r in objective.reasons],
    }


def render(run: VerificationRun) -> bytes:
    return dumps(verification_document(run))

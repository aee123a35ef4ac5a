"""The words of every verdict reason: one template per ``ReasonCode``, rendering its parameters.

Evaluation decides a reason as data (a code and parameters); this table is the only place that turns one
into text, for every output alike. Nothing reads the text back: a program compares codes and parameters.
The codes, parameters and texts are listed for assessors in docs/reason-codes.md.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from verifier.catalog import SCAN_CANNOT_PROVE, objectives_by_id
from verifier.model import EntryResult, Reason, ReasonCode

Params = Mapping[str, Any]

NO_ATTESTATION = "verification requires an attestation and no valid attestation is recorded for this entry"
ABSENCE = "absence of findings is not evidence"


def _template(text: str) -> Callable[[Params], str]:
    """A template whose ``{name}`` fields are the reason's parameters, as they are."""
    return lambda params: text.format_map(params)


def _fail_found(p: Params) -> str:
    muted = f" ({p['muted']} muted: a muted FAIL is still a FAIL)" if p["muted"] else ""
    named = ", ".join(_place(r) for r in p["resources"])
    more = f" and {p['more']} more" if p["more"] else ""
    return f"{p['check']}: FAIL on {p['failed']} resource(s){muted}: {named}{more}"


def _provider_unchecked(p: Params) -> str:
    provider = p["provider"]
    source = "the entry names none" if p["entry_names_checks"] else "the mapping has none"
    return (
        f"{provider}: no {provider} check verifies {p['practice_id']} ({source}), "
        f"so its {provider} accounts ({', '.join(p['accounts'])}) are unverified; "
        "narrow verification.scope to the accounts this gap concerns, or name checks for them"
    )


def _no_in_scope_findings(p: Params) -> str:
    hint = ""
    if p.get("untenanted_target"):
        hint += (
            f"; {p['provider']} target {p['untenanted_target']} names no tenant_id, "
            "and this check reports on the tenant"
        )
    limit = p.get("commercial_only")
    if limit:
        hint += (
            f"; Prowler runs {p['provider']} {limit['service']} checks through PowerShell connected to "
            f"commercial endpoints, so in {', '.join(limit['environments'])} (GCC High) they may produce "
            "no findings: this practice needs another proof there (an attestation)"
        )
    return f"{p['check']}: no in-scope findings ({_scope(p['scope'])}): {ABSENCE}{hint}"


def _removal_unproven(p: Params) -> str:
    return (
        f"{_resource(p)} FAIL in {p['source_file']} ({p['time']}) is not reported by the newer scan "
        f"{_scan(p)} ({p['started']}), which cannot prove it complete ({p['incomplete'] or 'no proof'}): "
        "rescan with `poam scan`"
    )


def _resolved_by_removal(p: Params) -> str:
    return (
        f"{_resource(p)} resolved by removal: FAIL in {p['source_file']} ({p['time']}) is absent from "
        f"the newer complete scan {_scan(p)} ({p['started']})"
    )


def _scan_cannot_prove(p: Params) -> str:
    return f"{p['practice_id']}: {SCAN_CANNOT_PROVE[p['practice_id']]}; closure needs an attestation"


def _no_checks(p: Params) -> str:
    why = (
        "the entry's verification.checks is empty"
        if p["entry_names_checks"]
        else "the mapping has none and the entry names none"
    )
    return (
        f"no automated check verifies {p['practice_id']}: {why}, "
        "so closure needs recorded human evidence (attestation)"
    )


def _objective_no_checks(p: Params) -> str:
    objective = p["objective"]
    return (
        f"{_objective(objective)}: no check evidences it — attest it with "
        f"`poam attest {p['entry']} --objective {objective} …`, or leave it out of the entry's "
        "objectives if it was MET at the assessment"
    )


def _objective(objective_id: str) -> str:
    """``3.3.8[c] (audit information is protected from unauthorized deletion)``: the id and its words."""
    objective = objectives_by_id().get(objective_id)
    return f"{objective_id} ({objective.text.rstrip('.')})" if objective else objective_id


def _all_checks_pass(p: Params) -> str:
    return (
        f"all {p['check_count']} check(s) PASS on {p['resource_count']} resource(s) "
        f"in {_scope(p['scope'])}; newest scan {p['newest_scan']}"
    )


TEMPLATES: Mapping[ReasonCode, Callable[[Params], str]] = {
    ReasonCode.FAIL_FOUND: _fail_found,
    ReasonCode.PROVIDER_UNCHECKED: _provider_unchecked,
    ReasonCode.ACCOUNT_NOT_SCANNED: _template("account {account} does not appear in the scan results at all"),
    ReasonCode.SOURCE_UNREADABLE: _template(
        "findings source {location} could not be read ({error}): it may hold newer results "
        "for this scope, so none here can prove it"
    ),
    ReasonCode.ORGANIZATION_NOT_LISTED: _template(
        "the scope is an AWS Organization and no scan manifest lists its accounts "
        "(run `poam scan` with the organization's credentials): the accounts to prove are unknown"
    ),
    ReasonCode.REGION_NOT_SCANNED: _template(
        "region {region} of account {account} does not appear in the scan results at all"
    ),
    ReasonCode.NO_IN_SCOPE_FINDINGS: _no_in_scope_findings,
    ReasonCode.NO_FINDINGS_FOR_ACCOUNT: _template("{check}: no findings for account {account}: " + ABSENCE),
    ReasonCode.MANUAL_RESULTS: _template(
        "{check}: {count} MANUAL result(s) need human review, not an automated PASS"
    ),
    ReasonCode.MUTED_PASS: _template("{check}: {count} muted PASS result(s): a muted result is not evidence"),
    ReasonCode.STALE_FINDINGS: _template(
        "{check}: stale scan: a finding from {oldest} is {age_days} days old "
        "(--max-scan-age {max_scan_age_days})"
    ),
    ReasonCode.FINDING_AFTER_AS_OF: _template("{check}: a finding is dated {newest}, after --as-of {as_of}"),
    ReasonCode.REMOVAL_UNPROVEN: _removal_unproven,
    ReasonCode.ATTESTATION_NOT_VALID: _template("attestation not valid: {attestation}"),
    ReasonCode.SCAN_CANNOT_PROVE: _scan_cannot_prove,
    ReasonCode.ATTESTATION_MISSING: _template(NO_ATTESTATION),
    ReasonCode.NO_CHECKS: _no_checks,
    ReasonCode.NO_CHECKS_ATTESTATION_MISSING: _template(
        "no automated check verifies {practice_id}: " + NO_ATTESTATION
    ),
    ReasonCode.OBJECTIVE_NO_CHECKS: _objective_no_checks,
    ReasonCode.ALL_CHECKS_PASS: _all_checks_pass,
    ReasonCode.ATTESTED: _template("{attestation}"),
    ReasonCode.ATTESTED_WITHOUT_CHECKS: _template("no automated check verifies {practice_id}: {attestation}"),
    ReasonCode.RESOLVED_BY_REMOVAL: _resolved_by_removal,
}
"""Every reason code's words; a test holds it exhaustive."""


# Codes whose words already name the objective they are about.
_NAMES_OBJECTIVE = frozenset({ReasonCode.OBJECTIVE_NO_CHECKS})


def render(reason: Reason) -> str:
    """The reason in words; one about an objective begins with the objective's id."""
    text = TEMPLATES[reason.code](reason.params)
    objective = reason.params.get("objective")
    if objective is None or reason.code in _NAMES_OBJECTIVE:
        return text
    return f"{objective}: {text}"


def rendered(result: EntryResult) -> tuple[str, ...]:
    """The entry's reasons in words, in order."""
    return tuple(render(reason) for reason in result.reasons)


def reason_json(reason: Reason) -> dict[str, Any]:
    """One reason as a file records it: its code and parameters, and its words beside them."""
    return {"code": reason.code.value, "params": dict(reason.params), "text": render(reason)}


def reasons_json(result: EntryResult) -> list[dict[str, Any]]:
    """The entry's reasons as files record them (``reason_json``), in order."""
    return [reason_json(reason) for reason in result.reasons]


def _place(resource: Params) -> str:
    return f"{resource['resource_uid']} [{resource['account']}/{resource['region']}]"


def _resource(p: Params) -> str:
    return f"{p['check']}: {_place(p)}"


def _scan(p: Params) -> str:
    others: Sequence[str] = p["scan_files"]
    return str(p["scan"]) + (f" (files {', '.join(others)})" if others else "")


def _scope(scope: Params) -> str:
    parts = [f"accounts {', '.join(scope['accounts'])}"]
    if scope["regions"]:
        parts.append(f"regions {', '.join(scope['regions'])}")
    if scope["resources"]:
        parts.append(f"resources {', '.join(scope['resources'])}")
    return "; ".join(parts)

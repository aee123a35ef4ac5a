"""OSCAL exports of one run: a ``plan-of-action-and-milestones`` and an ``assessment-results`` document.

Both are OSCAL 1.2 JSON (the POA&M is valid against NIST's 1.2.1 schema, the assessment results against
1.2.3's). Every uuid is a UUIDv5 of a stable name, so the same run renders the same bytes, and an entry's
POA&M item, risk and milestones keep their uuids across runs (OSCAL asks for per-subject uuids);
observations and the result are per run, so their names include the verification time.

NIST SP 800-171 Rev. 2 has no official OSCAL catalog, and OSCAL control ids are XML NCName tokens that
cannot start with a digit, so a requirement ``3.13.16`` is the control ``sp800-171r2-3.13.16`` here
(its objective ``sp800-171r2-3.13.16_obj``, the suffix NIST's 800-53 catalog uses), with the plain
number in a ``label`` property. An 800-171A assessment objective ``3.3.8[a]`` is
``sp800-171r2-3.3.8_obj.a``, as NIST's 800-53 catalog names ``AC-02a.``'s objective ``ac-2_obj.a``; the
assessment results define each such objective, with its 800-171A text and label, in
``local-definitions``, and give it one finding per entry judged on it. A POA&M item whose entry names the
objectives found NOT MET carries one ``objective-id`` property per objective, valued ``3.3.8[a]`` as those
findings' are (none: the entry is judged on all of its practice's objectives). An operational plan of
action (32 CFR 170.4: no POA&M item) carries ``entry-kind`` ``operational``; a POA&M item carries none.
"""

from __future__ import annotations

import re
import uuid
from datetime import date
from typing import Any, assert_never

from verifier.catalog import assessment_procedures, practices
from verifier.errors import InputError
from verifier.model import (
    OPERATIONAL_KIND,
    CheckTally,
    Entry,
    EntryResult,
    EntryStatus,
    Milestone,
    MilestoneStatus,
    ObjectiveResult,
    Verdict,
    next_status,
)
from verifier.outputs import evidence
from verifier.outputs.objectives import objective_text
from verifier.outputs.poam_json import EvidenceRef
from verifier.outputs.reasons import render, rendered
from verifier.outputs.run import VerificationRun, timestamp
from verifier.outputs.serialize import dumps
from verifier.rules.timeline import closeout_deadline

POAM_OSCAL_VERSION = "1.2.1"
AR_OSCAL_VERSION = "1.2.3"
# The namespace of this tool's own properties, and the seed of every uuid it derives.
NS = "urn:poam-verifier:oscal"
_UUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, NS)
CONTROL_PREFIX = "sp800-171r2-"
OWNER_ROLE = "poam-item-owner"

JsonObject = dict[str, Any]


def stable_uuid(*parts: str) -> str:
    """A UUIDv5 of ``parts`` under this tool's namespace: the same names give the same uuid."""
    return str(uuid.uuid5(_UUID_NAMESPACE, "\x1f".join(parts)))


def one_line(text: str) -> str:
    """``text`` on one line without outer whitespace, as OSCAL strings and titles require."""
    return " ".join(text.split())


def prop(name: str, value: str | int) -> JsonObject:
    """A property in this tool's namespace."""
    return {"name": name, "ns": NS, "value": one_line(str(value)) or "-"}


def control_id(nist_id: str) -> str:
    """The OSCAL control id of a NIST SP 800-171 Rev. 2 requirement (``3.13.16``)."""
    return f"{CONTROL_PREFIX}{nist_id}"


_OBJECTIVE = re.compile(r"(\d+\.\d+\.\d+)\[([a-z]+)\]")


def objective_target_id(objective_id: str) -> str:
    """The OSCAL objective id of an 800-171A objective (``3.3.8[a]`` → ``sp800-171r2-3.3.8_obj.a``).

    OSCAL ids are tokens, which cannot hold brackets; the letter follows ``_obj.`` as in NIST's 800-53
    catalog. Evaluation only judges objectives of the catalog, so any other id is a bug, refused here.
    """
    match = _OBJECTIVE.fullmatch(objective_id)
    if match is None:
        raise ValueError(f"not an 800-171A objective id: {objective_id!r}")
    return f"{control_id(match.group(1))}_obj.{match.group(2)}"


def _end_of_day(day: date) -> str:
    # A POA&M due date or Day 180 is met by the end of that day.
    return f"{day.isoformat()}T23:59:59Z"


class _Ids:
    """The uuids of one run's OSCAL objects, named by what they stand for."""

    def __init__(self, run: VerificationRun) -> None:
        self.system = run.poam.poam.system
        self.run = timestamp(run.context.verified_at)

    def document(self, model: str, digest: str) -> str:
        return stable_uuid(model, self.system, digest, self.run)

    def result(self) -> str:
        return stable_uuid("result", self.system, self.run)

    def party(self, kind: str, name: str) -> str:
        return stable_uuid("party", kind, name)

    def poam_item(self, entry_id: str) -> str:
        return stable_uuid("poam-item", self.system, entry_id)

    def risk(self, entry_id: str) -> str:
        return stable_uuid("risk", self.system, entry_id)

    def remediation(self, entry_id: str) -> str:
        return stable_uuid("remediation", self.system, entry_id)

    def task(self, entry_id: str, index: int) -> str:
        return stable_uuid("milestone", self.system, entry_id, str(index))

    def observation(self, entry_id: str, check_id: str) -> str:
        return stable_uuid("observation", self.system, entry_id, check_id, self.run)

    def finding(self, entry_id: str) -> str:
        return stable_uuid("finding", self.system, entry_id, self.run)

    def objective_finding(self, entry_id: str, objective_id: str) -> str:
        return stable_uuid("objective-finding", self.system, entry_id, objective_id, self.run)

    def attestation_observation(self, entry_id: str, objective_id: str, index: int) -> str:
        return stable_uuid(
            "attestation-observation", self.system, entry_id, objective_id, str(index), self.run
        )

    def resource(self, resource_uid: str, provider: str | None = None) -> str:
        if provider is None:
            return stable_uuid("resource", resource_uid)
        return stable_uuid("resource", provider, resource_uid)


# --- shared pieces ---------------------------------------------------------------------------------


def _metadata(run: VerificationRun, title: str, oscal_version: str, ids: _Ids) -> JsonObject:
    metadata: JsonObject = {
        "title": one_line(title),
        "last-modified": timestamp(run.context.verified_at),
        "version": timestamp(run.context.verified_at),
        "oscal-version": oscal_version,
        "props": [
            prop("tool-version", run.context.tool_version),
            prop("as-of", run.context.as_of.isoformat()),
        ],
    }
    owners = _owner_parties(run, ids)
    # OSCAL's order: roles, then parties, then who plays which role.
    if owners:
        metadata["roles"] = [{"id": OWNER_ROLE, "title": "POA&M item owner"}]
    metadata["parties"] = [_organization(run, ids), *owners]
    if owners:
        metadata["responsible-parties"] = [
            {"role-id": OWNER_ROLE, "party-uuids": [party["uuid"] for party in owners]}
        ]
    return metadata


def _organization(run: VerificationRun, ids: _Ids) -> JsonObject:
    name = one_line(run.poam.poam.organization)
    return {"uuid": ids.party("organization", name), "type": "organization", "name": name or "-"}


def _owner_parties(run: VerificationRun, ids: _Ids) -> list[JsonObject]:
    """One person per distinct named owner, member of the organization, with the role as written."""
    organization = ids.party("organization", one_line(run.poam.poam.organization))
    people: dict[str, JsonObject] = {}
    for entry in run.poam.poam.entries:
        if entry.owner is None or not (name := one_line(entry.owner.name)) or name in people:
            continue
        person: JsonObject = {"uuid": ids.party("person", name), "type": "person", "name": name}
        if one_line(entry.owner.role):
            person["props"] = [prop("job-title", entry.owner.role)]
        person["member-of-organizations"] = [organization]
        people[name] = person
    return list(people.values())


def _observations(run: VerificationRun, ids: _Ids) -> list[JsonObject]:
    """One observation per check of each entry, pointing at the entry's evidence file."""
    refs = evidence.entry_files(run).refs
    return [
        _observation(run, ids, result, check_id, tally, refs[result.entry_id])
        for result in run.results
        for check_id, tally in result.checks.items()
    ]


def _observation(
    run: VerificationRun, ids: _Ids, result: EntryResult, check_id: str, tally: CheckTally, ref: EvidenceRef
) -> JsonObject:
    observation: JsonObject = {
        "uuid": ids.observation(result.entry_id, check_id),
        "title": one_line(f"{check_id} for {result.entry_id}"),
        "description": _tally_text(check_id, tally),
        "props": [
            prop("entry-id", result.entry_id),
            prop("check-id", check_id),
            prop("pass-count", tally.passed),
            prop("fail-count", tally.failed),
            prop("muted-count", tally.muted),
            prop("manual-count", tally.manual),
        ],
        "methods": ["TEST"],
    }
    if tally.resources:
        providers = _resource_providers(run, result)
        observation["subjects"] = [
            _subject(ids, resource, providers.get(resource)) for resource in tally.resources
        ]
    observation["relevant-evidence"] = [
        {
            "href": ref.path,
            "description": f"The findings that decided {result.entry_id}, with their source files' digests.",
            "props": [prop("sha256", ref.sha256)],
        }
    ]
    observation["collected"] = timestamp(run.context.verified_at)
    return observation


def _tally_text(check_id: str, tally: CheckTally) -> str:
    return (
        f"Prowler check {check_id} over the entry's scope, latest result per finding: "
        f"{tally.passed} PASS, {tally.failed} FAIL, {tally.muted} muted, {tally.manual} MANUAL "
        f"on {len(tally.resources)} resource(s). A muted result never counts as a PASS."
    )


def _resource_providers(run: VerificationRun, result: EntryResult) -> dict[str, str]:
    """Each deciding resource's provider, where the POA&M is a version 2 one (version 1 output is unchanged)."""
    if run.poam.schema_version == 1:  # version 1 subjects stay exactly as they were
        return {}
    return {f.resource_uid: f.provider for f in result.evidence}


def _subject(ids: _Ids, resource_uid: str, provider: str | None = None) -> JsonObject:
    # A resource id is unique only within its provider (M365 and Entra ids are bare GUIDs), so a
    # version 2 subject's uuid and props name the provider too.
    subject: JsonObject = {
        "subject-uuid": ids.resource(resource_uid, provider),
        "type": "resource",
        "title": one_line(resource_uid) or "-",
        "props": [prop("resource-uid", resource_uid)],
    }
    if provider:
        subject["props"].append(prop("provider", provider))
    return subject


def _practice_props(result: EntryResult) -> list[JsonObject]:
    # Loading a POA&M rejects unknown practices, so every entry's practice is in the catalog.
    practice = practices()[result.practice_id]
    return [prop("practice-id", result.practice_id), prop("nist-id", practice.nist_id)]


def _require_entries(run: VerificationRun) -> None:
    # OSCAL requires at least one poam-item and one reviewed control: an empty POA&M has no export.
    if not run.results:
        raise InputError(f"{run.poam.path}: the POA&M has no entries, so there is nothing to export to OSCAL")


def _reasons(result: EntryResult) -> str:
    return "\n".join(f"- {reason}" for reason in rendered(result)) or "-"


# --- plan-of-action-and-milestones -----------------------------------------------------------------


def poam_document(run: VerificationRun) -> JsonObject:
    """The OSCAL POA&M as a dict: one poam-item, one risk and its milestones per entry."""
    _require_entries(run)
    ids = _Ids(run)
    poam = run.poam.poam
    body: JsonObject = {
        "uuid": ids.document("plan-of-action-and-milestones", run.poam.sha256),
        "metadata": _metadata(run, f"POA&M of {poam.system} ({poam.organization})", POAM_OSCAL_VERSION, ids),
        "system-id": {"identifier-type": NS, "id": one_line(poam.system) or "-"},
    }
    observations = _observations(run, ids)
    if observations:
        body["observations"] = observations
    entries = {entry.id: entry for entry in poam.entries}
    body["risks"] = [_risk(run, ids, entries[r.entry_id], r) for r in run.results]
    body["poam-items"] = [_poam_item(ids, entries[r.entry_id], r) for r in run.results]
    return {"plan-of-action-and-milestones": body}


def risk_status(status: EntryStatus) -> str:
    """The OSCAL risk status of an entry status: closed only once the C3PAO confirmed the closeout."""
    match status:
        case EntryStatus.OPEN | EntryStatus.READY_FOR_CLOSEOUT:
            return "open"
        case EntryStatus.CLOSED:
            return "closed"
        case _:
            assert_never(status)


def _risk(run: VerificationRun, ids: _Ids, entry: Entry, result: EntryResult) -> JsonObject:
    status = next_status(entry.status, result.verdict)
    title = f"{entry.practice_id}: {practices()[entry.practice_id].title}"
    risk: JsonObject = {
        "uuid": ids.risk(entry.id),
        "title": one_line(title),
        "description": entry.finding,
        "statement": entry.root_cause,
        "props": [*_practice_props(result), prop("entry-status", status.value)],
        "status": risk_status(status),
        "deadline": _end_of_day(closeout_deadline(run.poam.poam.assessment)),
    }
    if entry.milestones:
        risk["remediations"] = [_remediation(ids, entry)]
    return risk


def _remediation(ids: _Ids, entry: Entry) -> JsonObject:
    done = all(m.status is MilestoneStatus.DONE for m in entry.milestones)
    return {
        "uuid": ids.remediation(entry.id),
        "lifecycle": "completed" if done else "planned",
        "title": one_line(f"Milestones to close {entry.id}"),
        "description": entry.root_cause,
        "tasks": [_task(ids, entry, index, m) for index, m in enumerate(entry.milestones, start=1)],
    }


def _task(ids: _Ids, entry: Entry, index: int, milestone: Milestone) -> JsonObject:
    task: JsonObject = {
        "uuid": ids.task(entry.id, index),
        "type": "milestone",
        "title": one_line(milestone.title) or f"Milestone {index}",
        "props": [prop("milestone-status", milestone.status.value)],
    }
    if milestone.status_date is not None:
        task["props"].append(prop("status-date", milestone.status_date.isoformat()))
    if milestone.due is not None:
        task["timing"] = {"on-date": {"date": _end_of_day(milestone.due)}}
    elif one_line(milestone.due_text):
        task["remarks"] = f"Due (not an ISO date): {milestone.due_text}"
    if entry.owner is not None and one_line(entry.owner.name):
        owner = ids.party("person", one_line(entry.owner.name))
        task["responsible-roles"] = [{"role-id": OWNER_ROLE, "party-uuids": [owner]}]
    return task


def _poam_item(ids: _Ids, entry: Entry, result: EntryResult) -> JsonObject:
    status = next_status(entry.status, result.verdict)
    item: JsonObject = {
        "uuid": ids.poam_item(entry.id),
        "title": one_line(f"{entry.id}: {entry.practice_id}"),
        "description": entry.finding,
        "props": [
            prop("entry-id", entry.id),
            *_practice_props(result),
            *_open_objective_props(entry),
            *_kind_props(entry),
            prop("verdict", result.verdict.value),
            prop("status-before", entry.status.value),
            prop("status-after", status.value),
        ],
    }
    observations = [ids.observation(entry.id, check) for check in result.checks]
    if observations:
        item["related-observations"] = [{"observation-uuid": u} for u in observations]
    item["related-risks"] = [{"risk-uuid": ids.risk(entry.id)}]
    item["remarks"] = _reasons(result)
    return item


def _open_objective_props(entry: Entry) -> list[JsonObject]:
    """One ``objective-id`` property per 800-171A objective the entry names as NOT MET at the assessment
    (valued ``3.3.8[a]``, as the assessment results' objective findings are); none when it names none,
    that is when it is judged on all of its practice's objectives."""
    return [prop("objective-id", objective_id) for objective_id in entry.objectives or ()]


def _kind_props(entry: Entry) -> list[JsonObject]:
    """``entry-kind`` ``operational`` for an operational plan of action (32 CFR 170.4), which deducts nothing
    and never blocks the closeout; none for a POA&M item, so a reader that knows no kinds sees POA&M items."""
    return [] if entry.is_poam_item else [prop("entry-kind", OPERATIONAL_KIND)]


def render_poam(run: VerificationRun) -> bytes:
    """``--format oscal``: the OSCAL plan-of-action-and-milestones JSON."""
    return dumps(poam_document(run))


# --- assessment-results ----------------------------------------------------------------------------


def assessment_results_document(run: VerificationRun) -> JsonObject:
    """The OSCAL assessment results as a dict: one result, one finding per entry."""
    _require_entries(run)
    ids = _Ids(run)
    poam = run.poam.poam
    title = f"Closure verification of {poam.system} ({poam.organization})"
    body: JsonObject = {
        "uuid": ids.document("assessment-results", run.poam.sha256),
        "metadata": _metadata(run, title, AR_OSCAL_VERSION, ids),
        "import-ap": {
            "href": "#",
            "remarks": "No OSCAL assessment plan: the plan is the POA&M's checks and the check mapping, "
            "pinned by digest in this result's properties and the evidence bundle's manifest.",
        },
    }
    objectives = _local_objectives(run)
    if objectives:
        body["local-definitions"] = {"objectives-and-methods": objectives}
    body["results"] = [_result(run, ids)]
    return {"assessment-results": body}


def _judged_objectives(run: VerificationRun) -> dict[str, set[str]]:
    """The objective ids judged in this run, by practice id (empty when no entry was judged per objective)."""
    judged: dict[str, set[str]] = {}
    for result in run.results:
        for objective in result.objectives:
            judged.setdefault(result.practice_id, set()).add(objective.objective_id)
    return judged


def _local_objectives(run: VerificationRun) -> list[JsonObject]:
    """Each judged practice's 800-171A objectives, defined with their text and label (no OSCAL catalog of
    SP 800-171 Rev. 2 defines them), in catalog order."""
    judged = _judged_objectives(run)
    procedures = assessment_procedures()
    return [
        {
            "control-id": control_id(practices()[practice_id].nist_id),
            "description": one_line(procedures[practice_id].statement) or "-",
            "parts": [
                {
                    "id": f"{control_id(practices()[practice_id].nist_id)}_obj",
                    "name": "assessment-objective",
                    "parts": [
                        _objective_part(o.objective_id)
                        for o in procedures[practice_id].objectives
                        if o.objective_id in judged[practice_id]
                    ],
                }
            ],
        }
        for practice_id in sorted(judged, key=lambda p: _nist_order(practices()[p].nist_id))
    ]


def _objective_part(objective_id: str) -> JsonObject:
    return {
        "id": objective_target_id(objective_id),
        "name": "assessment-objective",
        "props": [{"name": "label", "value": objective_id}],
        "prose": objective_text(objective_id) or "-",
    }


def _nist_order(nist_id: str) -> tuple[int, ...]:
    return tuple(int(part) for part in nist_id.split("."))


def _result(run: VerificationRun, ids: _Ids) -> JsonObject:
    moment = timestamp(run.context.verified_at)
    result: JsonObject = {
        "uuid": ids.result(),
        "title": one_line(f"Prowler-based closure verification as of {run.context.as_of.isoformat()}"),
        "description": "Each POA&M entry verified against the latest in-scope Prowler findings for its "
        "checks. Satisfied only with positive, fresh evidence for every check in every in-scope account.",
        "start": moment,
        "end": moment,
        "props": _provenance_props(run),
        "reviewed-controls": _reviewed_controls(run),
    }
    observations = _observations(run, ids) + _attestation_observations(run, ids)
    if observations:
        result["observations"] = observations
    result["findings"] = [
        finding
        for r in run.results
        for finding in (_finding(ids, r), *(_objective_finding(ids, r, o) for o in r.objectives))
    ]
    return result


def _reviewed_controls(run: VerificationRun) -> JsonObject:
    reviewed: JsonObject = {"control-selections": [{"include-controls": _reviewed(run)}]}
    judged = _judged_objectives(run)
    if judged:
        procedures = assessment_procedures()
        ordered = [
            o.objective_id
            for practice_id in sorted(judged, key=lambda p: _nist_order(practices()[p].nist_id))
            for o in procedures[practice_id].objectives
            if o.objective_id in judged[practice_id]
        ]
        reviewed["control-objective-selections"] = [
            {"include-objectives": [{"objective-id": objective_target_id(o)} for o in ordered]}
        ]
    return reviewed


def _provenance_props(run: VerificationRun) -> list[JsonObject]:
    props = [
        prop("as-of", run.context.as_of.isoformat()),
        prop("max-scan-age-days", run.context.max_scan_age_days),
        prop("poam-sha256", run.poam.sha256),
        prop("mapping-sha256", run.mapping.sha256),
    ]
    props += [prop("prowler-version", version) for version in run.findings.prowler_versions]
    return props


def _reviewed(run: VerificationRun) -> list[JsonObject]:
    nist_ids = {practices()[r.practice_id].nist_id for r in run.results}
    ordered = sorted(nist_ids, key=_nist_order)
    return [{"control-id": control_id(nist_id)} for nist_id in ordered]


def finding_state(verdict: Verdict) -> tuple[str, str]:
    """The OSCAL objective status (state, reason) of a verdict: only MET is satisfied."""
    match verdict:
        case Verdict.MET:
            return "satisfied", "pass"
        case Verdict.NOT_MET:
            return "not-satisfied", "fail"
        case Verdict.NOT_VERIFIED:
            return "not-satisfied", "other"
        case _:
            assert_never(verdict)


def _finding(ids: _Ids, result: EntryResult) -> JsonObject:
    state, reason = finding_state(result.verdict)
    target = control_id(practices()[result.practice_id].nist_id)
    finding: JsonObject = {
        "uuid": ids.finding(result.entry_id),
        "title": one_line(f"{result.entry_id}: {result.practice_id} {result.verdict.value}"),
        "description": f"Verdict {result.verdict.value} for POA&M entry {result.entry_id}.",
        "props": [
            prop("entry-id", result.entry_id),
            *_practice_props(result),
            prop("verdict", result.verdict.value),
        ],
        "target": {
            "type": "objective-id",
            "target-id": f"{target}_obj",
            "status": {"state": state, "reason": reason},
        },
    }
    observations = [ids.observation(result.entry_id, check) for check in result.checks]
    if observations:
        finding["related-observations"] = [{"observation-uuid": u} for u in observations]
    finding["remarks"] = _reasons(result)
    return finding


def _objective_finding(ids: _Ids, result: EntryResult, objective: ObjectiveResult) -> JsonObject:
    """One 800-171A objective of an entry: its verdict, on what it rests, and the observations behind it."""
    state, reason = finding_state(objective.verdict)
    oid, verdict = objective.objective_id, objective.verdict.value
    finding: JsonObject = {
        "uuid": ids.objective_finding(result.entry_id, oid),
        "title": one_line(f"{result.entry_id}: {oid} {verdict}"),
        "description": one_line(
            f"{oid} ({objective_text(oid).rstrip('.') or 'no text'}): {verdict} for POA&M entry "
            f"{result.entry_id}, on {objective.basis.value}."
        ),
        "props": [
            prop("entry-id", result.entry_id),
            *_practice_props(result),
            prop("objective-id", oid),
            prop("verdict", verdict),
            prop("basis", objective.basis.value),
        ],
        "target": {
            "type": "objective-id",
            "target-id": objective_target_id(oid),
            "status": {"state": state, "reason": reason},
        },
    }
    observations = [ids.observation(result.entry_id, c) for c in objective.checks if c in result.checks]
    observations += [
        ids.attestation_observation(result.entry_id, oid, index)
        for index in range(len(objective.attestations))
    ]
    if observations:
        finding["related-observations"] = [{"observation-uuid": u} for u in observations]
    finding["remarks"] = "\n".join(f"- {render(r)}" for r in objective.reasons) or "-"
    return finding


def _attestation_observations(run: VerificationRun, ids: _Ids) -> list[JsonObject]:
    """One observation per attestation counted for an objective, pointing at the entry's evidence file."""
    refs = (
        evidence.entry_files(run).refs
        if any(o.attestations for r in run.results for o in r.objectives)
        else {}
    )
    return [
        _attestation_observation(run, ids, result, objective, index, text, refs[result.entry_id])
        for result in run.results
        for objective in result.objectives
        for index, text in enumerate(objective.attestations)
    ]


def _attestation_observation(
    run: VerificationRun,
    ids: _Ids,
    result: EntryResult,
    objective: ObjectiveResult,
    index: int,
    text: str,
    ref: EvidenceRef,
) -> JsonObject:
    return {
        "uuid": ids.attestation_observation(result.entry_id, objective.objective_id, index),
        "title": one_line(f"Attestation of {objective.objective_id} for {result.entry_id}"),
        "description": one_line(text) or "-",
        "props": [prop("entry-id", result.entry_id), prop("objective-id", objective.objective_id)],
        # The attestation records what a person found; how (examine, interview, test) is not recorded here.
        "methods": ["UNKNOWN"],
        "relevant-evidence": [
            {
                "href": ref.path,
                "description": f"The evidence of {result.entry_id}, its attestations by objective included.",
                "props": [prop("sha256", ref.sha256)],
            }
        ],
        "collected": timestamp(run.context.verified_at),
    }


def render_assessment_results(run: VerificationRun) -> bytes:
    """``--format oscal-ar``: the OSCAL assessment-results JSON."""
    return dumps(assessment_results_document(run))

"""OSCAL exports of the built-in example, validated against NIST's JSON schemas (``tests/support/oscal``)."""

from __future__ import annotations

import contextlib
import importlib
import json
import os
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.support.golden import GOLDEN_TOOL_VERSION
from tests.support.oscal import SCHEMA_FILES, SCHEMAS, OscalValidator, assert_valid_oscal, oscal_validator
from tests.support.poam import poam_with_operational
from tests.support.tools import required_tool
from verifier.catalog import SCAN_CANNOT_PROVE
from verifier.choices import ExportFormat
from verifier.errors import InputError
from verifier.model import EntryStatus, Verdict
from verifier.outputs import evidence, oscal, oscal_cd
from verifier.outputs.run import VerificationRun
from verifier.pipeline.export import ExportOptions, render, run_export
from verifier.pipeline.verify import VerifyOptions, build_run

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_SCAN = REPO / "examples" / "prowler-output"
RECORDED_ON = date.fromisoformat((EXAMPLE_SCAN / "recorded-on.txt").read_text().strip())
FIXED_CLOCK = datetime(2026, 11, 25, 12, 0, 0, tzinfo=UTC)
GOLDEN = REPO / "tests" / "golden"
# The JSON formats; the spreadsheet formats are tested in test_spreadsheet.py.
OSCAL_FORMATS = [ExportFormat.OSCAL, ExportFormat.OSCAL_AR, ExportFormat.OSCAL_CD]


def _verify_options(**overrides: Any) -> VerifyOptions:
    values: dict[str, Any] = {
        # Relative paths, resolved from the repository root: evidence digests cover the source file
        # names, so golden files must not depend on where the repository is checked out.
        "poam": Path("poam.json"),
        "mapping": Path("mappings/cmmc-l2-aws.json"),
        "findings": (Path("examples/prowler-output"),),
        "out": Path("unused"),
        "as_of": RECORDED_ON,
        "tool_version": GOLDEN_TOOL_VERSION,
    }
    values.update(overrides)
    return VerifyOptions(**values)


@pytest.fixture(autouse=True)
def _at_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)


@pytest.fixture(scope="module")
def run() -> VerificationRun:
    with contextlib.chdir(REPO):
        return build_run(_verify_options(), lambda: FIXED_CLOCK, None)


@pytest.fixture(scope="module")
def poam_doc(run: VerificationRun) -> dict[str, Any]:
    return json.loads(oscal.render_poam(run))


@pytest.fixture(scope="module")
def ar_doc(run: VerificationRun) -> dict[str, Any]:
    return json.loads(oscal.render_assessment_results(run))


def _defined_uuids(node: Any) -> Iterator[str]:
    """Every ``uuid`` an object defines (references such as ``risk-uuid`` are not definitions)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "uuid":
                yield value
            yield from _defined_uuids(value)
    elif isinstance(node, list):
        for item in node:
            yield from _defined_uuids(item)


# --- the validator itself ---------------------------------------------------------------------------


def test_validator_checks_unicode_token_patterns() -> None:
    token = {"$ref": "#/definitions/TokenDatatype", "definitions": {}}
    token["definitions"] = json.loads((SCHEMAS / SCHEMA_FILES[ExportFormat.OSCAL]).read_text())["definitions"]
    validator = OscalValidator(token)
    assert validator.is_valid("état-3.1.1_obj")
    assert not validator.is_valid("3.1.1")
    assert not validator.is_valid("has space")


@pytest.mark.parametrize("export_format", OSCAL_FORMATS)
def test_validator_rejects_a_broken_document(run: VerificationRun, export_format: ExportFormat) -> None:
    document = json.loads(render(run, export_format))
    body = next(iter(document.values()))
    body["uuid"] = "not-a-uuid"
    assert not oscal_validator(export_format).is_valid(document)


# --- plan-of-action-and-milestones ------------------------------------------------------------------


def test_poam_is_valid_against_nist_schema(poam_doc: dict[str, Any]) -> None:
    assert_valid_oscal(poam_doc, ExportFormat.OSCAL)


def test_every_entry_is_a_poam_item_with_its_risk(run: VerificationRun, poam_doc: dict[str, Any]) -> None:
    body = poam_doc["plan-of-action-and-milestones"]
    item_ids = [_prop(item, "entry-id") for item in body["poam-items"]]
    assert item_ids == [entry.id for entry in run.poam.poam.entries]
    risks = {risk["uuid"] for risk in body["risks"]}
    for item in body["poam-items"]:
        assert [r["risk-uuid"] for r in item["related-risks"]][0] in risks


def test_poam_item_carries_verdict_and_practice(poam_doc: dict[str, Any]) -> None:
    items = {_prop(i, "entry-id"): i for i in poam_doc["plan-of-action-and-milestones"]["poam-items"]}
    assert _prop(items["POAM-001"], "verdict") == "NOT_MET"
    assert _prop(items["POAM-001"], "practice-id") == "AU.L2-3.3.8"
    assert _prop(items["POAM-001"], "nist-id") == "3.3.8"
    assert _prop(items["POAM-002"], "status-after") == "ready_for_closeout"


def _props(node: dict[str, Any], name: str) -> list[str]:
    return [p["value"] for p in node.get("props", ()) if p["name"] == name and p["ns"] == oscal.NS]


def test_poam_item_names_the_objectives_its_entry_is_judged_on_as_the_assessment_results_do(
    run: VerificationRun, poam_doc: dict[str, Any], ar_doc: dict[str, Any]
) -> None:
    items = {_prop(i, "entry-id"): i for i in poam_doc["plan-of-action-and-milestones"]["poam-items"]}
    named = {e.id: list(e.objectives) for e in run.poam.poam.entries if e.objectives is not None}
    assert named and any(len(objectives) > 1 for objectives in named.values())
    assert {entry_id: _props(items[entry_id], "objective-id") for entry_id in named} == named
    # The same values as the assessment results' per-objective findings of the entry (objective-id prop,
    # target sp800-171r2-3.3.8_obj.a).
    findings = ar_doc["assessment-results"]["results"][0]["findings"]
    for entry_id, objectives in named.items():
        judged = [f for f in findings if _prop(f, "entry-id") == entry_id and _props(f, "objective-id")]
        assert [_prop(f, "objective-id") for f in judged] == objectives
        assert [f["target"]["target-id"] for f in judged] == [
            oscal.objective_target_id(o) for o in objectives
        ]


def test_an_entry_naming_no_objectives_has_no_objective_props(tmp_path: Path) -> None:
    document = json.loads((REPO / "poam.json").read_text(encoding="utf-8"))
    del document["entries"][0]["objectives"]
    poam = tmp_path / "poam.json"
    poam.write_text(json.dumps(document), encoding="utf-8")
    edited = json.loads(oscal.render_poam(build_run(_verify_options(poam=poam), lambda: FIXED_CLOCK, None)))
    assert_valid_oscal(edited, ExportFormat.OSCAL)
    items = edited["plan-of-action-and-milestones"]["poam-items"]
    assert _props(items[0], "objective-id") == []
    assert _props(items[1], "objective-id") == document["entries"][1]["objectives"]


def _trestle_props(document: bytes, tmp_path: Path, name: str) -> list[list[str]]:
    """The POA&M export loaded by compliance-trestle: each poam-item's values of this project's prop ``name``."""
    try:
        module = importlib.import_module("trestle.oscal.poam")
    except ImportError:
        module = None
    required_tool(None if module is None else "trestle", "compliance-trestle", "setup")
    path = tmp_path / "poam.oscal.json"
    path.write_bytes(document)
    loaded = module.PlanOfActionAndMilestones.oscal_read(path)  # type: ignore[union-attr]
    return [
        [p.value for p in item.props or () if p.name == name and str(p.ns) == oscal.NS]
        for item in loaded.poam_items
    ]


def test_the_poam_with_objectives_loads_in_trestle(
    run: VerificationRun, poam_doc: dict[str, Any], tmp_path: Path
) -> None:
    read = _trestle_props(oscal.render_poam(run), tmp_path, "objective-id")
    assert read == [list(e.objectives or ()) for e in run.poam.poam.entries]
    assert any(read)


@pytest.fixture(scope="module")
def operational_poam(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The example POA&M's OSCAL export with its second entry an operational plan of action."""
    poam = poam_with_operational(tmp_path_factory.mktemp("operational"))
    with contextlib.chdir(REPO):
        return oscal.render_poam(build_run(_verify_options(poam=poam), lambda: FIXED_CLOCK, None))


def test_only_an_operational_plan_of_action_carries_an_entry_kind(operational_poam: bytes) -> None:
    edited = json.loads(operational_poam)
    assert_valid_oscal(edited, ExportFormat.OSCAL)
    items = edited["plan-of-action-and-milestones"]["poam-items"]
    assert [_props(item, "entry-kind") for item in items[:3]] == [[], ["operational"], []]
    assert sum(bool(_props(item, "entry-kind")) for item in items) == 1


def test_the_poam_with_an_operational_plan_loads_in_trestle(operational_poam: bytes, tmp_path: Path) -> None:
    kinds = _trestle_props(operational_poam, tmp_path, "entry-kind")
    assert kinds[:2] == [[], ["operational"]]
    assert sum(map(len, kinds)) == 1


def test_risk_has_deadline_statement_and_milestone_tasks(
    run: VerificationRun, poam_doc: dict[str, Any]
) -> None:
    risk = poam_doc["plan-of-action-and-milestones"]["risks"][0]
    entry = run.poam.poam.entries[0]
    assert risk["deadline"] == "2027-03-27T23:59:59Z"  # conditional status 2026-09-28 + 180 days
    assert risk["statement"] == entry.root_cause
    assert risk["status"] == "open"
    tasks = risk["remediations"][0]["tasks"]
    assert [t["title"] for t in tasks] == [m.title for m in entry.milestones]
    assert tasks[0]["timing"] == {"on-date": {"date": "2026-10-30T23:59:59Z"}}
    assert _prop(tasks[1], "milestone-status") == "in_progress"


def test_observations_point_at_the_evidence_bundle(run: VerificationRun, poam_doc: dict[str, Any]) -> None:
    body = poam_doc["plan-of-action-and-milestones"]
    first = run.results[0]
    observations = [o for o in body["observations"] if _prop(o, "entry-id") == first.entry_id]
    assert [_prop(o, "check-id") for o in observations] == list(first.checks)
    relevant = observations[0]["relevant-evidence"][0]
    assert relevant["href"] == "evidence/entries/POAM-001.json"
    assert _prop(relevant, "sha256") == _evidence_refs(run)[first.entry_id].sha256
    assert observations[0]["methods"] == ["TEST"]


@pytest.mark.parametrize(
    "status, expected", [("open", "open"), ("ready_for_closeout", "open"), ("closed", "closed")]
)
def test_risk_status_is_closed_only_when_the_entry_is(status: str, expected: str) -> None:
    assert oscal.risk_status(EntryStatus(status)) == expected


# --- assessment-results -----------------------------------------------------------------------------


def test_assessment_results_is_valid_against_nist_schema(ar_doc: dict[str, Any]) -> None:
    assert_valid_oscal(ar_doc, ExportFormat.OSCAL_AR)


def _entry_findings(ar_doc: dict[str, Any]) -> dict[str, Any]:
    """Each entry's own finding by entry id (an entry judged per objective has one per objective beside it)."""
    findings = ar_doc["assessment-results"]["results"][0]["findings"]
    return {_prop(f, "entry-id"): f for f in findings if not _has_prop(f, "objective-id")}


def _has_prop(node: dict[str, Any], name: str) -> bool:
    return any(p["name"] == name and p.get("ns") == oscal.NS for p in node.get("props", []))


def test_findings_follow_verdicts(run: VerificationRun, ar_doc: dict[str, Any]) -> None:
    findings = _entry_findings(ar_doc)
    assert list(findings) == [r.entry_id for r in run.results]
    for result in run.results:
        status = findings[result.entry_id]["target"]["status"]
        assert (status["state"] == "satisfied") is (result.verdict is Verdict.MET)


def test_not_verified_finding_is_not_satisfied(run: VerificationRun, ar_doc: dict[str, Any]) -> None:
    not_verified = [r.entry_id for r in run.results if r.verdict is Verdict.NOT_VERIFIED]
    assert not_verified
    findings = _entry_findings(ar_doc)
    for entry_id in not_verified:
        assert findings[entry_id]["target"]["status"] == {"state": "not-satisfied", "reason": "other"}


def test_finding_state_is_exhaustive_and_only_met_is_satisfied() -> None:
    states = {verdict: oscal.finding_state(verdict)[0] for verdict in Verdict}
    assert states == {
        Verdict.MET: "satisfied",
        Verdict.NOT_MET: "not-satisfied",
        Verdict.NOT_VERIFIED: "not-satisfied",
    }


def test_reviewed_controls_and_targets_use_token_control_ids(ar_doc: dict[str, Any]) -> None:
    result = ar_doc["assessment-results"]["results"][0]
    selected = result["reviewed-controls"]["control-selections"][0]["include-controls"]
    controls = [c["control-id"] for c in selected]
    assert "sp800-171r2-3.3.8" in controls
    assert controls == sorted(set(controls), key=lambda c: [int(n) for n in c.split("-")[-1].split(".")])
    targets = {f["target"]["target-id"] for f in result["findings"]}
    # A practice's objective (sp800-171r2-3.3.8_obj) or one of its 800-171A objectives (…_obj.a).
    assert all(t.partition("_obj")[0] in controls and t.partition("_obj")[1] for t in targets)


def test_observations_name_resources_as_subjects(run: VerificationRun, ar_doc: dict[str, Any]) -> None:
    observations = ar_doc["assessment-results"]["results"][0]["observations"]
    with_resources = [(r, c, t) for r in run.results for c, t in r.checks.items() if t.resources]
    assert with_resources
    result, check, tally = with_resources[0]
    observation = next(
        o for o in observations if _prop(o, "entry-id") == result.entry_id and _prop(o, "check-id") == check
    )
    assert [s["title"] for s in observation["subjects"]] == list(tally.resources)
    assert {s["type"] for s in observation["subjects"]} == {"resource"}


@pytest.mark.parametrize(
    "export_format, golden",
    [
        (ExportFormat.OSCAL, "example.oscal-poam.json"),
        (ExportFormat.OSCAL_AR, "example.oscal-ar.json"),
        (ExportFormat.OSCAL_CD, "mapping.oscal-cd.json"),
    ],
)
def test_matches_golden(run: VerificationRun, export_format: ExportFormat, golden: str) -> None:
    """``UPDATE_GOLDEN=1`` regenerates the golden files."""
    actual = render(run, export_format).decode("utf-8")
    if os.environ.get("UPDATE_GOLDEN"):
        (GOLDEN / golden).write_text(actual, encoding="utf-8")
    assert actual == (GOLDEN / golden).read_text(encoding="utf-8")


# --- component-definition -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cd_doc(run: VerificationRun) -> dict[str, Any]:
    return json.loads(render(run, ExportFormat.OSCAL_CD))["component-definition"]


def _trestle(node: dict[str, Any], name: str) -> list[tuple[str, str]]:
    return [
        (p["value"], p["remarks"])
        for p in node["props"]
        if p["name"] == name and p["ns"] == oscal_cd.TRESTLE_NS
    ]


def test_component_definition_is_valid_against_nist_schema(cd_doc: dict[str, Any]) -> None:
    assert_valid_oscal({"component-definition": cd_doc}, ExportFormat.OSCAL_CD)


def test_every_mapped_practice_is_a_requirement_with_its_checks_as_rules(
    run: VerificationRun, cd_doc: dict[str, Any]
) -> None:
    service, validation = cd_doc["components"]
    assert (service["type"], validation["type"]) == ("service", "validation")
    (implementation,) = service["control-implementations"]
    requirements = {_prop(r, "cmmc-practice-id"): r for r in implementation["implemented-requirements"]}
    mapped = {pid for pid in run.mapping.practices if run.mapping.checks_for(pid, "aws")}
    assert set(requirements) == mapped
    for practice_id, requirement in requirements.items():
        assert requirement["control-id"] == oscal.control_id(_prop(requirement, "label"))
        rules = [rule for rule, _ in _trestle(requirement, "Rule_Id")]
        assert rules == list(run.mapping.checks_for(practice_id, "aws"))


def test_each_rule_is_defined_once_and_checked_by_prowler_in_the_same_rule_set(
    cd_doc: dict[str, Any],
) -> None:
    service, validation = cd_doc["components"]
    defined = _trestle(service, "Rule_Id")
    assert len({rule for rule, _ in defined}) == len(defined)
    checks = dict(_trestle(validation, "Check_Id"))
    rules_in_validation = dict(_trestle(validation, "Rule_Id"))
    for rule, rule_set in defined:
        assert rules_in_validation[rule] == rule_set
        assert checks[rule] == rule_set  # the Prowler check id is the rule id
    assert validation["title"] == "Prowler 5.46.0"
    every_requirement_rule = {
        rule
        for requirement in service["control-implementations"][0]["implemented-requirements"]
        for rule, _ in _trestle(requirement, "Rule_Id")
    }
    assert every_requirement_rule == {rule for rule, _ in defined}


def test_practices_a_scan_cannot_prove_say_so(cd_doc: dict[str, Any]) -> None:
    requirements = cd_doc["components"][0]["control-implementations"][0]["implemented-requirements"]
    by_practice = {_prop(r, "cmmc-practice-id"): r for r in requirements}
    for practice_id in SCAN_CANNOT_PROVE:
        if practice_id in by_practice:
            assert "never proves" in by_practice[practice_id]["remarks"]
    assert all("remarks" not in r for pid, r in by_practice.items() if pid not in SCAN_CANNOT_PROVE)


def test_component_definition_uuids_follow_the_mapping_not_the_run(run: VerificationRun) -> None:
    later = build_run(_verify_options(), lambda: datetime(2026, 12, 1, tzinfo=UTC), None)
    first = json.loads(render(run, ExportFormat.OSCAL_CD))
    second = json.loads(render(later, ExportFormat.OSCAL_CD))
    assert list(_defined_uuids(first)) == list(_defined_uuids(second))
    assert (
        first["component-definition"]["metadata"]["last-modified"]
        != second["component-definition"]["metadata"]["last-modified"]
    )


# --- every format -----------------------------------------------------------------------------------


@pytest.mark.parametrize("export_format", OSCAL_FORMATS)
def test_render_is_deterministic(run: VerificationRun, export_format: ExportFormat) -> None:
    again = build_run(_verify_options(), lambda: FIXED_CLOCK, None)
    assert render(run, export_format) == render(again, export_format)


@pytest.mark.parametrize("export_format", OSCAL_FORMATS)
def test_uuids_are_unique(run: VerificationRun, export_format: ExportFormat) -> None:
    uuids = list(_defined_uuids(json.loads(render(run, export_format))))
    assert uuids
    assert len(uuids) == len(set(uuids))


def test_poam_item_uuids_are_stable_across_runs(run: VerificationRun) -> None:
    later = build_run(_verify_options(), lambda: datetime(2026, 12, 1, tzinfo=UTC), None)
    items = [i["uuid"] for i in oscal.poam_document(run)["plan-of-action-and-milestones"]["poam-items"]]
    later_items = [
        i["uuid"] for i in oscal.poam_document(later)["plan-of-action-and-milestones"]["poam-items"]
    ]
    assert items == later_items


def test_every_export_format_is_handled(run: VerificationRun) -> None:
    for export_format in ExportFormat:
        assert render(run, export_format)
    for export_format in OSCAL_FORMATS:
        assert json.loads(render(run, export_format))


@pytest.mark.parametrize("export_format", [ExportFormat.OSCAL, ExportFormat.OSCAL_AR])
def test_an_empty_poam_has_no_export(tmp_path: Path, export_format: ExportFormat) -> None:
    document = json.loads((REPO / "poam.json").read_text(encoding="utf-8"))
    document["entries"] = []
    empty = tmp_path / "poam.json"
    empty.write_text(json.dumps(document), encoding="utf-8")
    empty_run = build_run(_verify_options(poam=empty), lambda: FIXED_CLOCK, None)
    with pytest.raises(InputError, match="no entries"):
        render(empty_run, export_format)


# --- the pipeline -----------------------------------------------------------------------------------


@pytest.mark.parametrize("export_format", OSCAL_FORMATS)
def test_run_export_writes_one_valid_file(tmp_path: Path, export_format: ExportFormat) -> None:
    options = ExportOptions(
        format=export_format,
        poam=REPO / "poam.json",
        mapping=REPO / "mappings" / "cmmc-l2-aws.json",
        findings=(EXAMPLE_SCAN,),
        out=tmp_path / "export" / "oscal.json",
        as_of=RECORDED_ON,
    )
    written = run_export(options, lambda: FIXED_CLOCK)
    assert written == options.out
    assert [p.name for p in written.parent.iterdir()] == ["oscal.json"]
    assert_valid_oscal(json.loads(written.read_text(encoding="utf-8")), export_format)


def _evidence_refs(run: VerificationRun) -> dict[str, Any]:
    return dict(evidence.entry_files(run).refs)


def _prop(node: dict[str, Any], name: str) -> str:
    values = [p["value"] for p in node.get("props", []) if p["name"] == name and p.get("ns") == oscal.NS]
    assert len(values) == 1, f"{name} in {node.get('uuid')}"
    return str(values[0])


@pytest.mark.parametrize("export_format", OSCAL_FORMATS)
def test_cli_export_writes_a_valid_document(
    export_format: ExportFormat, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    from verifier.cli import main

    monkeypatch.chdir(REPO)
    target = tmp_path / f"{export_format.value}.json"
    argv = ["poam", "export", "--format", export_format.value, "--out", str(target)]
    argv += ["--as-of", RECORDED_ON.isoformat(), "--findings", str(EXAMPLE_SCAN)]
    monkeypatch.setattr(sys, "argv", argv)
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 0
    assert_valid_oscal(json.loads(target.read_text(encoding="utf-8")), export_format)

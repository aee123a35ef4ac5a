"""OSCAL assessment results per 800-171A objective: one finding per objective an entry is judged on, its
target the objective's OSCAL id, defined in the document and valid for NIST's schema and trestle's models."""

from __future__ import annotations

import contextlib
import importlib
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.support.objectives import ATTESTATION, with_objectives, without_objectives
from tests.support.oscal import ASSESSMENT_RESULTS_SCHEMA, schema_errors
from tests.support.tools import required_tool
from verifier.catalog import objectives_by_id
from verifier.outputs import oscal
from verifier.outputs.run import VerificationRun
from verifier.pipeline.verify import VerifyOptions, build_run

REPO = Path(__file__).resolve().parents[2]
RECORDED_ON = date.fromisoformat(
    (REPO / "examples" / "prowler-output" / "recorded-on.txt").read_text().strip()
)
FIXED_CLOCK = datetime(2026, 11, 25, 12, 0, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def plain() -> VerificationRun:
    options = VerifyOptions(
        poam=Path("poam.json"),
        mapping=Path("mappings/cmmc-l2-aws.json"),
        findings=(Path("examples/prowler-output"),),
        out=Path("unused"),
        as_of=RECORDED_ON,
    )
    with contextlib.chdir(REPO):
        run = build_run(options, lambda: FIXED_CLOCK, None)
    return without_objectives(run)  # as if its entries had not been judged per objective


@pytest.fixture(scope="module")
def judged(plain: VerificationRun) -> VerificationRun:
    return with_objectives(plain)


@pytest.fixture(scope="module")
def document(judged: VerificationRun) -> dict[str, Any]:
    return json.loads(oscal.render_assessment_results(judged))


def _props(node: dict[str, Any]) -> dict[str, str]:
    return {p["name"]: p["value"] for p in node.get("props", []) if p.get("ns") == oscal.NS}


def _objective_findings(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    findings = document["assessment-results"]["results"][0]["findings"]
    return {
        (_props(f)["entry-id"], _props(f)["objective-id"]): f for f in findings if "objective-id" in _props(f)
    }


def test_objective_ids_follow_nists_obj_form() -> None:
    assert oscal.objective_target_id("3.3.8[a]") == "sp800-171r2-3.3.8_obj.a"
    assert oscal.objective_target_id("3.13.16[c]") == "sp800-171r2-3.13.16_obj.c"
    assert len({oscal.objective_target_id(o) for o in objectives_by_id()}) == 320
    with pytest.raises(ValueError, match="not an 800-171A objective id"):
        oscal.objective_target_id("3.3.8")


def test_without_objectives_the_results_have_no_objective_findings(plain: VerificationRun) -> None:
    body = json.loads(oscal.render_assessment_results(plain))["assessment-results"]
    assert "local-definitions" not in body
    assert "control-objective-selections" not in body["results"][0]["reviewed-controls"]
    assert _objective_findings(json.loads(oscal.render_assessment_results(plain))) == {}


def test_the_results_with_objectives_are_valid_against_nist_schema(document: dict[str, Any]) -> None:
    errors = schema_errors(document, ASSESSMENT_RESULTS_SCHEMA)
    assert not errors, "\n".join(errors)


def test_one_finding_per_judged_objective_beside_the_entrys_own(
    judged: VerificationRun, document: dict[str, Any]
) -> None:
    findings = _objective_findings(document)
    expected = [(r.entry_id, o.objective_id) for r in judged.results for o in r.objectives]
    assert list(findings) == expected
    every = document["assessment-results"]["results"][0]["findings"]
    assert len(every) == len(expected) + len(judged.results)
    for result in judged.results:
        for objective in result.objectives:
            finding = findings[(result.entry_id, objective.objective_id)]
            assert finding["target"]["type"] == "objective-id"
            assert finding["target"]["target-id"] == oscal.objective_target_id(objective.objective_id)
            assert (finding["target"]["status"]["state"] == "satisfied") is (objective.verdict.value == "MET")
            assert _props(finding)["verdict"] == objective.verdict.value
            assert _props(finding)["basis"] == objective.basis.value


def test_every_objective_target_is_defined_with_its_text_and_reviewed(document: dict[str, Any]) -> None:
    body = document["assessment-results"]
    defined = {
        part["id"]: part
        for local in body["local-definitions"]["objectives-and-methods"]
        for group in local["parts"]
        for part in group["parts"]
    }
    reviewed = {
        o["objective-id"]
        for selection in body["results"][0]["reviewed-controls"]["control-objective-selections"]
        for o in selection["include-objectives"]
    }
    targets = {f["target"]["target-id"] for f in _objective_findings(document).values()}
    assert targets == set(defined) == reviewed
    part = defined["sp800-171r2-3.3.8_obj.c"]
    assert part["props"] == [{"name": "label", "value": "3.3.8[c]"}]
    assert part["prose"] == objectives_by_id()["3.3.8[c]"].text


def test_an_objective_relates_the_observations_of_its_checks_only(document: dict[str, Any]) -> None:
    result = document["assessment-results"]["results"][0]
    observations = {o["uuid"]: o for o in result["observations"]}
    finding = _objective_findings(document)[("POAM-001", "3.3.8[a]")]
    related = [observations[r["observation-uuid"]] for r in finding["related-observations"]]
    assert [_props(o)["check-id"] for o in related] == ["cloudtrail_kms_encryption_enabled"]
    assert "related-observations" not in _objective_findings(document)[("POAM-001", "3.3.8[c]")]


def test_an_attested_objective_relates_an_observation_of_its_attestation(document: dict[str, Any]) -> None:
    result = document["assessment-results"]["results"][0]
    observations = {o["uuid"]: o for o in result["observations"]}
    finding = _objective_findings(document)[("POAM-008", "3.2.3[b]")]
    (related,) = [observations[r["observation-uuid"]] for r in finding["related-observations"]]
    assert related["description"] == ATTESTATION
    assert _props(related)["objective-id"] == "3.2.3[b]"
    assert related["relevant-evidence"][0]["href"] == "evidence/entries/POAM-008.json"
    assert finding["target"]["status"]["state"] == "satisfied"


def test_the_entry_finding_keeps_its_practice_target(document: dict[str, Any]) -> None:
    findings = document["assessment-results"]["results"][0]["findings"]
    entry = next(
        f for f in findings if _props(f).get("entry-id") == "POAM-001" and "objective-id" not in _props(f)
    )
    assert entry["target"]["target-id"] == "sp800-171r2-3.3.8_obj"


def _trestle_assessment_results() -> Any:
    try:
        module = importlib.import_module("trestle.oscal.assessment_results")
    except ImportError:
        module = None
    found = None if module is None else "trestle"
    required_tool(found, "compliance-trestle", "setup")
    return module.AssessmentResults  # type: ignore[union-attr]


def test_the_results_with_objectives_load_in_trestle(
    judged: VerificationRun, document: dict[str, Any], tmp_path: Path
) -> None:
    model = _trestle_assessment_results()
    path = tmp_path / "assessment-results.json"
    path.write_bytes(oscal.render_assessment_results(judged))
    loaded = model.oscal_read(path)
    findings = loaded.results[0].findings
    assert len(findings) == len(document["assessment-results"]["results"][0]["findings"])
    per_objective = [f for f in findings if "_obj." in f.target.target_id]
    assert len(per_objective) == sum(len(r.objectives) for r in judged.results)
    assert {f.target.type.value for f in per_objective} == {"objective-id"}
    defined = {
        p.id for o in loaded.local_definitions.objectives_and_methods for g in o.parts for p in g.parts
    }
    assert {f.target.target_id for f in per_objective} == defined

"""The evidence entry file per 800-171A objective: each objective's verdict with the findings and attestations
it rests on, beside today's fields, in a bundle that ``poam bundle verify`` still accepts."""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.support.objectives import ATTESTATION, objective_ids, with_objectives, without_objectives
from verifier.catalog import objectives_by_id
from verifier.outputs import evidence
from verifier.outputs.run import VerificationRun
from verifier.pipeline.bundle import verify_bundle
from verifier.pipeline.verify import VerifyOptions, build_run, render_outputs

REPO = Path(__file__).resolve().parents[2]
RECORDED_ON = date.fromisoformat(
    (REPO / "examples" / "prowler-output" / "recorded-on.txt").read_text().strip()
)
FIXED_CLOCK = datetime(2026, 11, 25, 12, 0, 0, tzinfo=UTC)
ENTRY_FIELDS = {"entry", "practice_id", "verdict", "reasons", "reason_codes", "scope", "checks", "findings"}


def _options(out: Path) -> VerifyOptions:
    return VerifyOptions(
        poam=Path("poam.json"),
        mapping=Path("mappings/cmmc-l2-aws.json"),
        findings=(Path("examples/prowler-output"),),
        out=out,
        as_of=RECORDED_ON,
    )


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("out")


@pytest.fixture(scope="module")
def evaluated(out: Path) -> VerificationRun:
    with contextlib.chdir(REPO):
        return build_run(_options(out), lambda: FIXED_CLOCK, None)


@pytest.fixture(scope="module")
def plain(evaluated: VerificationRun) -> VerificationRun:
    """The run as if its entries had not been judged per objective."""
    return without_objectives(evaluated)


@pytest.fixture(scope="module")
def judged(plain: VerificationRun) -> VerificationRun:
    return with_objectives(plain)


def _entry_file(run: VerificationRun, entry_id: str) -> dict[str, Any]:
    files = evidence.entry_files(run)
    data: dict[str, Any] = json.loads(files.files[files.refs[entry_id].path.removeprefix("evidence/")])
    return data


def test_an_entry_not_judged_per_objective_has_no_objectives_section(plain: VerificationRun) -> None:
    for result in plain.results:
        assert set(_entry_file(plain, result.entry_id)) <= ENTRY_FIELDS | {"superseded"}


def test_every_objective_is_listed_with_its_text_verdict_and_basis(judged: VerificationRun) -> None:
    document = _entry_file(judged, "POAM-001")
    assert set(document) >= ENTRY_FIELDS
    objectives = document["objectives"]
    assert [o["id"] for o in objectives] == list(objective_ids("AU.L2-3.3.8"))
    catalog = objectives_by_id()
    assert all(o["text"] == catalog[o["id"]].text for o in objectives)
    by_id = {o["id"]: o for o in objectives}
    assert (by_id["3.3.8[a]"]["verdict"], by_id["3.3.8[a]"]["basis"]) == ("NOT_MET", "checks")
    assert (by_id["3.3.8[c]"]["verdict"], by_id["3.3.8[c]"]["basis"]) == ("NOT_VERIFIED", "none")
    assert by_id["3.3.8[c]"]["checks"] == [] and by_id["3.3.8[c]"]["findings"] == []


def test_an_objective_points_at_exactly_the_findings_of_its_checks(judged: VerificationRun) -> None:
    document = _entry_file(judged, "POAM-001")
    for objective in document["objectives"]:
        pointed = [document["findings"][i]["check_id"] for i in objective["findings"]]
        expected = [f["check_id"] for f in document["findings"] if f["check_id"] in objective["checks"]]
        assert pointed == expected
    encryption = next(o for o in document["objectives"] if o["id"] == "3.3.8[a]")
    assert [document["findings"][i]["status"] for i in encryption["findings"]] == ["FAIL"]


def test_an_objective_records_its_reasons_as_words_and_codes(judged: VerificationRun) -> None:
    encryption = next(o for o in _entry_file(judged, "POAM-001")["objectives"] if o["id"] == "3.3.8[a]")
    assert [r["code"] for r in encryption["reason_codes"]] == ["fail_found"]
    assert encryption["reason_codes"][0]["params"]["check"] == "cloudtrail_kms_encryption_enabled"
    assert encryption["reasons"] == [r["text"] for r in encryption["reason_codes"]]
    assert "cloudtrail_kms_encryption_enabled: FAIL" in encryption["reasons"][0]


def test_an_attested_objective_names_its_attestation(judged: VerificationRun) -> None:
    objectives = {o["id"]: o for o in _entry_file(judged, "POAM-008")["objectives"]}
    assert (objectives["3.2.3[b]"]["verdict"], objectives["3.2.3[b]"]["basis"]) == ("MET", "attestation")
    assert objectives["3.2.3[b]"]["attestations"] == [ATTESTATION]
    assert objectives["3.2.3[a]"]["attestations"] == []


def test_objectives_change_the_entry_file_and_so_its_recorded_digest(
    plain: VerificationRun, judged: VerificationRun
) -> None:
    before, after = evidence.entry_files(plain).refs, evidence.entry_files(judged).refs
    assert before["POAM-001"].sha256 != after["POAM-001"].sha256


def test_the_bundle_with_objectives_still_verifies(
    evaluated: VerificationRun, out: Path, tmp_path: Path
) -> None:
    # The objectives as evaluation judged them: a bundle verify refuses objectives other than the entry's.
    assert all(r.objectives for r in evaluated.results)
    plan = render_outputs(evaluated, _options(out))
    folder = tmp_path / "evidence"
    for name, data in plan.directories[out / evidence.BUNDLE_DIR].items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    assert "objectives" in json.loads((folder / "entries" / "POAM-001.json").read_bytes())
    report = verify_bundle(folder, None)
    assert {entry_id: verdict.value for entry_id, verdict in report.verdicts} == {
        r.entry_id: r.verdict.value for r in evaluated.results
    }

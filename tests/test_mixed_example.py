"""The mixed-enclave example (AWS GovCloud + Microsoft 365 GCC High) through every output and bundle verify.

Its findings are recorded: the GovCloud half by ``examples/record_govcloud.py`` (real ``poam scan`` and
Prowler against moto in us-gov-west-1), the GCC High half by Prowler's own serialisers (issue fixtures).
"""

from __future__ import annotations

import contextlib
import io
import json
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.support.oscal import assert_valid_oscal
from verifier.choices import ExportFormat
from verifier.outputs import html_report, oscal, spreadsheet
from verifier.outputs.reasons import rendered
from verifier.outputs.run import VerificationRun
from verifier.pipeline.bundle import verify_bundle
from verifier.pipeline.verify import VerifyOptions, build_run, run_verify

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "mixed-enclave"
FINDINGS = EXAMPLE / "prowler-output"
RECORDED_ON = date.fromisoformat((FINDINGS / "aws-govcloud" / "recorded-on.txt").read_text().strip())
CLOCK = datetime(2026, 12, 1, 23, 0, 0, tzinfo=UTC)
EXPECTED = {
    "MIX-001": "MET",
    "MIX-002": "NOT_MET",
    "MIX-003": "NOT_MET",
    "MIX-004": "MET",
    "MIX-005": "NOT_VERIFIED",
}


def options(out: Path) -> VerifyOptions:
    return VerifyOptions(
        poam=Path("examples/mixed-enclave/poam.json"),
        mapping=Path("mappings/cmmc-l2-aws.json"),
        findings=(Path("examples/mixed-enclave/prowler-output"),),
        out=out,
        as_of=RECORDED_ON,
        history=out / "history.jsonl",
    )


@pytest.fixture(scope="module")
def run() -> VerificationRun:
    with contextlib.chdir(REPO):
        return build_run(options(Path("unused")), lambda: CLOCK, None)


def test_the_example_gives_the_documented_verdicts(run: VerificationRun) -> None:
    assert {r.entry_id: r.verdict.value for r in run.results} == EXPECTED
    assert "(GCC High) they may produce no findings" in rendered(run.results[4])[0]


def test_the_m365_half_is_the_recorded_fixture_unchanged() -> None:
    fixtures = REPO / "tests" / "fixtures" / "prowler" / "providers" / "m365"
    for copied in (FINDINGS / "m365").iterdir():
        assert copied.read_bytes() == (fixtures / copied.name).read_bytes()


def test_the_govcloud_half_was_recorded_in_the_govcloud_partition() -> None:
    findings = json.loads(next((FINDINGS / "aws-govcloud").glob("*.ocsf.json")).read_text())
    assert {f["resources"][0]["cloud_partition"] for f in findings} == {"aws-us-gov"}
    assert all(f["resources"][0]["uid"].startswith("arn:aws-us-gov:s3:::") for f in findings)


def test_the_bundle_of_a_mixed_run_verifies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    run_verify(options(tmp_path), clock=lambda: CLOCK)
    report = verify_bundle(tmp_path / "evidence.zip", None)
    assert {k: v.value for k, v in report.verdicts} == EXPECTED
    with zipfile.ZipFile(tmp_path / "evidence.zip") as bundle:
        entry: dict[str, Any] = json.loads(bundle.read("evidence/entries/MIX-003.json"))
    assert [t["provider"] for t in entry["scope"]["targets"]] == ["m365"]
    assert {f["provider"] for f in entry["findings"]} == {"m365"}
    assert list(entry["checks"]) == ["m365:admincenter_groups_not_public_visibility"]


def test_oscal_subjects_name_their_provider_and_stay_valid(run: VerificationRun) -> None:
    document = json.loads(oscal.render_assessment_results(run))
    assert_valid_oscal(document, ExportFormat.OSCAL_AR)
    assert_valid_oscal(json.loads(oscal.render_poam(run)), ExportFormat.OSCAL)
    observations = document["assessment-results"]["results"][0]["observations"]
    providers = {
        p["value"]
        for o in observations
        for s in o.get("subjects", ())
        for p in s["props"]
        if p["name"] == "provider"
    }
    assert providers == {"aws", "m365"}


def test_spreadsheet_and_html_carry_both_providers(run: VerificationRun) -> None:
    rows = spreadsheet.render_csv(run).decode()
    assert "arn:aws-us-gov:s3:::cui-legacy-exports" in rows
    assert "m365:admincenter_groups_not_public_visibility" in rows or "contoso.onmicrosoft.us" in rows
    assert zipfile.ZipFile(io.BytesIO(spreadsheet.render_xlsx(run))).testzip() is None
    page = html_report.render_html(run).decode()
    assert "m365:exchange_organization_mailbox_auditing_enabled" in page
    assert "aws:s3_bucket_default_encryption" in page


def test_the_component_definition_covers_every_provider_of_the_poam(run: VerificationRun) -> None:
    from verifier.pipeline.export import render

    document = json.loads(render(run, ExportFormat.OSCAL_CD))
    assert_valid_oscal(document, ExportFormat.OSCAL_CD)
    components = document["component-definition"]["components"]
    services = [c["title"] for c in components if c["type"] == "service"]
    assert services == [
        "AWS accounts in the CMMC Level 2 assessment scope",
        "M365 accounts in the CMMC Level 2 assessment scope",
    ]
    validations = [c["description"] for c in components if c["type"] == "validation"]
    assert [d.split("`")[1].split()[1] for d in validations] == ["aws", "m365"]
    uuids = [
        r["uuid"]
        for c in components
        for ci in c.get("control-implementations", ())
        for r in ci["implemented-requirements"]
    ]
    assert len(uuids) == len(set(uuids))

"""``poam import`` on the real FedRAMP v3.0 template: its teaching rows are skipped, its organisation and
system are read from its own header cells, and its Status Date dates the milestones."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.support.cli import run_cli
from tests.support.templates import FEDRAMP_V3, filled_fedramp_v3
from verifier.errors import UsageError
from verifier.inputs.poam_import.rows import ImportFormat
from verifier.pipeline.poam_import import HeaderOptions, ImportOptions, run_import

AS_OF = date(2026, 11, 25)
ASSESSED = date(2026, 9, 14)
ACCOUNTS = ("123456789012",)
DATES_ONLY = HeaderOptions(assessment_date=ASSESSED, accounts=ACCOUNTS)
TEACHING = [
    ("Open POA&M Items", 6, "template 'Guidance' row"),
    ("Open POA&M Items", 7, "template 'Examples' row"),
    ("Open POA&M Items", 8, "template 'Mandatory or Situational' row"),
]


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return filled_fedramp_v3(tmp_path_factory.mktemp("fedramp-v3"))


def _entries(path: Path) -> dict[str, dict[str, Any]]:
    return {e["id"]: e for e in json.loads(path.read_text(encoding="utf-8"))["entries"]}


def test_the_blank_v3_template_imports_no_entry_and_reports_its_three_teaching_rows(tmp_path: Path) -> None:
    header = HeaderOptions(
        organization="Ridgeline", system="Delta", assessment_date=ASSESSED, accounts=ACCOUNTS
    )
    report = run_import(ImportOptions(source=FEDRAMP_V3, out=tmp_path / "p.json", header=header, as_of=AS_OF))
    assert report.source_format is ImportFormat.FEDRAMP
    assert report.entries == () and not report.blocked
    assert [(s.sheet, s.row, s.reason) for s in report.skipped] == TEACHING


def test_the_blank_v3_template_names_no_organisation_so_the_options_are_asked_for(tmp_path: Path) -> None:
    # Row 3 is guidance text under each label ("Enter the name of the CSP…"), not a name.
    with pytest.raises(UsageError, match="--organization, --system"):
        run_import(ImportOptions(source=FEDRAMP_V3, out=tmp_path / "p.json", header=DATES_ONLY, as_of=AS_OF))


def test_a_filled_v3_template_imports_with_its_own_organisation_and_system(
    filled: Path, tmp_path: Path
) -> None:
    out = tmp_path / "p.json"
    report = run_import(ImportOptions(source=filled, out=out, header=DATES_ONLY, as_of=AS_OF))
    document = json.loads(out.read_text(encoding="utf-8"))
    assert (document["organization"], document["system"]) == (
        "Ridgeline Avionics, Inc.",
        "Program Delta CUI Enclave",
    )
    entries = _entries(out)
    assert list(entries) == ["V3-1", "V3-2", "V3-0"]
    one = entries["V3-1"]
    assert one["created"] == "2026-09-14"  # the serial 46279
    # A multi-line Remediation Plan: two numbered milestones, the second over two lines; the Status Date
    # (the serial 46296) dates both.
    dated = {"status": "planned", "status_date": "2026-10-01"}
    assert one["milestones"] == [
        {"title": "Turn on default encryption", "due": "2026-10-20", **dated},
        {"title": "Verify with Prowler", "due": "2026-11-10", **dated},
    ]
    assert "Status Date" not in one["import"]["source_columns"]
    assert entries["V3-2"]["milestones"][0]["status_date"] == "2026-10-02"
    assert entries["V3-0"]["status"] == "closed"
    # A copy of the template's example description under the real items is reported, never imported.
    assert [(s.row, s.reason) for s in report.skipped[3:]] == [
        (11, "repeats the template's guidance or example (row 7)")
    ]
    assert not [p for p in report.lint if p.rule_id == "POAM015" and "no status date" in p.message]


def test_the_options_override_the_organisation_the_template_names(filled: Path, tmp_path: Path) -> None:
    out = tmp_path / "p.json"
    header = HeaderOptions(
        organization="Other Org", system="Other System", assessment_date=ASSESSED, accounts=ACCOUNTS
    )
    run_import(ImportOptions(source=filled, out=out, header=header, as_of=AS_OF))
    document = json.loads(out.read_text(encoding="utf-8"))
    assert (document["organization"], document["system"]) == ("Other Org", "Other System")


def test_cli_imports_the_filled_v3_template_without_organisation_options(
    filled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "p.json"
    args = ("--assessment-date", "2026-09-14", "--account", "123456789012", "--as-of", "2026-11-25")
    code, stdout = run_cli(capsys, "import", str(filled), "--out", str(out), *args, "--report", "json")
    assert code == 0, stdout
    report = json.loads(stdout)
    assert report["entries_written"] == 3
    assert [s["row"] for s in report["skipped"]] == [6, 7, 8, 11]


def test_the_v3_teaching_rows_are_known_without_their_column_a_labels(tmp_path: Path) -> None:
    # A copy whose column A was deleted: the header moves to A5 and the labels are gone. The teaching rows
    # are rows 6-8; the ~4,000 formatted blank rows under them (which the blank-template tests above read)
    # are cut first, or shifting their 190,000 cells left and saving them takes openpyxl 10-20 s.
    workbook = load_workbook(FEDRAMP_V3)
    sheet = workbook["Open POA&M Items"]
    sheet.delete_rows(31, sheet.max_row)
    sheet.delete_cols(1)
    source = tmp_path / "no-labels.xlsx"
    workbook.save(source)
    header = HeaderOptions(
        organization="Ridgeline", system="Delta", assessment_date=ASSESSED, accounts=ACCOUNTS
    )
    report = run_import(ImportOptions(source=source, out=tmp_path / "p.json", header=header, as_of=AS_OF))
    assert report.entries == ()
    assert [(s.row, s.reason) for s in report.skipped] == [
        (6, "template guidance or example row"),
        (7, "template guidance or example row"),
        (8, "template 'Mandatory or Situational' row"),
    ]

"""``poam import`` on the real FedRAMP and eMASS templates (as shipped and filled), CSV, OSCAL, and merges."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from tests.support.cli import run_cli, run_cli_streams
from tests.support.templates import (
    EMASS,
    FEDRAMP,
    fedramp_v3,
    filled_emass,
    filled_fedramp,
    homemade_1904,
)
from verifier.errors import UsageError
from verifier.inputs.poam import load_poam
from verifier.inputs.poam_import.rows import Field, ImportFormat, PoamImportError
from verifier.pipeline.poam_import import HeaderOptions, ImportOptions, run_import

HEADER = HeaderOptions(
    organization="Ridgeline Avionics, Inc.",
    system="Program Delta CUI Enclave",
    assessment_date=date(2026, 9, 14),
    accounts=("123456789012",),
)
HEADER_ARGS = (
    "--organization",
    "Ridgeline",
    "--system",
    "Delta",
    "--assessment-date",
    "2026-09-14",
    "--account",
    "123456789012",
)
AS_OF = date(2026, 11, 25)


# Filling the real templates takes openpyxl a while: once per module; the tests only read the copies.
@pytest.fixture(scope="module")
def fedramp_filled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return filled_fedramp(tmp_path_factory.mktemp("fedramp"))


@pytest.fixture(scope="module")
def emass_filled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return filled_emass(tmp_path_factory.mktemp("emass"))


def _import(source: Path, out: Path, **changes: Any) -> Any:
    options = ImportOptions(source=source, out=out, header=HEADER, as_of=AS_OF, **changes)
    return run_import(options)


def _entries(path: Path) -> dict[str, dict[str, Any]]:
    return {e["id"]: e for e in json.loads(path.read_text(encoding="utf-8"))["entries"]}


# --- the templates as they are -------------------------------------------------------------------


def test_the_blank_fedramp_template_reports_its_guidance_format_hint_and_example_rows(tmp_path: Path) -> None:
    report = run_import(ImportOptions(source=FEDRAMP, out=tmp_path / "poam.json", header=HEADER, as_of=AS_OF))
    assert report.source_format is ImportFormat.FEDRAMP
    assert report.entries == ()
    assert [(s.sheet, s.row, s.reason) for s in report.skipped] == [
        ("Open POA&M Items", 6, "template guidance or format-hint row"),
        ("Open POA&M Items", 7, "template guidance or format-hint row"),
        ("Open POA&M Items", 8, "example row ('V-1Example')"),
    ]
    # The 4,000 formula-only rows below are neither items nor reported.
    assert report.rows_read == 3
    assert load_poam(tmp_path / "poam.json").poam.entries == ()


def test_the_emass_template_reads_its_own_example_sheet_and_guesses_no_800_53_control(tmp_path: Path) -> None:
    blank = run_import(ImportOptions(source=EMASS, out=tmp_path / "blank.json", header=HEADER, as_of=AS_OF))
    assert blank.source_format is ImportFormat.EMASS and blank.entries == ()
    example = _import(EMASS, tmp_path / "example.json", sheet="Example")
    assert example.blocked and not (tmp_path / "example.json").exists()
    assert [(e.row, e.document["practice_id"]) for e in example.unresolved] == [
        (8, "AC-1"),
        (11, "SA-1.4"),
        (12, "UNRESOLVED"),
    ]
    first = example.entries[0].document
    # Rows 9 and 10 hold only milestones: they continue item 1.
    assert [m["due"] for m in first["milestones"]] == ["2018-10-25", "2018-10-31", "2018-11-05"]
    assert first["owner"] == {"name": "John Smith", "role": "DoD"}


# --- filled copies -------------------------------------------------------------------------------


def test_a_filled_fedramp_template_stops_on_an_800_53_row_and_writes_nothing(
    fedramp_filled: Path, tmp_path: Path
) -> None:
    report = _import(fedramp_filled, tmp_path / "poam.json")
    assert report.blocked and not (tmp_path / "poam.json").exists()
    (unresolved,) = report.unresolved
    assert (unresolved.sheet, unresolved.row, unresolved.id) == ("Open POA&M Items", 11, "POAM-3")
    assert "NIST SP 800-53 controls (AC-3)" in unresolved.unresolved


def test_a_filled_fedramp_template_imports_with_allow_unresolved(
    fedramp_filled: Path, tmp_path: Path
) -> None:
    out = tmp_path / "poam.json"
    report = _import(fedramp_filled, out, allow_unresolved=True)
    entries = _entries(out)
    assert list(entries) == ["POAM-1", "POAM-2.1", "POAM-2.2", "POAM-3", "POAM-4", "POAM-0"]
    one = entries["POAM-1"]
    assert one["practice_id"] == "AC.L2-3.1.1"
    assert one["created"] == "2026-09-14"  # the serial 46279 in the 1900 date system
    assert one["owner"] == {"name": "Dana Smith", "role": "Cloud Security Lead"}
    assert one["resources"] == {"budget_usd": 1200, "fte": 0.1, "tooling": ["Prowler"]}
    assert one["milestones"] == [
        {"title": "Enforce MFA for console users", "due": "2026-10-01", "status": "planned"},
        {"title": "Review the IAM report", "due": "2026-11-15", "status": "planned"},
    ]
    assert one["import"]["sheet"] == "Open POA&M Items" and one["import"]["row"] == 9
    assert one["import"]["source_columns"]["Weakness Name"] == "MFA gap"
    assert one["import"]["source_columns"]["Vendor Dependency"] == "No"
    # One row naming two practices: one entry each, both traced to the row.
    assert [entries[i]["practice_id"] for i in ("POAM-2.1", "POAM-2.2")] == ["AC.L2-3.1.1", "AC.L2-3.1.2"]
    assert entries["POAM-2.2"]["import"]["split_from"] == "POAM-2"
    # The item merged over rows 12-13: the second row's milestone belongs to it.
    assert entries["POAM-4"]["created"] == "2026-09-14"
    assert [m["title"] for m in entries["POAM-4"]["milestones"]] == [
        "Turn on default encryption",
        "Verify with Prowler",
    ]
    # The Closed sheet closes its items.
    assert entries["POAM-0"]["status"] == "closed" and entries["POAM-1"]["status"] == "open"
    assert entries["POAM-3"]["practice_id"] == "AC-3"
    # The file fits the schema but does not load (POAM000) until the row is fixed; lint says so.
    assert any(p.rule_id == "POAM000" and "AC-3" in p.message for p in report.lint)


def test_a_fixed_fedramp_template_loads_and_lints(fedramp_filled: Path, tmp_path: Path) -> None:
    out = tmp_path / "poam.json"
    report = _import(fedramp_filled, out, sheet="Closed POA&M Items")
    assert not report.blocked
    loaded = load_poam(out)
    assert [e.practice_id for e in loaded.poam.entries] == ["IA.L2-3.5.3"]
    assert report.lint and all(p.rule_id != "POAM000" for p in report.lint)


def test_a_filled_emass_template_reads_metadata_continuation_rows_and_statuses(
    emass_filled: Path, tmp_path: Path
) -> None:
    out = tmp_path / "poam.json"
    options = ImportOptions(
        source=emass_filled,
        out=out,
        header=HeaderOptions(assessment_date=date(2026, 9, 14), accounts=("123456789012",)),
        allow_unresolved=True,
        as_of=AS_OF,
    )
    report = run_import(options)
    document = json.loads(out.read_text(encoding="utf-8"))
    assert (document["organization"], document["system"]) == (
        "Ridgeline Avionics, Inc.",
        "Program Delta CUI Enclave",
    )
    entries = _entries(out)
    one = entries["EM-1"]
    assert one["owner"] == {"name": "Dana Smith", "role": "Ridgeline"}
    assert (
        one["import"]["source_columns"]["Office/Org"] == "Ridgeline, Dana Smith, 555-0100, dana@example.com"
    )
    assert one["milestones"] == [
        {"title": "Enforce MFA", "due": "2026-10-25", "status": "planned"},
        {"title": "Review the IAM report", "due": "2026-11-05", "status": "planned"},
        {"title": "Verify with Prowler", "due": "2026-11-13", "status": "done"},
    ]
    assert one["import"]["source_columns"]["Scheduled Completion Date"] == "2026-11-30"
    assert entries["EM-3"]["status"] == "closed"
    assert entries["EM-3"]["import"]["original_status"] == "Completed 11/13/2026"
    assert [e.id for e in report.unresolved] == ["EM-2"]


def test_the_fedramp_v3_layout_is_found_by_header_text(tmp_path: Path) -> None:
    out = tmp_path / "poam.json"
    report = _import(fedramp_v3(tmp_path), out)
    assert report.source_format is ImportFormat.FEDRAMP
    entries = _entries(out)
    # The Status Date column dates every milestone's status (lint rule POAM015 looks for it).
    assert entries["V3-1"]["milestones"] == [
        {"title": "Encrypt", "due": "2026-10-20", "status": "planned", "status_date": "2026-10-01"},
        {"title": "Verify", "due": "2026-11-10", "status": "planned", "status_date": "2026-10-01"},
    ]
    assert "Status Date" not in entries["V3-1"]["import"]["source_columns"]
    assert entries["V3-1"]["import"]["row"] == 6 and entries["V3-0"]["import"]["row"] == 3
    assert entries["V3-0"]["status"] == "closed"


def test_a_homemade_1904_workbook_with_named_columns(tmp_path: Path) -> None:
    out = tmp_path / "poam.json"
    columns = {
        "Ref": Field.ID,
        "Req": Field.PRACTICE_ID,
        "Gap": Field.FINDING,
        "Who": Field.OWNER,
        "Due": Field.COMPLETION_DATE,
        "Why": Field.ROOT_CAUSE,
        "Budget": Field.RESOURCES,
    }
    report = _import(homemade_1904(tmp_path), out, columns=columns)
    assert report.source_format is ImportFormat.XLSX
    entries = _entries(out)
    # 44891 days after 1904-01-01; the same serial in the 1900 system would be 2022-11-25.
    assert entries["G-1"]["milestones"] == [
        {"title": "Scheduled completion", "due": "2026-11-27", "status": "planned"}
    ]
    assert entries["G-2"]["milestones"] == [
        {"title": "Scheduled completion", "due": "TBD", "status": "planned"}
    ]
    assert entries["G-1"]["root_cause"] == "No baseline"
    assert any(p.rule_id == "POAM011" or p.rule_id == "POAM010" for p in report.lint if p.entry == "G-2")


def test_without_columns_a_homemade_sheet_names_what_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = homemade_1904(tmp_path)
    with pytest.raises(PoamImportError, match="--columns 'HEADER=field'"):
        _import(source, tmp_path / "p.json")
    code, _ = run_cli(capsys, "import", str(source), "--out", str(tmp_path / "p.json"), *HEADER_ARGS)
    assert code == 3 and not (tmp_path / "p.json").exists()


# --- CLI, report, refusals -----------------------------------------------------------------------


def test_cli_exit_3_names_the_rows_to_fix_and_writes_nothing(
    fedramp_filled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = fedramp_filled
    code, stdout = run_cli(
        capsys, "import", str(source), "--out", str(tmp_path / "p.json"), *HEADER_ARGS, "--report", "json"
    )
    assert code == 3 and not (tmp_path / "p.json").exists()
    report = json.loads(stdout)
    assert report["written"] is None and report["entries_written"] == 0
    assert (report["entries_written"], report["would_write"], report["written"]) == (0, 6, None)
    assert report["merge"] is None
    assert report["unresolved"] == [
        {
            "id": "POAM-3",
            "sheet": "Open POA&M Items",
            "row": 11,
            "practice_text": "AC-3",
            "reason": report["unresolved"][0]["reason"],
        }
    ]
    assert report["split"] == [{"sheet": "Open POA&M Items", "row": 10, "into": ["POAM-2.1", "POAM-2.2"]}]
    assert [s["row"] for s in report["skipped"]] == [6, 7, 8]
    # An unresolved practice has no objectives to be judged on; the others name none, so all of theirs.
    judged = {e["id"]: e["objectives"] for e in report["entries"]}
    assert judged.pop("POAM-3") is None
    assert judged and all(j["named"] is None and j["judged"] == j["of"] > 0 for j in judged.values())


def test_a_blocked_import_says_what_it_would_write_and_exits_3(
    fedramp_filled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # One row names only AC-3 (NIST SP 800-53). The same import with --report json is
    # test_cli_exit_3_names_the_rows_to_fix_and_writes_nothing (would_write 6, no merge).
    out = tmp_path / "p.json"
    code, stdout, stderr = run_cli_streams(
        capsys, "import", str(fedramp_filled), "--out", str(out), *HEADER_ARGS
    )
    assert code == 3 and not out.exists()
    first = " ".join(stdout.split())
    assert "nothing written (would write 6 entr(y/ies))" in first
    assert "imported" not in first and "merge:" not in first
    assert "would write 6" in stderr


def test_cli_report_lists_people_work_and_the_lint_result(
    fedramp_filled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "p.json"
    code, stdout = run_cli(
        capsys,
        "import",
        str(fedramp_filled),
        "--out",
        str(out),
        *HEADER_ARGS,
        "--allow-unresolved",
        "--as-of",
        "2026-11-25",
        "--report",
        "json",
    )
    assert code == 0
    report = json.loads(stdout)
    assert report["written"] == str(out) and report["entries_written"] == 6
    needs = {n["entry"]: n["fields"] for n in report["needs_person"]}
    assert needs["POAM-3"] == ["resources", "milestones"]
    assert "owner" not in needs["POAM-2.1"] and "resources" in needs["POAM-2.1"]
    assert {p["rule"] for p in report["lint"]} == {"POAM000"}


def test_an_existing_poam_is_never_overwritten(tmp_path: Path) -> None:
    out = tmp_path / "poam.json"
    out.write_text("{}", encoding="utf-8")
    with pytest.raises(UsageError, match="--merge"):
        _import(fedramp_v3(tmp_path), out)
    assert out.read_text(encoding="utf-8") == "{}"


# --- merge ---------------------------------------------------------------------------------------


def _example(tmp_path: Path) -> Path:
    target = tmp_path / "poam.json"
    target.write_text(
        (Path(__file__).resolve().parents[2] / "poam.json").read_text(encoding="utf-8"), encoding="utf-8"
    )
    return target


def _sheet(tmp_path: Path, rows: list[list[object]]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["POAM ID", "Controls", "Weakness Description", "Point of Contact"])
    for row in rows:
        sheet.append(row)
    path = tmp_path / "more.xlsx"
    workbook.save(path)
    return path


def test_merge_adds_new_ids_and_keeps_existing_entries(tmp_path: Path) -> None:
    poam = _example(tmp_path)
    before = _entries(poam)
    source = _sheet(
        tmp_path,
        [["POAM-005", "3.13.16", "overwritten?", "Nobody"], ["NEW-1", "3.1.1", "New gap", "Lee Park"]],
    )
    report = run_import(ImportOptions(source=source, merge=poam, as_of=AS_OF))
    after = _entries(poam)
    assert (report.merge.added, report.merge.kept, report.merge.updated) == (("NEW-1",), ("POAM-005",), ())
    assert after["POAM-005"] == before["POAM-005"]
    assert after["NEW-1"]["finding"] == "New gap"
    assert list(after)[: len(before)] == list(before)


def test_merge_update_replaces_only_the_imported_fields(tmp_path: Path) -> None:
    poam = _example(tmp_path)
    before = _entries(poam)["POAM-005"]
    source = _sheet(tmp_path, [["POAM-005", "3.13.16", "Sharper finding text", "Dana Smith, Lead"]])
    report = run_import(ImportOptions(source=source, merge=poam, update=True, as_of=AS_OF))
    after = _entries(poam)["POAM-005"]
    assert report.merge.updated == ("POAM-005",)
    assert after["finding"] == "Sharper finding text"
    assert after["owner"] == {"name": "Dana Smith", "role": "Lead"}
    assert after["verification"] == before["verification"]  # not carried by the sheet: kept


def test_update_without_merge_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="--update"):
        _import(fedramp_v3(tmp_path), tmp_path / "x.json", update=True)


def test_cli_columns_on_a_homemade_csv_names_missing_and_repeated_ids(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "gaps.csv"
    source.write_text(
        "Ref,Requirement,Gap,Owner\n,3.1.1,No MFA,Lee Park\nA,3.1.2,Shared role,Dana Smith\nA,3.1.3,No CUI flow map,Dana Smith\n",
        encoding="utf-8",
    )
    out = tmp_path / "p.json"
    code, stdout = run_cli(
        capsys,
        "import",
        str(source),
        "--columns",
        "Ref=id",
        "--out",
        str(out),
        *HEADER_ARGS,
        "--report",
        "json",
    )
    assert code == 0
    report = json.loads(stdout)
    assert [e["id"] for e in report["entries"]] == ["ROW-2", "A", "A-2"]
    assert report["renamed"] == ["A (row 4) → A-2"]
    assert report["notes"] == [
        {"id": "ROW-2", "sheet": "", "row": 2, "note": "no id in the source: named ROW-2"}
    ]
    assert [e.practice_id for e in load_poam(out).poam.entries] == [
        "AC.L2-3.1.1",
        "AC.L2-3.1.2",
        "AC.L2-3.1.3",
    ]


def test_cli_refuses_a_columns_pair_naming_no_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _ = run_cli(capsys, "import", str(tmp_path / "x.csv"), "--columns", "Ref=identifier", *HEADER_ARGS)
    assert code == 2

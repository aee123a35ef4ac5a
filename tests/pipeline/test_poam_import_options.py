"""``poam import``: every option is used or refused (exit 2, naming the option and why), the report counts
only what was written, and a sheet the import does not read is named in the report."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from tests.support.cli import run_cli, run_cli_streams
from tests.support.templates import FEDRAMP_V3, fedramp_v3
from verifier.pipeline.poam_import import HeaderOptions, ImportOptions, run_import

REPO = Path(__file__).resolve().parents[2]
OSCAL_POAM = REPO / "tests" / "golden" / "example.oscal-poam.json"
NEW_POAM = (
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


def _csv(tmp_path: Path) -> Path:
    source = tmp_path / "gaps.csv"
    source.write_text("Ref,Requirement,Gap,Owner\nG-1,3.1.1,No MFA,Lee Park\n", encoding="utf-8")
    return source


def _example_poam(tmp_path: Path) -> Path:
    target = tmp_path / "poam.json"
    target.write_bytes((REPO / "poam.json").read_bytes())
    return target


# --- every option used or refused ----------------------------------------------------------------


def test_a_columns_header_the_sheet_does_not_have_is_refused_with_the_headers_found(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "p.json"
    code, _, stderr = run_cli_streams(
        capsys, "import", str(FEDRAMP_V3), "--columns", "NoSuchHeader=finding", "--out", str(out), *NEW_POAM
    )
    assert code == 2 and not out.exists()
    assert "--columns 'NoSuchHeader'" in stderr
    # The header row actually found, where, and its names as written.
    assert "sheet 'Open POA&M Items' row 5: POAM ID, Controls, Weakness Name" in stderr
    assert "sheet 'Closed POA&M Items' row 2" in stderr


def test_a_columns_header_on_a_csv_matches_whatever_its_case_and_spacing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "p.json"
    code, _ = run_cli(
        capsys, "import", str(_csv(tmp_path)), "--columns", " REF =id", "--out", str(out), *NEW_POAM
    )
    assert code == 0 and out.exists()
    code, _, stderr = run_cli_streams(
        capsys,
        "import",
        str(_csv(tmp_path)),
        "--columns",
        "Reference=id",
        "--out",
        str(tmp_path / "q.json"),
        *NEW_POAM,
    )
    assert code == 2 and "row 1: Ref, Requirement, Gap, Owner" in stderr


@pytest.mark.parametrize(
    ("left_out", "named"),
    [
        (("--assessment-date",), "--assessment-date"),
        (("--account",), "--account"),
        (("--assessment-date", "--account"), "--assessment-date, --account"),
    ],
    ids=["assessment-date", "account", "both"],
)
def test_a_new_poam_without_the_flags_no_source_gives_is_refused_before_the_source_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], left_out: tuple[str, ...], named: str
) -> None:
    # The source is not a workbook at all: had it been read first, its error would be the one reported.
    source = tmp_path / "poam.xlsx"
    source.write_bytes(b"PK\x03\x04 not really a workbook")
    flags = list(NEW_POAM)
    for flag in left_out:
        del flags[flags.index(flag) : flags.index(flag) + 2]
    out = tmp_path / "p.json"
    code, _, stderr = run_cli_streams(capsys, "import", str(source), "--out", str(out), *flags)
    assert code == 2
    assert f"a new POA&M needs {named} (no source says them" in " ".join(stderr.split())
    assert "workbook" not in stderr and not out.exists()
    assert source.read_bytes() == b"PK\x03\x04 not really a workbook"


def test_one_column_named_twice_in_columns_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, stderr = run_cli_streams(
        capsys,
        "import",
        str(_csv(tmp_path)),
        "--columns",
        "Gap=finding",
        "--columns",
        "gap=comments",
        *NEW_POAM,
    )
    assert code == 2 and "twice" in stderr


@pytest.mark.parametrize(
    ("source", "option", "why"),
    [
        ("csv", ("--sheet", "Open POA&M Items"), "a CSV file, which has no sheets"),
        ("oscal", ("--sheet", "poam-items"), "an OSCAL document, which has no sheets"),
        ("oscal", ("--columns", "POAM ID=id"), "by property name, not by column"),
    ],
)
def test_an_option_the_format_has_no_use_for_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], source: str, option: tuple[str, str], why: str
) -> None:
    path = _csv(tmp_path) if source == "csv" else OSCAL_POAM
    out = tmp_path / "p.json"
    code, _, stderr = run_cli_streams(capsys, "import", str(path), *option, "--out", str(out), *NEW_POAM)
    assert code == 2 and not out.exists()
    assert option[0] in stderr and why in stderr


def test_header_options_with_merge_are_refused_as_the_poam_keeps_its_own(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    poam = _example_poam(tmp_path)
    before = poam.read_bytes()
    code, _, stderr = run_cli_streams(
        capsys,
        "import",
        str(_csv(tmp_path)),
        "--merge",
        str(poam),
        "--organization",
        "Other",
        "--region",
        "x",
    )
    assert code == 2 and poam.read_bytes() == before
    assert "--organization, --region: with --merge the POA&M keeps its own header" in stderr


# --- the report counts what was written ----------------------------------------------------------


def test_a_plain_import_reports_entries_written_and_no_merge(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = fedramp_v3(tmp_path)
    out = tmp_path / "p.json"
    code, stdout = run_cli(capsys, "import", str(source), "--out", str(out), *NEW_POAM)
    assert code == 0
    text = " ".join(stdout.split())
    assert f"2 entr(y/ies) written to {out}" in text and "merge:" not in text
    code, stdout = run_cli(
        capsys, "import", str(source), "--out", str(tmp_path / "q.json"), *NEW_POAM, "--report", "json"
    )
    report = json.loads(stdout)
    assert (report["entries_written"], report["would_write"], report["merge"]) == (2, None, None)


def test_a_merge_counts_only_the_entries_it_added_or_updated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    poam = _example_poam(tmp_path)
    source = tmp_path / "more.csv"
    source.write_text(
        "POAM ID,Controls,Weakness Description,Point of Contact\n"
        "POAM-005,3.13.16,Kept as it is,Nobody\nNEW-1,3.1.1,New gap,Lee Park\n",
        encoding="utf-8",
    )
    code, stdout = run_cli(capsys, "import", str(source), "--merge", str(poam))
    assert code == 0
    text = " ".join(stdout.split())
    assert "1 entr(y/ies) written to" in text and "merge: 1 added, 0 updated, 1 kept" in text
    code, stdout = run_cli(capsys, "import", str(source), "--merge", str(poam), "--report", "json")
    report = json.loads(stdout)
    # NEW-1 is in the POA&M now: a second run adds nothing.
    assert report["entries_written"] == 0
    assert report["merge"] == {"added": [], "kept": ["POAM-005", "NEW-1"], "updated": []}


def test_a_blocked_merge_reports_what_it_would_have_done(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    poam = _example_poam(tmp_path)
    before = poam.read_bytes()
    source = tmp_path / "more.csv"
    source.write_text(
        "POAM ID,Controls,Weakness Description\nPOAM-005,3.13.16,Kept\nNEW-1,AC-3,800-53 only\n",
        encoding="utf-8",
    )
    code, stdout = run_cli(capsys, "import", str(source), "--merge", str(poam), "--report", "json")
    report = json.loads(stdout)
    assert code == 3 and poam.read_bytes() == before
    assert (report["entries_written"], report["would_write"]) == (0, 1)
    assert report["merge"] == {"added": ["NEW-1"], "kept": ["POAM-005"], "updated": []}


# --- sheets not read -----------------------------------------------------------------------------


def test_the_v3_templates_pl2_findings_sheet_is_reported_not_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The JSON report is the import's report as written (the same sheets, in order, with their reasons):
    # reading the template once more through run_import would assert nothing it does not.
    code, stdout = run_cli(
        capsys, "import", str(FEDRAMP_V3), "--out", str(tmp_path / "q.json"), *NEW_POAM, "--report", "json"
    )
    assert code == 0
    not_read = {s["sheet"]: s["reason"] for s in json.loads(stdout)["sheets_not_read"]}
    assert list(not_read) == ["Instructions", "PL-2 Findings", "Record of Changes"]
    assert not_read["PL-2 Findings"].startswith("not read: no POA&M header found")
    assert not_read["Instructions"].startswith("not read: the template's own instructions or examples")
    code, stdout = run_cli(capsys, "import", str(FEDRAMP_V3), "--out", str(tmp_path / "r.json"), *NEW_POAM)
    assert code == 0 and "PL-2 Findings" in stdout and "Sheets not read" in stdout


def test_a_sheet_with_data_below_row_30_and_no_header_is_reported_an_empty_one_is_not(tmp_path: Path) -> None:
    workbook = Workbook()
    items = workbook.active
    assert items is not None
    items.title = "Items"
    items.append(["POAM ID", "Controls", "Weakness Description", "Point of Contact"])
    items.append(["G-1", "3.1.1", "No MFA", "Lee Park"])
    workbook.create_sheet("Empty")
    workbook.create_sheet("Notes")["C40"] = "remember the VPN gap"
    source = tmp_path / "book.xlsx"
    workbook.save(source)
    header = HeaderOptions(
        organization="R", system="D", assessment_date=date(2026, 9, 14), accounts=("1" * 12,)
    )
    report = run_import(ImportOptions(source=source, out=tmp_path / "p.json", header=header, as_of=AS_OF))
    assert [s.sheet for s in report.sheets_not_read] == ["Notes"]
    assert report.entries_written == 1

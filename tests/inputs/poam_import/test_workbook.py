"""Reading a workbook: the rows are the sheet's, whatever size the sheet declares, and only the header's
columns are read."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.workbooks import add_cell_xml, declare_dimension, poam_workbook
from verifier.inputs.poam_import.readers import read_source
from verifier.inputs.poam_import.rows import Field, ImportFormat, ReadOptions

ROWS = [[f"P-{n}", "3.1.1", f"gap {n}", "Lee Park"] for n in range(1, 6)]


def _ids(path: Path) -> list[object]:
    document = read_source(path, ImportFormat.AUTO, ReadOptions())
    return [row.cells[Field.ID] for row in document.rows]


def test_a_sheet_declaring_only_a1_is_read_in_full(tmp_path: Path) -> None:
    # Apache POI's streaming writer declares A1: trusted, it hid the header and every row.
    path = declare_dimension(poam_workbook(tmp_path / "poi.xlsx", ROWS), "A1")
    assert _ids(path) == ["P-1", "P-2", "P-3", "P-4", "P-5"]


@pytest.mark.parametrize("ref", ["A1:D5", "A1:B2", "A1:D1"])
def test_a_sheet_declaring_a_stale_range_loses_no_row_or_column(tmp_path: Path, ref: str) -> None:
    path = declare_dimension(poam_workbook(tmp_path / "stale.xlsx", ROWS), ref)
    document = read_source(path, ImportFormat.AUTO, ReadOptions())
    assert [r.cells[Field.ID] for r in document.rows] == ["P-1", "P-2", "P-3", "P-4", "P-5"]
    assert document.rows[-1].cells[Field.OWNER] == "Lee Park"


def test_a_sheet_declaring_every_cell_with_a_header_in_column_xfd_reads_that_column(tmp_path: Path) -> None:
    path = poam_workbook(tmp_path / "wide.xlsx", ROWS)
    for row in range(1, 7):
        add_cell_xml(path, row, "XFD", f"far {row}")
    declare_dimension(path, "A1:XFD1048576")
    document = read_source(path, ImportFormat.AUTO, ReadOptions())
    assert [r.cells[Field.ID] for r in document.rows] == ["P-1", "P-2", "P-3", "P-4", "P-5"]
    # Column XFD has a header cell ("far 1") on row 1, so it is the last header column and is read; the
    # rows' other cells out there are not. Without a header there, nothing right of D would be.
    assert document.rows[0].source_columns == {"far 1": "far 2"}


def test_cells_right_of_the_last_header_column_are_ignored(tmp_path: Path) -> None:
    path = poam_workbook(tmp_path / "wide.xlsx", ROWS)
    for row in range(2, 7):
        add_cell_xml(path, row, "XFD", f"far {row}")
    document = read_source(path, ImportFormat.AUTO, ReadOptions())
    assert len(document.rows) == 5
    assert all(row.source_columns == {} for row in document.rows)


def test_a_row_after_a_long_empty_gap_is_still_read(tmp_path: Path) -> None:
    rows: list[list[object]] = [ROWS[0], *([[None]] * 500), ROWS[1]]
    path = poam_workbook(tmp_path / "gap.xlsx", rows)
    document = read_source(path, ImportFormat.AUTO, ReadOptions())
    assert [(r.row, r.cells[Field.ID]) for r in document.rows] == [(2, "P-1"), (503, "P-2")]


def test_a_header_repeated_further_down_is_skipped_and_reported(tmp_path: Path) -> None:
    header = ["POAM ID", "Controls", "Weakness Description", "Point of Contact"]
    path = poam_workbook(tmp_path / "pages.xlsx", [ROWS[0], [" poam id ", "CONTROLS", *header[2:]], ROWS[1]])
    document = read_source(path, ImportFormat.AUTO, ReadOptions())
    assert [r.cells[Field.ID] for r in document.rows] == ["P-1", "P-2"]
    assert [(s.row, s.reason) for s in document.skipped] == [(3, "repeats the header row")]

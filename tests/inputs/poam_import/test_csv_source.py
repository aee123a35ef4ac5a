"""The CSV reader: the delimiter under which the header is found, record numbers as a sheet shows them,
large cells, and a first line that made ``csv.Sniffer`` quadratic."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from verifier.inputs.poam_import.readers import read_source
from verifier.inputs.poam_import.rows import Field, ImportFormat, PoamImportError, ReadOptions

HEADER = ["POAM ID", "Controls", "Weakness Description", "Point of Contact"]


def _read(path: Path) -> list[tuple[int, dict[Field, object]]]:
    document = read_source(path, ImportFormat.AUTO, ReadOptions())
    return [(row.row, dict(row.cells)) for row in document.rows]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_each_delimiter_is_found_by_its_header(tmp_path: Path, delimiter: str) -> None:
    path = tmp_path / "poam.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(
            [HEADER, ["P-1", "3.1.1", "No MFA, yet", "Lee Park"]]
        )
    ((row, cells),) = _read(path)
    assert (row, cells[Field.FINDING], cells[Field.OWNER]) == (2, "No MFA, yet", "Lee Park")


def test_blank_records_keep_their_row_numbers(tmp_path: Path) -> None:
    path = tmp_path / "poam.csv"
    path.write_text(
        f"Our gaps\n\n{','.join(HEADER)}\n\nP-1,3.1.1,gap,Lee\n\n\nP-2,3.1.2,gap,Lee\n", encoding="utf-8"
    )
    assert [row for row, _ in _read(path)] == [5, 8]


def test_a_cell_over_the_csv_modules_default_limit_is_read(tmp_path: Path) -> None:
    big = "x" * 300_000
    path = tmp_path / "poam.csv"
    path.write_text(f'{",".join(HEADER)}\r\nP-1,3.1.1,"{big}",Lee\r\n', encoding="utf-8-sig")
    ((_, cells),) = _read(path)
    assert cells[Field.FINDING] == big


def test_a_megabyte_of_quote_comma_noise_above_the_header_is_read_linearly(tmp_path: Path) -> None:
    # csv.Sniffer, which pandas asked for the delimiter, took hours over this first line.
    path = tmp_path / "poam.csv"
    noise = ',"a' * 333_333 + '"'
    path.write_text(f"{noise}\n{','.join(HEADER)}\nP-1,3.1.1,gap,Lee\n", encoding="utf-8")
    assert [row for row, _ in _read(path)] == [3]


def test_a_file_that_is_not_utf8_says_how_to_save_it(tmp_path: Path) -> None:
    path = tmp_path / "poam.csv"
    path.write_bytes(f"{','.join(HEADER)}\nP-1,3.1.1,caf\xe9,Lee\n".encode("cp1252"))
    with pytest.raises(PoamImportError, match="not UTF-8 text at byte .*save the sheet as 'CSV UTF-8'"):
        _read(path)

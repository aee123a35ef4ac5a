"""Read a workbook (.xlsx/.xlsm) with openpyxl: computed values, every sheet that has a POA&M header.

``data_only=True`` gives the value a formula last computed (FedRAMP's Scheduled Completion Date is one);
formulas never computed read as empty. The workbook is streamed (read-only mode): merged cells hold their
value in the top-left cell only, so an item merged over several rows reads once and the rows below it
continue it, and a sheet is read only until its trailing empty rows begin.
"""

from __future__ import annotations

import itertools
import warnings
import zipfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils.datetime import CALENDAR_MAC_1904
from openpyxl.workbook.workbook import Workbook

from verifier.inputs.poam_import.interface import (
    Cell,
    ImportFormat,
    PoamImportError,
    ReadOptions,
    SkippedRow,
    SourceDocument,
    SourceRow,
)
from verifier.inputs.poam_import.table import (
    HEADER_SEARCH_ROWS,
    Header,
    cut_rows,
    find_header,
    normalise,
    sheet_status,
)

# Sheets that are the template's own teaching material, never items.
_TEACHING_SHEETS = ("example", "instruction", "record of changes")
_METADATA_LABELS = {
    "csp": "organization",
    "organization": "organization",
    "dod component": "organization",
    "system name": "system",
    "system / project name": "system",
    "system": "system",
}
_PLACEHOLDERS = frozenset({"text", "date", ""})

# Which template a workbook is, told from the header texts of its sheets.
Classifier = Callable[[frozenset[str]], ImportFormat]


def open_workbook(path: Path) -> Workbook:
    try:
        with warnings.catch_warnings():
            # eMASS templates carry data-validation extensions openpyxl does not model; values are unaffected.
            warnings.simplefilter("ignore", UserWarning)
            return load_workbook(path, data_only=True, read_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise PoamImportError(f"{path}: not a readable .xlsx/.xlsm workbook ({exc})") from None


def read_workbook(path: Path, options: ReadOptions, classify: Classifier) -> SourceDocument:
    """Rows of every sheet with a POA&M header (or only ``--sheet``), each sheet's status by its name."""
    workbook = open_workbook(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # as in open_workbook: read-only mode warns late
            return _read_sheets(workbook, path, options, classify)
    finally:
        workbook.close()


def _read_sheets(
    workbook: Workbook, path: Path, options: ReadOptions, classify: Classifier
) -> SourceDocument:
    rows: list[SourceRow] = []
    skipped: list[SkippedRow] = []
    metadata: dict[str, str] = {}
    texts: set[str] = set()
    for title in _sheet_titles(workbook, options, path):
        stream: Iterator[Sequence[Cell]] = workbook[title].iter_rows(values_only=True)
        top = list(itertools.islice(stream, HEADER_SEARCH_ROWS))
        header = find_header(top, options.columns)
        if header is None:
            if options.sheet is not None:
                raise PoamImportError(_no_header(path, title))
            continue
        below = itertools.chain(top[header.row :], stream)
        sheet_rows, sheet_skipped = cut_rows(below, header, title, sheet_status(title))
        rows += sheet_rows
        skipped += sheet_skipped
        texts |= header.texts
        metadata = metadata or _metadata(top, header)
    if not texts:
        raise PoamImportError(_no_header(path, None))
    epoch_1904 = workbook.epoch == CALENDAR_MAC_1904
    return SourceDocument(path, classify(frozenset(texts)), tuple(rows), tuple(skipped), metadata, epoch_1904)


def _sheet_titles(workbook: Workbook, options: ReadOptions, path: Path) -> list[str]:
    if options.sheet is not None:
        if options.sheet not in workbook.sheetnames:
            raise PoamImportError(
                f"{path}: no sheet {options.sheet!r}; the workbook has {', '.join(workbook.sheetnames)}"
            )
        return [options.sheet]
    return [t for t in workbook.sheetnames if not normalise(t).startswith(_TEACHING_SHEETS)]


def _no_header(path: Path, sheet: str | None) -> str:
    where = f"sheet {sheet!r} has no" if sheet else "no sheet has a"
    return (
        f"{path}: {where} POA&M header row (looked for column names such as POAM ID, Controls, "
        "Weakness Description, Point of Contact in the first 30 rows); name the columns with "
        "--columns 'HEADER=field'"
    )


def _metadata(grid: Sequence[Sequence[Cell]], header: Header) -> dict[str, str]:
    """Organization and system from the labelled cells above the header."""
    found: dict[str, str] = {}
    for r, cells in enumerate(grid[: header.row - 1]):
        for c, cell in enumerate(cells):
            key = _METADATA_LABELS.get(normalise(cell).rstrip(":"))
            if key is None or key in found:
                continue
            # "System / Project Name:" (eMASS) has its value to the right; "System Name" (FedRAMP) below.
            labelled_right = str(cell).strip().endswith(":")
            value = _right_of(cells, c) if labelled_right else _below(grid, r, c, header.row - 1)
            if value:
                found[key] = value
    return found


def _usable(cell: Cell) -> str:
    text = " ".join(str(cell).split()) if cell is not None else ""
    return "" if normalise(text) in _PLACEHOLDERS or text.endswith(":") else text


def _right_of(cells: Sequence[Cell], column: int) -> str:
    for cell in cells[column + 1 : column + 5]:
        if cell is not None and str(cell).strip():
            return _usable(cell)
    return ""


def _below(grid: Sequence[Sequence[Cell]], row: int, column: int, limit: int) -> str:
    if row + 1 >= limit or column >= len(grid[row + 1]):
        return ""
    return _usable(grid[row + 1][column])

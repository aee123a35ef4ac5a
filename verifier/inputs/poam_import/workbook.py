"""Read a workbook (.xlsx/.xlsm) with openpyxl: computed values, every sheet that has a POA&M header.

``data_only=True`` gives the value a formula last computed (FedRAMP's Scheduled Completion Date is one);
formulas never computed read as empty. The workbook is streamed (read-only mode): merged cells hold their
value in the top-left cell only, so an item merged over several rows reads once and the rows below it
continue it.

A sheet's declared size (its ``<dimension>``) is never trusted: streaming writers such as Apache POI's
declare ``A1`` and others leave a stale range, which would silently cut rows off; Excel ignores it, and so
do we. Below the header only the header's columns are read, so a row with a cell in column XFD costs what
a row of the header's width costs. A workbook is untrusted input: whatever openpyxl raises on a damaged
file is reported as an unreadable workbook (exit 3), never a traceback.
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from openpyxl import load_workbook
from openpyxl.utils.datetime import CALENDAR_MAC_1904
from openpyxl.workbook.workbook import Workbook

from verifier.errors import VerifierError
from verifier.inputs.poam_import.rows import (
    Cell,
    Field,
    HeaderRow,
    ImportFormat,
    PoamImportError,
    ReadOptions,
    SheetNotRead,
    SkippedRow,
    SourceDocument,
    SourceRow,
)
from verifier.inputs.poam_import.table import (
    HEADER_SEARCH_ROWS,
    Header,
    TeachingRows,
    cut_rows,
    find_header,
    is_empty,
    normalise,
    sheet_status,
    teaching_label,
)

# Sheets that are the template's own teaching material, never items.
_TEACHING_SHEETS = ("example", "instruction", "record of changes")
_METADATA_LABELS = {
    "csp": "organization",
    "cloud service provider": "organization",  # FedRAMP v3.0
    "organization": "organization",
    "dod component": "organization",
    "system name": "system",
    "cloud service offering": "system",  # FedRAMP v3.0
    "system / project name": "system",
    "system": "system",
}
_PLACEHOLDERS = frozenset({"text", "date", ""})

# Which template a workbook is, told from the header texts of its sheets.
Classifier = Callable[[frozenset[str]], ImportFormat]


@contextmanager
def _unreadable(path: Path, where: str = "") -> Iterator[None]:
    """Anything openpyxl raises while parsing ``path``: an unreadable workbook, said in one line."""
    try:
        yield
    except VerifierError:
        raise
    except Exception as exc:  # a damaged file can make openpyxl raise almost anything
        place = f" ({where})" if where else ""
        raise PoamImportError(
            f"{path}: not a readable .xlsx/.xlsm workbook{place}: {type(exc).__name__}: {exc}"
        ) from exc


def open_workbook(handle: IO[bytes], path: Path) -> Workbook:
    """The workbook in ``handle``, streamed. A file object, so openpyxl judges the content, not the name."""
    with _unreadable(path), warnings.catch_warnings():
        # eMASS templates carry data-validation extensions openpyxl does not model; values are unaffected.
        warnings.simplefilter("ignore", UserWarning)
        return load_workbook(handle, data_only=True, read_only=True)


def read_workbook(path: Path, options: ReadOptions, classify: Classifier) -> SourceDocument:
    """Rows of every sheet with a POA&M header (or only ``--sheet``), each sheet's status by its name."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise PoamImportError(f"{path}: cannot be read ({exc.strerror})") from None
    with handle:
        workbook = open_workbook(handle, path)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)  # as in open_workbook: read-only mode warns late
                return _read_sheets(workbook, path, options, classify)
        finally:
            with _unreadable(path):
                workbook.close()


def _read_sheets(
    workbook: Workbook, path: Path, options: ReadOptions, classify: Classifier
) -> SourceDocument:
    rows: list[SourceRow] = []
    skipped: list[SkippedRow] = []
    metadata: dict[str, str] = {}
    headers: list[HeaderRow] = []
    not_read: list[SheetNotRead] = []
    teaching = TeachingRows()
    objectives: dict[str, list[str]] = {}
    for title in _sheet_titles(workbook, options, path):
        sheet = _sheet(workbook, title, path)
        top = list(itertools.islice(_rows(sheet, path, title), HEADER_SEARCH_ROWS))
        header = None if _teaching_sheet(title, options) else find_header(top, options.columns)
        if header is not None and _objectives_sheet(header):
            below = _rows(sheet, path, title, min_row=header.row + 1, max_col=header.width)
            for entry_id, objective in _objective_rows(header, below):
                objectives.setdefault(entry_id, []).append(objective)
            continue
        if header is None:
            if options.sheet is not None:
                raise PoamImportError(_no_header(path, title))
            if _holds_data(top) or _holds_data(_rows(sheet, path, title, min_row=len(top) + 1)):
                not_read.append(SheetNotRead(title, _not_read_reason(title)))
            continue
        below = _rows(sheet, path, title, min_row=header.row + 1, max_col=header.width)
        sheet_rows, sheet_skipped = cut_rows(below, header, title, sheet_status(title), teaching)
        rows += sheet_rows
        skipped += sheet_skipped
        headers.append(HeaderRow(title, header.row, header.names))
        metadata = metadata or _metadata(top, header)
    if not headers:
        raise PoamImportError(_no_header(path, None))
    texts = frozenset(normalise(name) for header in headers for name in header.names)
    return SourceDocument(
        path,
        classify(texts),
        tuple(rows),
        tuple(skipped),
        metadata,
        epoch_1904=workbook.epoch == CALENDAR_MAC_1904,
        headers=tuple(headers),
        sheets_not_read=tuple(not_read),
        objectives={entry_id: tuple(named) for entry_id, named in objectives.items()},
    )


def _objectives_sheet(header: Header) -> bool:
    """This tool's Objectives sheet (one row per objective of an entry, no finding): never entries."""
    named = {normalise(name) for name in header.others.values()}
    return (
        {"objective", "objective text"} <= named
        and Field.ID in header.fields
        and Field.FINDING not in header.fields
    )


def _objective_rows(header: Header, rows: Iterable[Sequence[Cell]]) -> Iterator[tuple[str, str]]:
    """(entry id, objective id) of each row of an objectives sheet."""
    id_column = header.fields[Field.ID][0]
    objective_column = next(c for c, name in header.others.items() if normalise(name) == "objective")
    for cells in rows:
        if max(id_column, objective_column) < len(cells):
            entry_id, objective = cells[id_column], cells[objective_column]
            if not is_empty(entry_id) and not is_empty(objective):
                yield str(entry_id).strip(), str(objective).strip()


def _teaching_sheet(title: str, options: ReadOptions) -> bool:
    """The template's own instructions or examples: read only when --sheet names it."""
    return options.sheet is None and normalise(title).startswith(_TEACHING_SHEETS)


def _not_read_reason(title: str) -> str:
    if normalise(title).startswith(_TEACHING_SHEETS):
        return "not read: the template's own instructions or examples (name it with --sheet to read it)"
    return (
        f"not read: no POA&M header found in its first {HEADER_SEARCH_ROWS} rows (to read it: "
        f"--sheet {title!r} --columns 'HEADER=field')"
    )


def _holds_data(rows: Iterable[Sequence[Cell]]) -> bool:
    """Any cell with something in it; stops at the first."""
    return any(not is_empty(cell) for cells in rows for cell in cells)


def _sheet(workbook: Workbook, title: str, path: Path) -> Any:
    """A worksheet with its declared size forgotten, so every row in its file is read."""
    with _unreadable(path, f"sheet {title!r}"):
        sheet = workbook[title]
        sheet.reset_dimensions()
        return sheet


def _rows(sheet: Any, path: Path, title: str, **bounds: int) -> Iterator[Sequence[Cell]]:
    """The sheet's rows as values; what openpyxl raises on a damaged sheet becomes an import error."""
    where = f"sheet {title!r}"
    with _unreadable(path, where):
        stream = iter(sheet.iter_rows(values_only=True, **bounds))
    while True:
        with _unreadable(path, where):
            row = next(stream, None)
        if row is None:
            return
        yield row


def _sheet_titles(workbook: Workbook, options: ReadOptions, path: Path) -> list[str]:
    with _unreadable(path):
        # Worksheets only: a chart sheet has no cells.
        titles = [sheet.title for sheet in workbook.worksheets]
    if options.sheet is not None:
        if options.sheet not in titles:
            raise PoamImportError(f"{path}: no sheet {options.sheet!r}; the workbook has {', '.join(titles)}")
        return [options.sheet]
    return titles


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
            value = _right_of(cells, c) if labelled_right else _below(grid, r, c, header)
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


def _below(grid: Sequence[Sequence[Cell]], row: int, column: int, header: Header) -> str:
    """The value under a label: FedRAMP v3.0 puts a "Guidance" row between the label and its value."""
    for cells in grid[row + 1 : header.row - 1]:
        if teaching_label(cells, header.first_column) is not None:
            continue
        return _usable(cells[column]) if column < len(cells) else ""
    return ""

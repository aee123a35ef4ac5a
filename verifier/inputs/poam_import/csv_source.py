"""A CSV POA&M (this tool's export, or a home-made sheet saved as CSV), read with the csv module as text.

Every cell is read as a string (no type guessing: "3.10" must stay "3.10", not 3.1); the BOM Excel
writes is dropped; the header row is found as in a workbook. The delimiter is the one of comma,
semicolon (Excel in many locales), tab or bar under which a header row is found: never guessed from the
text by ``csv.Sniffer``, whose quote detection is quadratic in the length of a line. Row numbers are
records counted from 1, blank ones included, as a spreadsheet shows them.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from verifier.inputs.poam_import.rows import (
    Cell,
    Field,
    HeaderRow,
    ImportFormat,
    PoamImportError,
    ReadOptions,
    SourceDocument,
)
from verifier.inputs.poam_import.table import HEADER_SEARCH_ROWS, Header, cut_rows, find_header

_DELIMITERS = (",", ";", "\t", "|")
# A cell may be large (a pasted log): the csv module's 128 KB default would refuse it.
_FIELD_LIMIT = 64 * 2**20


def read(path: Path, options: ReadOptions) -> SourceDocument:
    with _reading(path), _field_limit():
        delimiter, header = _header(path, options.columns)
        rows, skipped = cut_rows(
            itertools.islice(_records(path, delimiter), header.row, None), header, "", None
        )
    return SourceDocument(
        path,
        ImportFormat.CSV,
        tuple(rows),
        tuple(skipped),
        headers=(HeaderRow("", header.row, header.names),),
    )


def _header(path: Path, columns: Mapping[str, Field]) -> tuple[str, Header]:
    """The first delimiter under which the first 30 records hold a POA&M header row, and that row."""
    for delimiter in _DELIMITERS:
        top = list(itertools.islice(_records(path, delimiter), HEADER_SEARCH_ROWS))
        header = find_header(top, columns)
        if header is not None:
            return delimiter, header
    raise PoamImportError(
        f"{path}: no POA&M header row (looked for column names such as POAM ID, Controls, "
        "Weakness Description in the first 30 rows, separated by comma, semicolon, tab or bar); name "
        "the columns with --columns 'HEADER=field'"
    )


def _records(path: Path, delimiter: str) -> Iterator[list[Cell]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for record in csv.reader(handle, delimiter=delimiter):
            yield [_unquote(value) for value in record]


@contextmanager
def _reading(path: Path) -> Iterator[None]:
    try:
        yield
    except UnicodeDecodeError as exc:
        raise PoamImportError(
            f"{path}: not UTF-8 text at byte {exc.start}: save the sheet as 'CSV UTF-8', or as .xlsx"
        ) from None
    except (OSError, csv.Error) as exc:
        raise PoamImportError(f"{path}: not a readable CSV file ({exc})") from None


@contextmanager
def _field_limit() -> Iterator[None]:
    previous = csv.field_size_limit(_FIELD_LIMIT)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def _unquote(value: str) -> Cell:
    # The export neutralises formula-like text with a leading apostrophe; take it back off.
    if value.startswith("'") and value[1:2] in ("=", "+", "-", "@", "\t", "\r"):
        return value[1:]
    return value

"""A CSV POA&M (this tool's export, or a home-made sheet saved as CSV), read with pandas as text.

Every cell is read as a string (no type guessing: "3.10" must stay "3.10", not 3.1); the BOM Excel
writes is dropped; the header row is found as in a workbook.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from verifier.inputs.poam_import.interface import (
    Cell,
    ImportFormat,
    PoamImportError,
    ReadOptions,
    SourceDocument,
)
from verifier.inputs.poam_import.table import cut_rows, find_header


def read(path: Path, options: ReadOptions) -> SourceDocument:
    grid = _grid(path)
    header = find_header(grid, options.columns)
    if header is None:
        raise PoamImportError(
            f"{path}: no POA&M header row (looked for column names such as POAM ID, Controls, "
            "Weakness Description in the first 30 rows); name the columns with --columns 'HEADER=field'"
        )
    rows, skipped = cut_rows(grid[header.row :], header, "", None)
    return SourceDocument(path, ImportFormat.CSV, tuple(rows), tuple(skipped))


def _grid(path: Path) -> list[list[Cell]]:
    try:
        frame = pd.read_csv(
            path,
            header=None,
            dtype=str,
            keep_default_na=False,
            encoding="utf-8-sig",
            sep=None,
            engine="python",
            quoting=csv.QUOTE_MINIMAL,
        )
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, csv.Error) as exc:
        raise PoamImportError(f"{path}: not a readable CSV file ({exc})") from None
    return [[_unquote(v) for v in row] for row in frame.itertuples(index=False, name=None)]


def _unquote(value: object) -> Cell:
    # The export neutralises formula-like text with a leading apostrophe; take it back off.
    text = str(value)
    if text.startswith("'") and text[1:2] in ("=", "+", "-", "@", "\t", "\r"):
        return text[1:]
    return text

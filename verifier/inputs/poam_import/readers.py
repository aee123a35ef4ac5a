"""Which reader reads a file: by ``--format``, or for ``auto`` by its extension and header texts."""

from __future__ import annotations

from pathlib import Path
from typing import assert_never

from verifier.inputs.poam_import import emass, fedramp, oscal
from verifier.inputs.poam_import.interface import (
    ImportFormat,
    PoamImportError,
    ReadOptions,
    SourceDocument,
)

# pandas and openpyxl take most of a second to import; every other command would pay it at start-up,
# so the CSV and workbook readers are imported when a file of theirs is read.

_WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


def classify(header_texts: frozenset[str]) -> ImportFormat:
    """A workbook's template, told by header texts only it has."""
    if header_texts & emass.MARKERS:
        return ImportFormat.EMASS
    if header_texts & fedramp.MARKERS:
        return ImportFormat.FEDRAMP
    return ImportFormat.XLSX


def read_source(path: Path, source_format: ImportFormat, options: ReadOptions) -> SourceDocument:
    """Read ``path`` in ``source_format`` (``auto``: by extension, and for a workbook by its headers)."""
    if not path.is_file():
        raise PoamImportError(f"{path}: no such file")
    chosen = _by_extension(path) if source_format is ImportFormat.AUTO else source_format
    match chosen:
        case ImportFormat.OSCAL:
            return oscal.read(path, options)
        case ImportFormat.CSV:
            from verifier.inputs.poam_import import csv_source

            return csv_source.read(path, options)
        case ImportFormat.AUTO:
            from verifier.inputs.poam_import.workbook import read_workbook

            document = read_workbook(path, options, classify)
        case ImportFormat.FEDRAMP | ImportFormat.EMASS | ImportFormat.XLSX:
            from verifier.inputs.poam_import.workbook import read_workbook

            document = read_workbook(path, options, lambda _texts: chosen)
        case _:
            assert_never(chosen)
    return emass.owners_first(document) if document.format is ImportFormat.EMASS else document


def _by_extension(path: Path) -> ImportFormat:
    """OSCAL by ``.json``, CSV by ``.csv``; a workbook stays ``auto`` until its headers are read."""
    suffix = path.suffix.casefold()
    if suffix == ".json":
        return ImportFormat.OSCAL
    if suffix == ".csv":
        return ImportFormat.CSV
    if suffix in _WORKBOOK_SUFFIXES:
        return ImportFormat.AUTO
    raise PoamImportError(f"{path}: cannot tell the format from the extension; give --format")

"""Which reader reads a file: by ``--format``, or for ``auto`` by its extension and header texts.

The file's own bytes are looked at first, whatever ``--format`` says: a Word document or a PDF is refused
with what to do, and a workbook is never handed to the CSV or OSCAL reader (nor text to openpyxl).
"""

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
from verifier.inputs.poam_import.sniff import FileKind, file_kind

# openpyxl takes most of a second to import; every other command would pay it at start-up, so the
# workbook reader is imported when a workbook is read.

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
    kind = file_kind(path)
    chosen = _by_extension(path, kind) if source_format is ImportFormat.AUTO else source_format
    _check_kind(path, kind, chosen)
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


def _check_kind(path: Path, kind: FileKind, chosen: ImportFormat) -> None:
    """A workbook read as text, or text read as a workbook, fails here in plain words."""
    workbook_formats = (ImportFormat.AUTO, ImportFormat.FEDRAMP, ImportFormat.EMASS, ImportFormat.XLSX)
    if kind is FileKind.WORKBOOK and chosen not in workbook_formats:
        raise PoamImportError(f"{path}: is an .xlsx/.xlsm workbook, not {chosen.value}; give --format auto")
    if kind is not FileKind.WORKBOOK and chosen in workbook_formats:
        raise PoamImportError(
            f"{path}: not an .xlsx/.xlsm workbook (not a zip archive); for a CSV file give --format csv"
        )


def _by_extension(path: Path, kind: FileKind) -> ImportFormat:
    """OSCAL by ``.json``, CSV by ``.csv``; a workbook (by its content) stays ``auto`` until its headers
    are read."""
    if kind is FileKind.WORKBOOK:
        return ImportFormat.AUTO
    suffix = path.suffix.casefold()
    if suffix == ".json":
        return ImportFormat.OSCAL
    if suffix == ".csv":
        return ImportFormat.CSV
    if suffix in _WORKBOOK_SUFFIXES:
        return ImportFormat.AUTO  # not a zip: _check_kind says so
    raise PoamImportError(f"{path}: cannot tell the format from the extension; give --format")

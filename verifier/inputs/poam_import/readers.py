"""Which reader reads a file: by ``--format``, or for ``auto`` by its extension and header texts.

The file's own bytes are looked at first, whatever ``--format`` says: a Word document or a PDF is refused
with what to do, and a workbook is never handed to the CSV or OSCAL reader (nor text to openpyxl).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import assert_never

from verifier.errors import UsageError
from verifier.inputs.poam_import import emass, fedramp, oscal
from verifier.inputs.poam_import.rows import (
    HeaderRow,
    ImportFormat,
    PoamImportError,
    ReadOptions,
    SourceDocument,
)
from verifier.inputs.poam_import.sniff import FileKind, file_kind
from verifier.inputs.poam_import.table import normalise

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
    _check_options(path, chosen, options)
    match chosen:
        case ImportFormat.OSCAL:
            return oscal.read(path, options)
        case ImportFormat.CSV:
            from verifier.inputs.poam_import import csv_source

            return _columns_used(csv_source.read(path, options), options)
        case ImportFormat.AUTO:
            from verifier.inputs.poam_import.workbook import read_workbook

            document = read_workbook(path, options, classify)
        case ImportFormat.FEDRAMP | ImportFormat.EMASS | ImportFormat.XLSX:
            from verifier.inputs.poam_import.workbook import read_workbook

            document = read_workbook(path, options, lambda _texts: chosen)
        case _:
            assert_never(chosen)
    document = _columns_used(document, options)
    return emass.owners_first(document) if document.format is ImportFormat.EMASS else document


def _check_options(path: Path, chosen: ImportFormat, options: ReadOptions) -> None:
    """An option the format has no use for is refused, never silently ignored."""
    kinds = {ImportFormat.CSV: "a CSV file", ImportFormat.OSCAL: "an OSCAL document"}
    if options.sheet is not None and chosen in kinds:
        raise UsageError(
            f"--sheet {options.sheet!r}: {path} is read as {kinds[chosen]}, which has no sheets; "
            "leave --sheet out"
        )
    if options.columns and chosen is ImportFormat.OSCAL:
        raise UsageError(
            f"--columns: {path} is read as an OSCAL document, by property name, not by column; "
            "leave --columns out"
        )


def _columns_used(document: SourceDocument, options: ReadOptions) -> SourceDocument:
    """Every ``--columns`` header names a column of a header row found, or the run stops naming them."""
    found = {normalise(name) for header in document.headers for name in header.names}
    unused = [header for header in options.columns if normalise(header) not in found]
    if unused:
        raise UsageError(
            f"--columns {', '.join(repr(h) for h in unused)}: no such column in the header row found "
            f"in {document.file} ({_listing(document.headers)}); give a header as written there"
        )
    return document


def _listing(headers: Sequence[HeaderRow]) -> str:
    """Each distinct header row's column names, with where it was found."""
    places: dict[tuple[str, ...], list[str]] = {}
    for header in headers:
        place = f"sheet {header.sheet!r} row {header.row}" if header.sheet else f"row {header.row}"
        places.setdefault(header.names, []).append(place)
    return "; ".join(f"{', '.join(where)}: {', '.join(names)}" for names, where in places.items())


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

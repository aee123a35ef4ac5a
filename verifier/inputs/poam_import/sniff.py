"""What a file is, by its first bytes and (for a zip) its part names, before any reader opens it.

A Word document, an .xlsb or OpenDocument spreadsheet, a legacy .xls/.doc or a PDF is refused for every
``--format`` with what to do instead, rather than handed to a reader that would fail on it in its own words.
"""

from __future__ import annotations

import enum
import zipfile
from pathlib import Path

from verifier.inputs.poam_import.rows import PoamImportError

_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
# A compound file: legacy Office (.xls, .doc), and also any password-protected .xlsx (Excel encrypts the
# whole package into one).
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_PDF = b"%PDF"
_SAVE_AS = "save the POA&M table as .xlsx or .csv"


class FileKind(enum.Enum):
    WORKBOOK = "workbook"  # an Office Open XML spreadsheet: .xlsx, .xlsm
    OTHER = "other"  # not a zip: text (CSV, JSON) or anything else, for its reader to judge


def file_kind(path: Path) -> FileKind:
    """WORKBOOK or OTHER; a file no reader reads raises ``PoamImportError`` saying what to do."""
    try:
        with path.open("rb") as handle:
            start = handle.read(8)
    except OSError as exc:
        raise PoamImportError(f"{path}: cannot be read ({exc.strerror})") from None
    if start.startswith(_OLE2):
        raise PoamImportError(
            f"{path}: a legacy Office file (.xls, .doc) or a password-protected workbook is not read: "
            f"remove any password and {_SAVE_AS}"
        )
    if start.startswith(_PDF):
        raise PoamImportError(f"{path}: PDF files are not read: {_SAVE_AS}")
    if start.startswith(_ZIP):
        return _zip_kind(path)
    return FileKind.OTHER


def _zip_kind(path: Path) -> FileKind:
    names = _part_names(path)
    if any(name.startswith("word/") for name in names):
        raise PoamImportError(f"{path}: Word documents are not read: {_SAVE_AS}")
    if "xl/workbook.bin" in names:
        raise PoamImportError(f"{path}: Excel binary workbooks (.xlsb) are not read: {_SAVE_AS}")
    if any(name.startswith("xl/") for name in names):
        return FileKind.WORKBOOK
    if "mimetype" in names or "content.xml" in names:
        raise PoamImportError(f"{path}: OpenDocument files (.ods, .odt) are not read: {_SAVE_AS}")
    raise PoamImportError(f"{path}: a zip archive that is not an .xlsx/.xlsm workbook: {_SAVE_AS}")


def _part_names(path: Path) -> frozenset[str]:
    try:
        with zipfile.ZipFile(path) as archive:
            return frozenset(archive.namelist())
    except Exception as exc:  # a damaged zip can make zipfile raise almost anything
        raise PoamImportError(
            f"{path}: a damaged zip archive, not a readable .xlsx/.xlsm workbook ({type(exc).__name__}: {exc})"
        ) from exc

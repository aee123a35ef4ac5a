"""Small POA&M workbooks built with openpyxl, and the ways other writers' files differ from them."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

from openpyxl import Workbook

# The new-POA&M options an import without a header of its own needs (a test value for each).
HEADER_ARGS = (
    "--organization",
    "O",
    "--system",
    "S",
    "--assessment-date",
    "2026-09-14",
    "--account",
    "123456789012",
)
HEADER = ("POAM ID", "Controls", "Weakness Description", "Point of Contact")


def poam_workbook(path: Path, rows: Sequence[Sequence[object]], header: Sequence[str] = HEADER) -> Path:
    """One sheet: ``header`` on row 1, then ``rows`` (``None`` rows leave a row empty)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(list(header))
    for number, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            if value is not None:
                sheet.cell(row=number, column=column, value=value)
    workbook.save(path)
    return path


def declare_dimension(path: Path, ref: str) -> Path:
    """Rewrite every sheet's ``<dimension ref>`` to ``ref``, as Apache POI's streaming writer (``A1``) or a
    writer that does not update it (a stale range) leaves it."""
    parts = _parts(path)
    for name, data in parts.items():
        if name.startswith("xl/worksheets/sheet"):
            parts[name] = re.sub(rb'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{ref}"/>'.encode(), data)
    _write(path, parts)
    return path


def add_cell_xml(path: Path, row: int, column: str, text: str) -> Path:
    """Append an inline-string cell to the end of ``row`` in the first sheet's XML (no style, no checks)."""
    parts = _parts(path)
    name = "xl/worksheets/sheet1.xml"
    cell = f'<c r="{column}{row}" t="inlineStr"><is><t>{text}</t></is></c>'.encode()
    parts[name] = re.sub(
        rb'(<row r="%d"[^>]*>.*?)(</row>)' % row, rb"\1" + cell + rb"\2", parts[name], flags=re.S
    )
    _write(path, parts)
    return path


def append_row_xml(path: Path, row: int, cells: Sequence[str]) -> Path:
    """Append row ``row`` (inline strings from column A) to the end of the first sheet's XML, however far
    below the last row it is."""
    parts = _parts(path)
    name = "xl/worksheets/sheet1.xml"
    xml = "".join(
        f'<c r="{chr(ord("A") + n)}{row}" t="inlineStr"><is><t>{text}</t></is></c>'
        for n, text in enumerate(cells)
    )
    parts[name] = parts[name].replace(b"</sheetData>", f'<row r="{row}">{xml}</row></sheetData>'.encode())
    _write(path, parts)
    return path


def for_each_row_xml(path: Path, cell: Callable[[int], str]) -> Path:
    """Append ``cell(row number)`` (raw cell XML) to the end of every row of the first sheet."""
    parts = _parts(path)
    name = "xl/worksheets/sheet1.xml"

    def extended(match: re.Match[bytes]) -> bytes:
        return match.group(1) + cell(int(match.group(2))).encode() + match.group(3)

    parts[name] = re.sub(rb'(<row r="(\d+)"[^>]*>.*?)(</row>)', extended, parts[name], flags=re.S)
    _write(path, parts)
    return path


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _write(path: Path, parts: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)

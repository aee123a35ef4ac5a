"""Parsing shared by every findings reader: strict statuses, flags, times, identities, JSON and ``;`` CSV.

Everything here fails closed with a one-line ``FindingsFormatError`` that names the file and the
record: a record we cannot read is never skipped, since a silently dropped FAIL could turn into a
wrong MET.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import orjson

from verifier.errors import FindingsFormatError
from verifier.inputs.jsondoc import utf16_hint
from verifier.model import DEFAULT_PROVIDER, Status
from verifier.providers import identity_expectation, identity_fault

# How much of a file's (decompressed) start the readers may sniff to recognise their format.
HEAD_BYTES = 64 * 1024

_BOM = b"\xef\xbb\xbf"
_STATUSES = {status.value: status for status in Status}
_FLAGS = {"true": True, "false": False}
# Prowler prefixes a cell with "'" when a spreadsheet would read it as a formula (sanitize_csv_value).
_FORMULA_STARTS = ("=", "+", "-", "@")
# Real Prowler cells (resource details, remediation code) can exceed the csv module's 128 KiB default.
_CSV_FIELD_LIMIT = 64 * 1024 * 1024

PathKey = str | int


def parse_status(value: object, where: str) -> Status:
    """A PASS / FAIL / MANUAL status code; anything else is refused."""
    status = _STATUSES.get(value) if isinstance(value, str) else None
    if status is None:
        raise FindingsFormatError(f"{where}: unknown status {_show(value)} (expected PASS, FAIL or MANUAL)")
    return status


def parse_flag(value: str, where: str) -> bool:
    """Prowler's ``True``/``False`` cells (case-insensitive); anything else is refused."""
    flag = _FLAGS.get(value.lower())
    if flag is None:
        raise FindingsFormatError(f"{where}: expected True or False, got {_show(value)}")
    return flag


def utc_time(value: object, where: str) -> datetime:
    """A timezone-aware UTC time, truncated to whole seconds.

    Accepts epoch seconds (number or digit string) and ISO 8601 text; naive text is taken as UTC.
    Truncating to seconds gives one scan the same time whichever format it is read from (OCSF
    ``time`` and ASFF carry whole seconds, the CSVs carry microseconds).
    """
    parsed: datetime | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        parsed = _from_epoch(value)
    elif isinstance(value, str):
        parsed = _from_text(value)
    if parsed is None:
        raise FindingsFormatError(f"{where}: not a time: {_show(value)}")
    return parsed


@lru_cache(maxsize=4096)
def _from_epoch(value: float) -> datetime | None:
    # Cached, so findings of one scan share their time objects (a million findings held at once).
    try:
        return datetime.fromtimestamp(int(value), tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


@lru_cache(maxsize=4096)
def _from_text(text: str) -> datetime | None:
    # Cached: every finding of one scan carries the same timestamp text.
    if text.isdigit():
        return _from_epoch(int(text))
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    parsed = parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    return parsed.replace(microsecond=0)


def json_elements(data: bytes, source: str) -> Iterator[Any]:
    """The elements of a file that must be one JSON array (Prowler's OCSF and ASFF outputs), in order.

    The whole-document parse, which words every error precisely (a truncated file, a syntax error, bad
    encoding, not an array). Files are split into elements, in flat memory, by ``elements.py``; this runs
    only when that split finds no plain JSON array.
    """
    base = len(_BOM) if data.startswith(_BOM) else 0
    if _blank(data, base):
        raise FindingsFormatError(f"{source}: empty file, expected a JSON array of findings")
    return iter(_whole_array(data, base, source))


class NotStreamable(Exception):
    """A file ``elements.py`` cannot split piecewise; read it whole (``json_elements``) instead (internal)."""


# Read size for streamed files: large enough that a read is cheap, small next to a finding set's memory.
STREAM_CHUNK = 8 * 1024 * 1024


def _blank(data: bytes, base: int) -> bool:
    # The short look first: slicing the whole file is a copy, needed only when it starts with blanks.
    return len(data) == base or (data[base : base + 4096].isspace() and data[base:].isspace())


def _whole_array(data: bytes, base: int, source: str) -> list[Any]:
    try:
        document = orjson.loads(memoryview(data)[base:])
    except orjson.JSONDecodeError as exc:
        raise FindingsFormatError(_json_error(data[base:], source, exc)) from exc
    if not isinstance(document, list):
        raise FindingsFormatError(
            f"{source}: expected a JSON array of findings, got a JSON {_kind(document)}"
        )
    return document


def _json_error(data: bytes, source: str, exc: orjson.JSONDecodeError) -> str:
    # Only on the error path is the text decoded again, to tell bad encoding from bad JSON.
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as bad:
        return f"{source}: not UTF-8 text (bad byte at offset {bad.start}){utf16_hint(data)}"
    hint = " (the file ends early: truncated?)" if exc.pos >= len(data.rstrip()) - 1 else ""
    return f"{source}: not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}{hint}"


def require_identity(identity: tuple[str, str, str], fields: tuple[str, str, str], where: str) -> None:
    """Refuse a finding whose (provider, account, region) Prowler could not have written.

    ``fields`` names the three in the reader's format (``cloud.provider``, ``ACCOUNT_UID``, …). Every
    reader calls this, so an odd value is invalid input wherever it comes from, never a finding that
    silently falls outside every scope target (a FAIL out of scope reads as MET).
    """
    fault = identity_fault(*identity)
    if fault is not None:
        expected = identity_expectation(identity[0], fault)
        raise FindingsFormatError(
            f"{where}: {fields[fault]} {_show(identity[fault])} is invalid: expected {expected}"
        )


def lookup(record: Any, path: Sequence[PathKey]) -> Any:
    """The value at ``path`` (dict keys and list indexes) or None when any step is absent."""
    value = record
    for key in path:
        if isinstance(key, int):
            value = value[key] if isinstance(value, list) and len(value) > key else None
        else:
            value = value.get(key) if isinstance(value, dict) else None
        if value is None:
            return None
    return value


def required_text(record: Any, path: Sequence[PathKey], where: str) -> str:
    """A non-empty string at ``path``; a finding without it cannot be trusted."""
    value = lookup(record, path)
    if isinstance(value, str) and value:
        return value
    state = "missing" if value is None else f"not a non-empty string ({_show(value)})"
    raise FindingsFormatError(f"{where}: {dotted(path)} is {state}")


def optional_text(record: Any, path: Sequence[PathKey], where: str) -> str:
    """A string at ``path``, or "" when absent (Prowler omits empty optional keys)."""
    value = lookup(record, path)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise FindingsFormatError(f"{where}: {dotted(path)} is not a string ({_show(value)})")
    return value


def dotted(path: Sequence[PathKey]) -> str:
    """``("resources", 0, "uid")`` → ``resources[0].uid``, as a reader of the file would write it."""
    text = ""
    for key in path:
        text += f"[{key}]" if isinstance(key, int) else (f".{key}" if text else key)
    return text


def decode_text(data: bytes, source: str) -> str:
    """Strict UTF-8 text (a leading BOM is tolerated)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FindingsFormatError(
            f"{source}: not UTF-8 text (bad byte at offset {exc.start}){utf16_hint(data)}"
        ) from exc


def first_time(record: dict[str, Any], keys: tuple[str, str], where: str) -> datetime:
    """The finding's time from the first of ``keys`` present (the second is the fallback), as UTC."""
    for key in keys:
        value = record.get(key)
        if value is not None:
            return utc_time(value, f"{where}: {key}")
    raise FindingsFormatError(f"{where}: {keys[0]} and {keys[1]} are both missing")


def unnamed_json(name: str) -> bool:
    """A ``.json`` name that does not already say which Prowler format it is, so content decides."""
    return name.endswith(".json") and not name.endswith((".ocsf.json", ".asff.json"))


def first_line(head: bytes) -> bytes:
    """The header line of a CSV head, for sniffing column names."""
    return head.split(b"\n", 1)[0]


def unformula(value: str) -> str:
    """Undo Prowler's spreadsheet-formula guard so a CSV cell equals the same value in OCSF."""
    if value.startswith("'") and (
        value[1:2] in ("\t", "\r") or value[1:].lstrip().startswith(_FORMULA_STARTS)
    ):
        return value[1:]
    return value


def required_cell(cells: list[str], position: int, column: str, where: str) -> str:
    """A CSV cell that must not be empty (formula guard undone)."""
    value = unformula(cells[position])
    if not value:
        raise FindingsFormatError(f"{where}: {column} is empty")
    return value


def optional_cell(cells: list[str], position: int | None) -> str:
    """A CSV cell from an optional column: "" when the column is absent."""
    return "" if position is None else unformula(cells[position])


def row_identity(
    cells: list[str], provider: int | None, account: tuple[int, str], region: tuple[int, str], where: str
) -> tuple[str, str, str]:
    """A CSV row's (provider, account, region), refused as ``require_identity`` refuses it.

    ``account`` and ``region`` are each a column's position and name. No PROVIDER column (files written
    before other providers were supported) means AWS; an empty or odd cell in it is refused.
    """
    identity = (
        DEFAULT_PROVIDER if provider is None else unformula(cells[provider]),
        required_cell(cells, account[0], account[1], where),
        required_cell(cells, region[0], region[1], where),
    )
    require_identity(identity, ("PROVIDER", account[1], region[1]), where)
    return identity


class SemicolonTable:
    """A Prowler ``;`` CSV: the header's column positions and the data rows, each checked for width."""

    def __init__(self, data: bytes, source: str, required: Sequence[str], kind: str) -> None:
        self.source = source
        csv.field_size_limit(_CSV_FIELD_LIMIT)
        self._reader = csv.reader(
            io.StringIO(decode_text(data, source), newline=""), delimiter=";", strict=True
        )
        header = self._header(kind)
        _require_columns(header, required, source, kind)
        self.columns = {name: index for index, name in enumerate(header)}
        self._width = len(header)

    def _header(self, kind: str) -> list[str]:
        try:
            return next(self._reader)
        except StopIteration:
            raise FindingsFormatError(f"{self.source}: empty file, expected a {kind} header") from None
        except csv.Error as exc:
            raise FindingsFormatError(f"{self.source}: malformed {kind} header: {exc}") from exc

    def rows(self) -> Iterator[tuple[str, list[str]]]:
        """Yield ``(where, cells)`` per data row; a short, long or unterminated row is an error."""
        number = 0
        try:
            for cells in self._reader:
                if not cells:
                    continue  # a blank line carries no finding and cannot hide one
                number += 1
                where = f"{self.source}, row {number} (line {self._reader.line_num})"
                if len(cells) != self._width:
                    raise FindingsFormatError(
                        f"{where}: {len(cells)} fields, the header has {self._width} (truncated or malformed file)"
                    )
                yield where, cells
        except csv.Error as exc:
            line = self._reader.line_num
            raise FindingsFormatError(
                f"{self.source}: malformed CSV near line {line}: {exc} (truncated?)"
            ) from exc


def _require_columns(header: list[str], required: Sequence[str], source: str, kind: str) -> None:
    missing = [name for name in required if name not in header]
    if not missing:
        return
    if len(header) == 1 and "," in header[0]:
        raise FindingsFormatError(f"{source}: comma-separated; a Prowler {kind} is separated by ';'")
    raise FindingsFormatError(f"{source}: not a Prowler {kind}: missing column(s) {', '.join(missing)}")


_KINDS = {dict: "object", list: "array", str: "string", bool: "boolean", int: "number", float: "number"}


def _kind(value: object) -> str:
    return _KINDS.get(type(value), "null")


def _show(value: object, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"

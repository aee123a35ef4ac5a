"""Typed decoding of a JSON findings array: the fast path every JSON reader shares.

A reader declares a ``msgspec`` Struct with exactly the fields it uses, a function that turns one
decoded Struct into a ``Finding``'s row (or None when the record needs a closer look), and its dict-based
``judge``, which is the one place that decides whether a record is acceptable and words the error. The
typed path never words an error itself: any record the Struct refuses, or the conversion doubts, is
parsed again from its own bytes and handed to ``judge``, so a file is accepted or refused, with the same
message naming the file and element index, exactly as the dict-based reader alone would.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from types import GenericAlias
from typing import Any, Generic, TypeVar

import msgspec
import orjson

from verifier.errors import FindingsFormatError
from verifier.inputs.findings.elements import Run, element_runs, spans_of
from verifier.inputs.findings.normalize import (
    STREAM_CHUNK,
    NotStreamable,
    json_elements,
    unnamed_json,
    utc_time,
)
from verifier.model import Finding, FindingRow, finding_row

Record = TypeVar("Record", bound=msgspec.Struct)
# ``Finding.location``: where a finding's element lies in its (decompressed) source.
Location = tuple[int, int, int]


@dataclass(frozen=True, slots=True)
class TypedFormat(Generic[Record]):
    """How one JSON format is decoded: the record Struct, the conversion and the dict-based judge.

    Every part is named by reference (the decoder is built once per process), so a format, and a reader
    holding one, passes to a worker process.
    """

    record: type[Record]
    convert: Callable[[Record, str, Location], FindingRow | None]
    judge: Callable[[Any, str, str], Finding]

    def decode(self, data: bytes | memoryview) -> list[Record]:
        """The records of a JSON array of them (raises ``msgspec.DecodeError`` / ``ValidationError``)."""
        decoded: list[Record] = _decoder(self.record).decode(data)
        return decoded


@cache
def _decoder(record: type[msgspec.Struct]) -> msgspec.json.Decoder[Any]:
    return msgspec.json.Decoder(GenericAlias(list, (record,)))


def typed_findings(chunks: Iterable[bytes], form: TypedFormat[Any], source: str) -> Iterator[Finding]:
    """Every finding of the array arriving as ``chunks``, in order.

    Raises ``FindingsFormatError`` (from ``judge``) for a record that cannot be trusted, and
    ``NotStreamable`` when the bytes are not a plain JSON array (the caller re-reads them whole).
    """
    return (Finding(*row) for row in typed_rows(chunks, form, source))


def typed_rows(chunks: Iterable[bytes], form: TypedFormat[Any], source: str) -> Iterator[FindingRow]:
    """``typed_findings`` as rows, for a caller that builds objects only for the findings it keeps."""
    for run in element_runs(chunks, form.decode):
        if run.records is None:
            for offset, finding in enumerate(_judged(run, range(len(run.spans)), form, source)):
                yield finding_row(finding)._replace(location=run.location(offset))
            continue
        for offset, record in enumerate(run.records):
            location = run.location(offset)
            row = form.convert(record, source, location)
            if row is None:
                row = finding_row(next(_judged(run, (offset,), form, source)))._replace(location=location)
            yield row


def read_json_array(data: bytes, source: str, form: TypedFormat[Any]) -> Iterator[Finding]:
    """Every finding of an in-memory file (gzip, S3): typed, else parsed whole by the dict-based judge.

    The whole-document parse runs only when the typed read finds no plain JSON array; it decides the
    error and its message (a truncated file, a syntax error, not UTF-8) exactly as before.
    """
    try:
        return iter(list(typed_findings(memory_chunks(data), form, source)))
    except NotStreamable:
        elements = json_elements(data, source)
        return (
            form.judge(record, f"{source}, element {index}", source) for index, record in enumerate(elements)
        )


class JsonArrayReader:
    """Reads one of Prowler's JSON array formats (OCSF, ASFF) through its ``TypedFormat``."""

    def __init__(
        self, format_name: str, suffix: str, signature: tuple[bytes, bytes], form: TypedFormat[Any]
    ) -> None:
        self.format_name = format_name
        self._suffix = suffix
        self._signature = signature
        self._form = form

    def accepts(self, name: str, head: bytes) -> bool:
        """A name with the format's suffix, or any other ``*.json`` whose start holds both signature keys."""
        if name.endswith(self._suffix):
            return True
        return unnamed_json(name) and all(key in head for key in self._signature)

    def read(self, data: bytes, source: str) -> Iterator[Finding]:
        """Yield one ``Finding`` per array element; any unreadable element stops the read."""
        return read_json_array(data, source, self._form)


def typed_time(value: object, fallback: object) -> datetime | None:
    """``value`` (else ``fallback`` when it is absent) as a UTC time; None for anything the judge must word."""
    try:
        return utc_time(value if value is not None else fallback, "")
    except FindingsFormatError:
        return None


def memory_chunks(data: bytes, chunk: int = STREAM_CHUNK) -> Iterator[bytes]:
    """An in-memory file cut as a streamed one would be (no run ever copies the whole file at once)."""
    for start in range(0, len(data), chunk):
        yield data[start : start + chunk]


def _judged(run: Run, offsets: Iterable[int], form: TypedFormat[Any], source: str) -> Iterator[Finding]:
    spans = run.spans or spans_of(run.text)
    for offset in offsets:
        start, end = spans[offset]
        try:
            record = orjson.loads(run.text[start:end])
        except orjson.JSONDecodeError as exc:
            raise NotStreamable from exc  # the whole-file read words the syntax error
        yield form.judge(record, f"{source}, element {run.first_index + offset}", source)

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
from typing import Any, Generic, TypeVar

import orjson

from verifier.errors import FindingsFormatError
from verifier.inputs.findings.elements import Run, element_runs, spans_of
from verifier.inputs.findings.normalize import STREAM_CHUNK, NotStreamable, json_elements, utc_time
from verifier.model import Finding, FindingRow, finding_row

Record = TypeVar("Record")
# ``Finding.location``: where a finding's element lies in its (decompressed) source.
Location = tuple[int, int, int]


@dataclass(frozen=True, slots=True)
class TypedFormat(Generic[Record]):
    """How one JSON format is decoded: the array decoder, the conversion and the dict-based judge."""

    decode: Callable[[bytes | memoryview], list[Record]]
    convert: Callable[[Record, str, Location], FindingRow | None]
    judge: Callable[[Any, str, str], Finding]


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

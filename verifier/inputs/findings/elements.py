"""A JSON array of findings read element by element, in flat memory, whatever its layout.

Prowler writes ``[{…},{…}]`` with ``indent=4`` objects, but a merged scan re-dumped by ``jq .`` or
``json.dump(…, indent=2)`` nests the same elements one level deeper, and a minified file puts all of it on
one line. Every layout is read the same way: chunks arrive, the top-level element boundaries are found,
and each run of whole elements is decoded in one call into typed records (``msgspec`` Structs that
declare only the fields a reader uses, so the rest of a finding is skipped without being built).

Boundaries are found two ways:

* **exactly**: ``msgspec`` skips one JSON value at a time from a known element start (it understands
  strings, escaped quotes, brackets inside strings and nesting), and the byte after the value must be
  ``,`` or ``]``;
* **by the learned separator**: the bytes between the first two elements (``\\n},{`` for Prowler,
  ``\\n  },\\n  {`` for ``indent=2``) are looked up from the end of the buffer, and the run up to there is
  decoded as an array. A cut that is not a top-level boundary cannot decode (the text then ends inside a
  string or an open bracket), so a successful decode proves the cut; a failed one falls back to the exact
  walk. Layouts where the separator also appears nested (minified files) stop using it after a few misses.

Anything that is not plainly a JSON array of values raises ``NotStreamable``: the caller then reads the
file whole with the stdlib-compatible parser, which decides the error and its message exactly as before.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import msgspec

from verifier.inputs.findings.normalize import NotStreamable

_BOM = b"\xef\xbb\xbf"
_BLANK = b" \t\r\n"
_SKIP = msgspec.json.Decoder(msgspec.Raw)
_TRAILING = "trailing characters (byte "
# msgspec raises RecursionError, not a DecodeError, past its nesting limit.
_REFUSED = (msgspec.DecodeError, msgspec.ValidationError, RecursionError)
# A window that grows past this many chunks without a separator is walked exactly instead.
_MAX_WINDOWS = 4
# After this many separator cuts that turned out to be nested, the file is walked exactly.
_MAX_MISSES = 2

Decode = Callable[[bytes | memoryview], list[Any]]


@dataclass(frozen=True, slots=True)
class Run:
    """Consecutive whole elements, typed, and where their text lies in the scanner's buffer.

    ``records`` is None when the typed decode refused the run (a field missing or of another type):
    the reader then judges each element on its own, found by ``spans`` (offsets into ``text``, or
    computed from it when empty). ``origin`` is where ``text`` starts in the whole stream: the evidence
    bundle reads a run again from there to quote one element exactly (``location``). The buffer changes
    once the next run is asked for, so ``text`` must be read before that; it is copied out only when
    asked for (an error path).
    """

    first_index: int
    records: list[Any] | None
    spans: tuple[tuple[int, int], ...]
    _buffer: bytearray
    _start: int
    _end: int
    origin: int = 0

    @property
    def text(self) -> bytes:
        return bytes(self._buffer[self._start : self._end])

    def location(self, offset: int) -> tuple[int, int, int]:
        """Where element ``offset`` lies: ``(run's byte offset in the stream, run's length, offset)``.

        The run is named rather than the element: cutting every element out as it is read would scan
        every byte a second time, while the few elements the evidence quotes are found by walking
        their runs again (``spans_of``) after evaluation.
        """
        return self.origin, self._end - self._start, offset


def element_runs(chunks: Iterable[bytes], decode: Decode) -> Iterator[Run]:
    """Split the JSON array arriving as ``chunks`` into runs of whole elements, each decoded by ``decode``.

    ``decode`` turns ``b"[" + text + b"]"`` into a list of records and raises ``msgspec`` errors
    otherwise. Raises ``NotStreamable`` for anything but a JSON array followed by blanks only.
    """
    return _Scanner(iter(chunks), decode).runs()


class _Scanner:
    def __init__(self, chunks: Iterator[bytes], decode: Decode) -> None:
        self._chunks = chunks
        self._decode = decode
        self._buffer = bytearray()
        self._base = 0  # where the buffer's first byte lies in the stream
        self._pos = 0  # where the next element starts (blanks may precede it)
        self._final = False
        self._index = 0
        self._separator = b""
        self._close_at = 0  # offset of the element's closing bracket inside the separator
        self._misses = 0
        self._missed = False  # the last separator cut did not decode
        self._utf8 = codecs.getincrementaldecoder("utf-8")()

    def runs(self) -> Iterator[Run]:
        if self._open_array():
            return
        windows = 0
        while True:
            if self._separator and self._misses < _MAX_MISSES:
                run = self._separator_run()
                if run is not None:
                    windows = 0
                    yield run
                    continue
                if not self._missed and not self._final and windows < _MAX_WINDOWS:
                    self._read_more()  # no separator in the buffer yet: the element runs on
                    windows += 1
                    continue
            run, ended = self._exact_run()
            if run is not None:
                windows = 0
                yield run
            if ended:
                self._require_blank_tail()
                return
            if run is None:
                self._read_more()
                windows += 1

    # -- reading ------------------------------------------------------------------------------------------

    def _read_more(self) -> None:
        if self._final:
            raise NotStreamable  # the array never closed: truncated
        chunk = next(self._chunks, b"")
        self._check_utf8(chunk)
        # One byte before the next element is kept: a typed decode borrows it for the opening "[".
        keep = max(self._pos - 1, 0)
        del self._buffer[:keep]
        self._base += keep
        self._pos -= keep
        self._buffer += chunk
        self._final = not chunk

    def _check_utf8(self, chunk: bytes) -> None:
        """Refuse bytes that are not UTF-8: msgspec does not look inside the strings it skips.

        Pure ASCII (nearly every Prowler file) is proven by one fast scan; anything else goes through an
        incremental decoder, which also catches a character cut at a chunk boundary and never finished.
        """
        if chunk and chunk.isascii() and not self._utf8.getstate()[0]:
            return
        try:
            self._utf8.decode(chunk, final=not chunk)
        except UnicodeDecodeError as exc:
            raise NotStreamable from exc  # the whole-file read names the offset

    def _open_array(self) -> bool:
        """Consume the BOM, blanks and ``[``; True when the array is empty (``[]``)."""
        while len(self._buffer) < len(_BOM) + 1 and not self._final:
            self._read_more()
        if self._buffer.startswith(_BOM):
            self._pos = len(_BOM)
        start = self._skip_blanks()
        if self._buffer[start : start + 1] != b"[":
            raise NotStreamable  # not an array (or an empty file): the whole-file read names it
        self._pos = start + 1
        first = self._skip_blanks()
        if self._buffer[first : first + 1] == b"]":
            self._pos = first + 1
            self._require_blank_tail()
            return True
        return False

    def _skip_blanks(self) -> int:
        """The first non-blank position from ``_pos``, reading more as needed (the buffer may shift)."""
        while True:
            position = self._pos
            while position < len(self._buffer) and self._buffer[position] in _BLANK:
                position += 1
            if position < len(self._buffer) or self._final:
                return position
            self._pos = position
            self._read_more()

    def _require_blank_tail(self) -> None:
        while True:
            if self._buffer[self._pos :].strip(_BLANK):
                raise NotStreamable  # something after the closing bracket
            if self._final:
                return
            self._pos = len(self._buffer)
            self._read_more()

    # -- the learned separator ------------------------------------------------------------------------------

    def _separator_run(self) -> Run | None:
        self._missed = False
        found = self._buffer.rfind(self._separator, self._pos)
        if found == -1:
            return None
        cut = found + self._close_at + 1
        try:
            records = self._decode_in_place(self._pos - 1, cut)
        except _REFUSED:
            self._misses += 1  # nested, or a record the typed decode refuses: walk exactly
            self._missed = True
            return None
        run = Run(self._index, records, (), self._buffer, self._pos, cut, self._base + self._pos)
        self._index += len(records)
        self._pos = found + len(self._separator) - 1
        return run

    def _decode_in_place(self, before: int, after: int) -> list[Any]:
        """Decode the elements between ``before`` and ``after`` as an array without copying them.

        Both bytes belong to separators (or the array's own "["), so they are lent to the brackets that
        make the elements an array, and given back.
        """
        buffer = self._buffer
        saved = buffer[before], buffer[after]
        buffer[before], buffer[after] = 0x5B, 0x5D  # "[", "]"
        try:
            with memoryview(buffer) as view, view[before : after + 1] as elements:
                return self._decode(elements)
        finally:
            buffer[before], buffer[after] = saved

    # -- the exact walk -------------------------------------------------------------------------------------

    def _exact_run(self) -> tuple[Run | None, bool]:
        """The whole elements from ``_pos`` to the end of the buffer, and whether the array ended."""
        spans: list[tuple[int, int]] = []
        position, ended = self._pos, False
        while not ended:
            step = _next_element(self._buffer, position, self._final)
            if step is None:
                break
            start, end, after, ended = step
            spans.append((start, end))
            position = after
            if len(spans) == 2 and self._learn_separator(spans):
                break  # the rest of the buffer is cut at the separator, far faster than walking it
        if not spans:
            return None, ended
        start, end = spans[0][0], spans[-1][1]
        records = self._try_decode(start, end)
        run = Run(
            self._index,
            records,
            tuple((s - start, e - start) for s, e in spans),
            self._buffer,
            start,
            end,
            self._base + start,
        )
        self._index += len(spans)
        self._pos = position
        return run, ended

    def _try_decode(self, start: int, end: int) -> list[Any] | None:
        try:
            return self._decode(b"[" + self._buffer[start:end] + b"]")
        except _REFUSED:
            return None

    def _learn_separator(self, spans: list[tuple[int, int]]) -> bool:
        """Learn the separator between the first two elements; True when one was learned just now."""
        if self._separator or self._misses >= _MAX_MISSES:
            return False
        (start, end), (following, _) = spans[0], spans[1]
        buffer = self._buffer
        if buffer[end - 1] not in b"}]" or buffer[following] not in b"{[":
            return False
        line = buffer.rfind(b"\n", start, end)
        # The closing bracket alone on its line: the separator includes the line break and indentation,
        # which no nested closing bracket shares.
        begin = line if line != -1 and not buffer[line + 1 : end - 1].strip(_BLANK) else end - 1
        self._separator = bytes(buffer[begin : following + 1])
        self._close_at = end - 1 - begin
        return True


def _next_element(buffer: bytearray | bytes, position: int, final: bool) -> tuple[int, int, int, bool] | None:
    """``(start, end, after, ended)`` of the element at ``position``; None when the buffer holds no whole one.

    ``after`` is where the next element starts (past the comma); ``ended`` is True after the last one.
    """
    start = position
    while start < len(buffer) and buffer[start] in _BLANK:
        start += 1
    if start == len(buffer):
        if final:
            raise NotStreamable
        return None
    try:
        with memoryview(buffer) as view, view[start:] as rest:
            _SKIP.decode(rest)
    except RecursionError:
        raise NotStreamable from None  # nested deeper than msgspec goes: the whole-file read decides
    except msgspec.DecodeError as error:
        marker = _trailing_at(str(error))
        if marker is None:
            _require_incomplete(str(error), len(buffer) - start, final)
            return None
        follower = start + marker
    else:
        if final:
            raise NotStreamable from None  # the last value is not followed by "]"
        return None  # the buffer ends right after a value: its follower has not arrived
    end = follower
    while buffer[end - 1] in _BLANK:
        end -= 1
    closing = buffer[follower]
    if closing not in b",]":
        raise NotStreamable
    return start, end, follower + 1, closing == ord("]")


def _trailing_at(message: str) -> int | None:
    """The offset of the first character after a value, from msgspec's "trailing characters (byte N)"."""
    at = message.find(_TRAILING)
    if at == -1:
        return None
    digits = message[at + len(_TRAILING) :].split(")", 1)[0]
    return int(digits) - 1 if digits.isdigit() else None


def _require_incomplete(message: str, available: int, final: bool) -> None:
    """Return (read more) when the value merely runs past the buffer; ``NotStreamable`` when it is malformed.

    A chunk may end inside a string, a number, a literal or a UTF-8 sequence, and msgspec then reports
    either truncation or a malformation within the last few bytes; only an error well before the end of
    the buffer, or any error once the file has ended, is a real one.
    """
    if final:
        raise NotStreamable
    if "truncated" in message:
        return
    at = message.rfind("(byte ")
    digits = message[at + 6 :].split(")", 1)[0] if at != -1 else ""
    if digits.isdigit() and int(digits) < available - 16:
        raise NotStreamable


def spans_of(text: bytes) -> tuple[tuple[int, int], ...]:
    """The element spans of ``text``: whole elements joined by their separators, as in a ``Run``."""
    return tuple(leading_spans(text, len(text)))


def leading_spans(text: bytes, last: int) -> list[tuple[int, int]]:
    """The spans of the elements of ``text`` up to index ``last`` (fewer when it holds fewer), walked no further."""
    closed = text + b"]"
    spans: list[tuple[int, int]] = []
    position, ended = 0, False
    while not ended and len(spans) <= last:
        step = _next_element(closed, position, final=True)
        if step is None:  # pragma: no cover - final=True either steps or raises
            raise NotStreamable
        start, end, position, ended = step
        spans.append((start, end))
    return spans

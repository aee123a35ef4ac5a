"""Reading a Prowler OCSF file piecewise gives exactly what reading it whole gives: findings, digest and
errors alike, whatever the chunk size and layout."""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import replace
from pathlib import Path

import pytest

from verifier.errors import FindingsFormatError
from verifier.inputs.findings import FindingsSet, load_findings, reading

PLAIN = Path(__file__).parents[2] / "fixtures/prowler/plain/plain.ocsf.json"


def _streamed_and_whole(tmp_path: Path, data: bytes) -> tuple[Path, Path]:
    """The same bytes as a plain file (streamed) and gzipped (read whole)."""
    streamed, whole = tmp_path / "s.ocsf.json", tmp_path / "w.ocsf.json.gz"
    streamed.write_bytes(data)
    whole.write_bytes(gzip.compress(data))
    return streamed, whole


def _unsourced(found: FindingsSet) -> list[object]:
    return [replace(f, source_file="") for f in found.findings]


@pytest.mark.parametrize("chunk", [5, 64, 1000, 4096, 1 << 20])
def test_any_chunk_size_yields_the_whole_file_findings_and_digest(
    chunk: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = PLAIN.read_bytes()
    streamed, whole = _streamed_and_whole(tmp_path, data)
    monkeypatch.setattr(reading, "STREAM_CHUNK", chunk)

    found = load_findings([streamed], jobs=1)

    assert _unsourced(found) == _unsourced(load_findings([whole], jobs=1))
    assert len(found.findings) > 1
    assert found.files[0].sha256 == hashlib.sha256(data).hexdigest()


def test_a_byte_order_mark_and_trailing_blanks_are_tolerated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    streamed, _ = _streamed_and_whole(tmp_path, b"\xef\xbb\xbf" + PLAIN.read_bytes() + b"\n\n")
    monkeypatch.setattr(reading, "STREAM_CHUNK", 100)

    assert _unsourced(load_findings([streamed], jobs=1)) == _unsourced(load_findings([PLAIN], jobs=1))


@pytest.mark.parametrize(
    "data",
    [b"", b"  \n", b'[{"a": 1}', b'[{"a": 1}\n},{"b": 2}]', b"[{}, {}] trailing", b'{"a": 1}'],
    ids=["empty", "blank", "truncated", "bad-element", "not-array-end", "not-an-array"],
)
def test_anything_else_is_refused_as_the_whole_file_read_refuses_it(
    data: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    streamed, whole = _streamed_and_whole(tmp_path, data)
    monkeypatch.setattr(reading, "STREAM_CHUNK", 4)
    with pytest.raises(FindingsFormatError) as from_stream:
        load_findings([streamed], jobs=1)
    with pytest.raises(FindingsFormatError) as read_whole:
        load_findings([whole], jobs=1)

    assert from_stream.value.message.replace(str(streamed), "F") == read_whole.value.message.replace(
        str(whole), "F"
    )


def test_a_streamed_file_loads_like_the_same_bytes_read_whole(tmp_path: Path) -> None:
    streamed, whole = _streamed_and_whole(tmp_path, PLAIN.read_bytes())

    assert _unsourced(load_findings([streamed])) == _unsourced(load_findings([whole]))

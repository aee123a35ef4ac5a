"""Reading a Prowler OCSF file piecewise gives exactly what reading it whole gives."""

from __future__ import annotations

import gzip
import hashlib
import io
from dataclasses import replace
from pathlib import Path

import pytest

from verifier.inputs.findings import load_findings
from verifier.inputs.findings.normalize import NotStreamable, json_elements, stream_prowler_elements

PLAIN = Path(__file__).parents[2] / "fixtures/prowler/plain/plain.ocsf.json"


@pytest.mark.parametrize("chunk", [5, 64, 1000, 4096, 1 << 20])
def test_any_chunk_size_yields_the_whole_file_elements_and_digest(chunk: int) -> None:
    data = PLAIN.read_bytes()
    digest = hashlib.sha256()

    streamed = list(stream_prowler_elements(io.BytesIO(data), digest, chunk))

    assert streamed == list(json_elements(data, "plain"))
    assert digest.hexdigest() == hashlib.sha256(data).hexdigest()


def test_a_byte_order_mark_and_trailing_blanks_are_tolerated() -> None:
    data = b"\xef\xbb\xbf" + PLAIN.read_bytes() + b"\n\n"

    streamed = list(stream_prowler_elements(io.BytesIO(data), hashlib.sha256(), 100))

    assert streamed == list(json_elements(data, "plain"))


@pytest.mark.parametrize(
    "data",
    [b"", b"[]", b'[{"a": 1}', b'[{"a": 1}\n},{"b": 2}]', b'[{"a": 1}, {"b": 2}] trailing'],
    ids=["empty", "empty-array", "truncated", "bad-element", "not-array-end"],
)
def test_anything_else_is_left_to_the_whole_file_read(data: bytes) -> None:
    with pytest.raises(NotStreamable):
        list(stream_prowler_elements(io.BytesIO(data), hashlib.sha256(), 4))


def test_a_streamed_file_loads_like_the_same_bytes_read_whole(tmp_path: Path) -> None:
    whole = tmp_path / "plain.ocsf.json.gz"  # gzip files are read whole
    whole.write_bytes(gzip.compress(PLAIN.read_bytes()))

    streamed, read_whole = load_findings([PLAIN]), load_findings([whole])

    assert [replace(f, source_file="") for f in streamed.findings] == [
        replace(f, source_file="") for f in read_whole.findings
    ]
    assert streamed.files[0].sha256 == hashlib.sha256(PLAIN.read_bytes()).hexdigest()

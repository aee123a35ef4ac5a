"""Any layout of a JSON findings array is read element by element, typed, and exactly as the dict reader reads it."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.inputs.findings.recorded import MUTED_ASFF, MUTED_OCSF, PLAIN_ASFF, PLAIN_OCSF, raw_json
from verifier.errors import FindingsFormatError
from verifier.inputs.findings import asff, load_findings, ocsf
from verifier.inputs.findings.elements import element_runs, spans_of
from verifier.inputs.findings.normalize import NotStreamable, json_elements
from verifier.inputs.findings.typed import TypedFormat, memory_chunks, typed_findings
from verifier.model import Finding

Layout = Callable[[list[Any]], str]
LAYOUTS: dict[str, Layout] = {
    "prowler": lambda records: "[" + ",".join(json.dumps(r, indent=4) for r in records) + "]",
    "jq-indent-2": lambda records: json.dumps(records, indent=2),
    "minified": lambda records: json.dumps(records, separators=(",", ":")),
    "one-line-spaced": json.dumps,
    "tabs-crlf": lambda records: (
        "\r\n[\r\n\t"
        + ",\r\n\t".join(json.dumps(r, indent="\t").replace("\n", "\r\n") for r in records)
        + "\r\n]\r\n"
    ),
    "comma-first": lambda records: "[ " + "\n, ".join(json.dumps(r) for r in records) + "\n]",
}
CHUNKS = (1, 3, 64, 1000, 1 << 20)
ANY = msgspec.json.Decoder(list[Any]).decode


def _hostile(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Strings and nesting that fool any split on text: escaped quotes, brackets and separators in strings."""
    records = json.loads(json.dumps(records))
    records[0]["status_detail"] = 'say "},{" then \\"]} and \n},{ and \\\\'
    records[1]["resources"].append({"uid": "x", "nested": [{"a": "},{"}, {"b": [1, 2, {}]}]})
    records[2]["unmapped"] = {"muted": False, "list": [[], {}, [[{}]]], "e": "\u00e9\u2028"}
    return records


def _dict_read(form: TypedFormat[Any], data: bytes) -> list[Finding]:
    return [form.judge(r, f"f, element {i}", "f") for i, r in enumerate(json_elements(data, "f"))]


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize(
    ("source", "form"), [(PLAIN_OCSF, ocsf.TYPED), (PLAIN_ASFF, asff.TYPED)], ids=["ocsf", "asff"]
)
def test_every_layout_and_chunk_size_reads_as_the_dict_reader(
    layout: str, source: Path, form: TypedFormat[Any]
) -> None:
    records = _hostile(raw_json(PLAIN_OCSF)) if form is ocsf.TYPED else raw_json(source)
    data = LAYOUTS[layout](records).encode()
    expected = _dict_read(form, data)

    for chunk in CHUNKS:
        assert list(typed_findings(memory_chunks(data, chunk), form, "f")) == expected, chunk


@pytest.mark.parametrize("source", [PLAIN_OCSF, MUTED_OCSF, PLAIN_ASFF, MUTED_ASFF], ids=lambda p: p.name)
def test_recorded_files_read_typed_exactly_as_before(source: Path) -> None:
    form = ocsf.TYPED if source.name.endswith(".ocsf.json") else asff.TYPED
    data = source.read_bytes()

    assert list(typed_findings(memory_chunks(data), form, "f")) == _dict_read(form, data)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(alphabet='ab"\\{}[],: \n\u00e9'),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(alphabet='k"}{,', max_size=3), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(
    elements=st.lists(json_values, max_size=8),
    indent=st.sampled_from([None, 0, 1, 2, "\t"]),
    chunk=st.integers(1, 40),
)
def test_any_json_array_splits_into_its_elements(
    elements: list[Any], indent: int | str | None, chunk: int
) -> None:
    data = json.dumps(elements, indent=indent).encode()

    runs = list(element_runs(memory_chunks(data, chunk), ANY))

    assert [record for run in runs for record in run.records or ()] == elements
    assert [run.first_index for run in runs] == [
        sum(len(r.records or ()) for r in runs[:i]) for i in range(len(runs))
    ]


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"   ",
        b'{"a": 1}',
        b"[",
        b'[{"a": 1}',
        b'[{"a": 1},',
        b'[{"a": 1}, {"b": ]',
        b'[{"a": 1}] trailing',
        b'[{"a": 1} {"b": 2}]',
        b'[{"a": "caf\xe9"}]',  # Latin-1 inside a string msgspec would skip
        b'[{"a": "\xc3"}]',  # a UTF-8 sequence cut short
        b"[NaN]",
        b"[" * 100_000 + b"]" * 100_000,  # deeper than msgspec goes (it raises RecursionError)
    ],
)
def test_anything_but_a_plain_array_is_left_to_the_whole_file_read(data: bytes) -> None:
    for chunk in (1, 7, 1 << 20):
        with pytest.raises(NotStreamable):
            list(element_runs(memory_chunks(data, chunk), ANY))


def test_an_empty_array_and_a_bom_are_read() -> None:
    assert list(element_runs(memory_chunks(b"\xef\xbb\xbf [ \n ] \n", 2), ANY)) == []
    runs = list(element_runs(memory_chunks(b'\xef\xbb\xbf[{"a": 1}]', 3), ANY))
    assert [r.records for r in runs] == [[{"a": 1}]]


def test_a_refused_record_in_a_reindented_file_names_its_element_as_the_dict_reader_does(
    tmp_path: Path,
) -> None:
    records = raw_json(PLAIN_OCSF)
    del records[3]["cloud"]["region"]
    path = tmp_path / "merged.ocsf.json"
    path.write_text(json.dumps(records, indent=2), encoding="utf-8")

    with pytest.raises(FindingsFormatError) as caught:
        load_findings([path])

    assert caught.value.message == f"{path}, element 3: cloud.region is missing"


def test_records_the_struct_refuses_but_the_dict_reader_accepts_are_kept(tmp_path: Path) -> None:
    records = raw_json(PLAIN_OCSF)
    records[0]["class_uid"] = 2004.0  # equal to 2004 for the dict reader, not an int for msgspec
    records[1]["resources"].append("not an object")  # only resources[0] is read
    records[2]["unmapped"] = "text"  # not an object: no explicit mute flag
    data = json.dumps(records, indent=2).encode()

    typed = list(typed_findings(memory_chunks(data, 500), ocsf.TYPED, "f"))

    assert typed == _dict_read(ocsf.TYPED, data)
    assert len(typed) == len(records)


def test_a_reindented_file_loads_like_the_prowler_layout(tmp_path: Path) -> None:
    reindented = tmp_path / "reindented.ocsf.json"
    reindented.write_text(json.dumps(raw_json(PLAIN_OCSF), indent=2), encoding="utf-8")

    def plain(path: Path) -> list[Finding]:
        return [replace(f, source_file="") for f in load_findings([path]).findings]

    assert plain(reindented) == plain(PLAIN_OCSF)


@pytest.mark.parametrize("layout", ["prowler", "jq-indent-2", "minified"])
def test_memory_stays_flat_however_long_the_array(layout: str) -> None:
    """No decode ever sees more than a few chunks, so a 2 GB file is read in a window of a few chunks."""
    record = raw_json(PLAIN_OCSF)[0]
    data = LAYOUTS[layout]([record] * 2000).encode()
    chunk = 64 * 1024
    seen: list[int] = []

    def decode(buffer: bytes | memoryview) -> list[Any]:
        seen.append(len(buffer))
        return ANY(buffer)

    count = sum(len(run.records or ()) for run in element_runs(memory_chunks(data, chunk), decode))

    assert count == 2000
    assert len(data) > 50 * chunk
    assert max(seen) <= 3 * chunk


def _element_texts(data: bytes, chunk: int, decode: Any = ANY) -> list[bytes]:
    """Each element's text found as the evidence bundle finds it: its run read from the stream, walked."""
    texts: list[bytes] = []
    for run in element_runs(memory_chunks(data, chunk), decode):
        count = len(run.records) if run.records is not None else len(run.spans)
        for origin, length, index in map(run.location, range(count)):
            text = data[origin : origin + length]
            start, end = spans_of(text)[index]
            texts.append(text[start:end])
    return texts


@settings(max_examples=200, deadline=None)
@given(
    elements=st.lists(json_values, min_size=1, max_size=8),
    indent=st.sampled_from([None, 0, 1, 2, "\t"]),
    chunk=st.integers(1, 40),
    bom=st.booleans(),
)
def test_every_element_is_located_exactly_in_the_stream(
    elements: list[Any], indent: int | str | None, chunk: int, bom: bool
) -> None:
    data = (b"\xef\xbb\xbf" if bom else b"") + json.dumps(elements, indent=indent).encode()

    texts = _element_texts(data, chunk)

    assert [json.loads(text) for text in texts] == elements
    assert all(text == text.strip(b" \t\r\n") for text in texts)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("chunk", [1000, 64 * 1024, 1 << 20])
def test_separator_runs_locate_each_element_of_every_layout(layout: str, chunk: int) -> None:
    """Long arrays go through the learned separator: each element's text is still its exact bytes."""
    records = _hostile(raw_json(PLAIN_OCSF)) * 40
    data = LAYOUTS[layout](records).encode()

    texts = _element_texts(data, chunk)

    assert [json.loads(text) for text in texts] == records
    assert all(text.startswith(b"{") and text.endswith(b"}") for text in texts)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_each_typed_finding_carries_where_its_own_json_lies(layout: str) -> None:
    records = raw_json(PLAIN_OCSF) * 30
    data = LAYOUTS[layout](records).encode()

    findings = list(typed_findings(memory_chunks(data, 4096), ocsf.TYPED, "f"))

    assert len(findings) == len(records)
    for finding, record in zip(findings, records, strict=True):
        assert finding.location is not None
        origin, length, index = finding.location
        run = data[origin : origin + length]
        start, end = spans_of(run)[index]
        assert json.loads(run[start:end]) == record

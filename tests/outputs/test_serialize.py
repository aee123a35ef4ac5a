"""Every file the verifier writes is the stdlib's ``json.dumps(indent=2)`` text, whatever the values."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from verifier.model import Finding, Status
from verifier.outputs.poam_json import _json_copy
from verifier.outputs.serialize import dumps, dumps_findings, finding_json

AWKWARD: list[Any] = [
    {"float": [1e-05, 1e16, 1.5e300, -0.0, 5e-324, 0.1, 100.0], "int": 12345678901234567890},
    {"text": 'x\x00\x1b\x7f\u2028 é "\\ /\t\n', "empty": [{}, [], [[]], {"a": {}}]},
    [],
    "plain",
]
json_documents = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=25,
)


def _stdlib(document: Any) -> bytes:
    return (json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n").encode()


@pytest.mark.parametrize("document", AWKWARD)
def test_dumps_writes_the_stdlib_text(document: Any) -> None:
    assert dumps(document) == _stdlib(document)


@settings(max_examples=300, deadline=None)
@given(json_documents)
def test_dumps_and_the_poam_copy_agree_with_the_stdlib_on_any_document(document: Any) -> None:
    assert dumps(document) == _stdlib(document)
    wrapped = {"entries": [document]}
    copied = _json_copy(wrapped)
    assert _stdlib(copied) == _stdlib(wrapped)
    assert copied is not wrapped


findings_documents = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**63), max_value=2**64 - 1) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(findings_documents)
def test_dumps_findings_writes_the_stdlib_text_for_documents_without_floats(document: Any) -> None:
    assert dumps_findings(document) == _stdlib(document)


@pytest.mark.parametrize("document", [*AWKWARD, {1: "int key"}])
def test_dumps_findings_falls_back_to_the_stdlib_text_where_orjson_would_differ_or_refuse(
    document: Any,
) -> None:
    if isinstance(document, dict) and "float" in document:
        document = {k: v for k, v in document.items() if k != "float"}  # floats: use dumps, as documented
    assert dumps_findings(document) == _stdlib(document)


@settings(max_examples=200, deadline=None)
@given(
    moment=st.datetimes(
        timezones=st.sampled_from([UTC, timezone(timedelta(hours=-5)), timezone(timedelta(0))])
    ),
    status=st.sampled_from(Status),
    provider=st.sampled_from(["aws", "m365"]),
    location=st.none() | st.tuples(st.integers(0, 2**40), st.integers(1, 2**20)),
)
def test_finding_json_is_every_recorded_field_as_asdict_gives_it(
    moment: datetime, status: Status, provider: str, location: tuple[int, int] | None
) -> None:
    finding = Finding(
        "c", status, False, "1", "r", "res", "uid", moment, "5", "f", "x", "high", provider, location
    )
    expected = {name: value for name, value in dataclasses.asdict(finding).items() if name != "location"}
    expected |= {"status": status.value, "time": moment.isoformat()}
    if provider == "aws":
        del expected["provider"]

    assert finding_json(finding) == expected
    assert list(finding_json(finding)) == list(expected)

"""The parsing every reader shares."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from verifier.errors import FindingsFormatError
from verifier.inputs.findings.normalize import (
    dotted,
    json_elements,
    parse_flag,
    parse_status,
    unformula,
    utc_time,
)
from verifier.model import Status

SCAN = datetime(2026, 11, 25, 3, 48, 7, tzinfo=UTC)


@pytest.mark.parametrize(
    "value",
    [
        1795578487,
        1795578487.9,
        "1795578487",
        "2026-11-25T03:48:07.238102",
        "2026-11-25 03:48:07.238102",
        "2026-11-25T03:48:07Z",
        "2026-11-25T05:48:07.5+02:00",
    ],
)
def test_times_become_utc_whole_seconds(value: object) -> None:
    parsed = utc_time(value, "f")
    assert parsed == SCAN
    assert parsed.tzinfo is UTC


@pytest.mark.parametrize("value", [True, None, "", "25/11/2026", "2026-13-01", 10**20, [1]])
def test_non_times_are_refused(value: object) -> None:
    with pytest.raises(FindingsFormatError, match="f: not a time"):
        utc_time(value, "f")


def test_statuses_are_exact() -> None:
    assert [parse_status(s, "f") for s in ("PASS", "FAIL", "MANUAL")] == list(Status)
    for bad in ("pass", "Fail", "MUTED", "", None, 1):
        with pytest.raises(FindingsFormatError, match="unknown status"):
            parse_status(bad, "f")


def test_flags() -> None:
    assert [parse_flag(v, "f") for v in ("True", "False", "true", "FALSE")] == [True, False, True, False]
    with pytest.raises(FindingsFormatError, match="expected True or False"):
        parse_flag("1", "f")


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("'=cmd", "=cmd"),
        ("'-1 day", "-1 day"),
        ("' @x", " @x"),
        ("'\tx", "\tx"),
        ("'plain", "'plain"),
        ("arn:aws:s3:::b", "arn:aws:s3:::b"),
        ("", ""),
    ],
)
def test_unformula_undoes_prowlers_spreadsheet_guard_only(cell: str, value: str) -> None:
    assert unformula(cell) == value


def test_dotted_paths() -> None:
    assert dotted(("resources", 0, "uid")) == "resources[0].uid"
    assert dotted(("Id",)) == "Id"


@pytest.mark.parametrize(
    "document",
    [
        # "\n},{" inside the first element, then inside the second: the element-wise parse must give up
        # on the misplaced separator and resume with the whole document, without repeating or losing any.
        b'[{"a": [{"x": 1\n},{"y": 2\n}]\n},{"b": 1\n}]',
        b'[{"b": 1\n},{"a": [{"x": 1\n},{"y": 2\n}]\n}]',
        b'[{"b": 1},{"a": [{"x": 1}, {"y": 2}]}]',
        b'\xef\xbb\xbf[{"b": 1\n},{"a": [{"x": 1\n},{"y": 2\n}]\n}]\n\n',
        b"  [ ]  ",
    ],
)
def test_json_elements_agree_with_a_whole_document_parse(document: bytes) -> None:
    expected = json.loads(document.decode("utf-8-sig"))
    assert list(json_elements(document, "f")) == expected


@pytest.mark.parametrize("document", [b"", b"  \n", b"\xef\xbb\xbf", b"\xef\xbb\xbf \n"])
def test_json_elements_refuses_an_empty_file(document: bytes) -> None:
    with pytest.raises(FindingsFormatError, match="f: empty file"):
        list(json_elements(document, "f"))

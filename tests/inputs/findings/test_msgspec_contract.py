"""The msgspec error text the element boundary walk (``elements.py``) reads.

The walk finds where a JSON value ends from msgspec's "trailing characters (byte N)", tells a value cut
by the end of a chunk ("truncated") from a malformed one by the "(byte N)" of other errors. msgspec
does not promise that wording, so pyproject pins it to the tested range; this test is what fails first
if a new msgspec words these errors differently (the walk would then misplace or miss boundaries).
"""

from __future__ import annotations

import re

import msgspec
import pytest

from verifier.inputs.findings import elements

_SKIP = msgspec.json.Decoder(msgspec.Raw)


def _message(data: bytes) -> str:
    with pytest.raises(msgspec.DecodeError) as refused:
        _SKIP.decode(data)
    return str(refused.value)


@pytest.mark.parametrize("blanks", [b"", b" \n  "])
def test_a_value_followed_by_more_names_the_first_byte_after_it_and_its_blanks(blanks: bytes) -> None:
    value = b'{"a": [1, "x]"]}'
    message = _message(value + blanks + b',{"b": 2}]')

    assert elements._TRAILING in message
    offset = int(message.split(elements._TRAILING, 1)[1].split(")", 1)[0])
    assert offset - 1 == len(value + blanks)  # counted from 1: the comma's index


@pytest.mark.parametrize("cut", [b'{"a": "xx', b'{"a": tru', b'{"a": 12', b'{"a": [1, {"b"'])
def test_a_value_cut_short_is_reported_as_truncated(cut: bytes) -> None:
    assert "truncated" in _message(cut)


def test_a_malformed_value_names_the_byte_it_went_wrong_at() -> None:
    message = _message(b'{"a": x}')

    assert "truncated" not in message
    assert re.search(r"\(byte 6\)", message)


def test_the_pinned_range_is_the_installed_one() -> None:
    major, minor = (int(part) for part in msgspec.__version__.split(".")[:2])

    assert (major, minor) == (0, 23), "msgspec outside the tested range: re-run these tests and move the pin"

"""``same_file`` and ``refuse_writing_over_inputs``: where a command writes is never what it reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from verifier.errors import UsageError
from verifier.pipeline.places import refuse_writing_over_inputs, same_file


def test_same_file_sees_through_links_and_dots_and_never_matches_a_missing_file(tmp_path: Path) -> None:
    poam = tmp_path / "poam.json"
    poam.write_text("{}", encoding="utf-8")
    (tmp_path / "link.json").symlink_to(poam)
    other = tmp_path / "other.json"
    other.write_text("{}", encoding="utf-8")
    assert same_file(tmp_path / "link.json", poam)
    assert same_file(tmp_path / "sub" / ".." / "poam.json", poam) is False  # "sub" does not exist
    (tmp_path / "sub").mkdir()
    assert same_file(tmp_path / "sub" / ".." / "poam.json", poam)
    assert not same_file(other, poam)  # same content, another file
    assert not same_file(tmp_path / "missing.json", tmp_path / "missing.json")


def test_refuse_writing_over_inputs_names_the_flag_and_the_input(tmp_path: Path) -> None:
    poam = tmp_path / "poam.json"
    poam.write_text("{}", encoding="utf-8")
    refuse_writing_over_inputs("--out", tmp_path / "report.csv", [poam, None])
    with pytest.raises(UsageError, match=r"--out .*poam\.json is an input of this command \(.*poam\.json\)"):
        refuse_writing_over_inputs("--out", poam, [None, poam])

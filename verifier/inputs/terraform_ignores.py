"""Inline suppressions in Terraform: ``#trivy:ignore:<id>`` and the older ``#tfsec:ignore:<id>`` comments.

Trivy drops a check it is told to ignore from its output altogether (neither PASS nor FAIL), so ``prowler
iac`` never sees it. Reading the comments is the only way to know a mapped check was switched off in code
rather than satisfied by it. Options after the id (``:exp:2026-12-31``, ``:ws:prod``) are kept as written
but not interpreted: an expiring ignore still hides the check today.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from verifier.errors import InputError

_IGNORE = re.compile(r"(?:#|//)\s*(?:trivy|tfsec):ignore:([A-Za-z0-9_.*-]+)((?::[A-Za-z]+:[^\s:]+)*)")
_SKIP_DIRS = frozenset({".terraform", ".git", "node_modules"})
_SUFFIXES = (".tf", ".tf.json", ".tfvars")


@dataclass(frozen=True, slots=True)
class InlineIgnore:
    """One ignore comment: the rule it names (an AVD id, a long id, or ``*``) and where it is."""

    rule: str
    file: str
    line: int
    options: str = ""

    def hides(self, check_id: str, long_id: str) -> bool:
        rule = self.rule.lower()
        return rule == "*" or rule in {check_id.lower(), long_id.lower()}


def read_inline_ignores(root: Path) -> tuple[InlineIgnore, ...]:
    """Every ignore comment in the Terraform under ``root`` (file paths relative to it), in file order."""
    if not root.is_dir():
        return ()
    found: list[InlineIgnore] = []
    for path in _terraform_files(root):
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
        relative = path.relative_to(root).as_posix()
        for number, line in enumerate(text.splitlines(), start=1):
            found += [InlineIgnore(m[1], relative, number, m[2]) for m in _IGNORE.finditer(line)]
    return tuple(found)


def _terraform_files(root: Path) -> list[Path]:
    files = []
    for directory, subdirs, names in os.walk(root, followlinks=False):
        subdirs[:] = sorted(d for d in subdirs if d not in _SKIP_DIRS)
        files += [Path(directory, n) for n in sorted(names) if n.endswith(_SUFFIXES)]
    return files

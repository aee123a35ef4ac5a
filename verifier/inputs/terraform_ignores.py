"""Inline suppressions in Terraform: ``#trivy:ignore:<id>`` and the older ``#tfsec:ignore:<id>`` comments.

Trivy drops a check it is told to ignore from its output altogether (neither PASS nor FAIL), so ``prowler
iac`` never sees it. Reading the comments is the only way to know a mapped check was switched off in code
rather than satisfied by it. Options after the id (``:exp:2026-12-31``, ``:ws:prod``) are kept as written
but not interpreted: an expiring ignore still hides the check today.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from verifier.inputs.terraform import read_text, relative_name, terraform_files, tree_files

_IGNORE = re.compile(r"(?:#|//)\s*(?:trivy|tfsec):ignore:([A-Za-z0-9_.*-]+)((?::[A-Za-z]+:[^\s:]+)*)")


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
    """Every ignore comment in the Terraform Trivy reads from ``root`` (local modules it calls too), and
    in the ``.tfvars`` files under it; file paths are relative to ``root``, in file order."""
    tfvars = tree_files(root, (".tfvars",)) if root.is_dir() else []
    found: list[InlineIgnore] = []
    for path in [*terraform_files(root), *tfvars]:
        relative = relative_name(path, root)
        for number, line in enumerate(read_text(path).splitlines(), start=1):
            found += [InlineIgnore(m[1], relative, number, m[2]) for m in _IGNORE.finditer(line)]
    return tuple(found)

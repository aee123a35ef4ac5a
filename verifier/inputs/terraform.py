"""The resources a change's Terraform declares, read with a real HCL parser (python-hcl2).

Trivy judges account-level settings (the password policy, root MFA) on a default state even when the code
declares nothing, and ``prowler iac`` reports every check without a failing resource as one PASS on ``.``.
So a PASS says nothing unless the code declares a resource the check examines; this module says which
resources are declared, with file and line.

Every ``.tf`` and ``.tf.json`` file under the scanned directory is read, as Trivy reads them, and so are
the local modules they call (``module`` with ``source = "./..."`` or ``"../..."``), which Trivy follows even
out of the scanned directory. Remote modules and ``.terraform/`` are not read, so what they declare never counts (fail closed). A
resource whose ``count`` is the literal 0, or whose ``for_each`` is a literal empty collection, declares
nothing. A file the parser cannot read declares nothing and is named in ``unparsed``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import hcl2
from lark import LarkError, Token, Tree

from verifier.errors import InputError

_SKIP_DIRS = frozenset({".terraform", ".git", "node_modules"})
_EMPTY_COLLECTIONS = frozenset({"object", "tuple"})
_SUFFIXES = (".tf", ".tf.json")


@dataclass(frozen=True, slots=True)
class DeclaredResource:
    """One ``resource "<type>" "<name>"`` block; ``file`` is relative to the scanned directory."""

    type: str
    name: str
    file: str
    line: int

    @property
    def address(self) -> str:
        return f"{self.type}.{self.name}"


@dataclass(frozen=True, slots=True)
class TerraformDeclarations:
    """Every resource the scanned Terraform declares, and the files that could not be parsed."""

    resources: tuple[DeclaredResource, ...] = ()
    unparsed: tuple[str, ...] = ()

    def of_types(self, types: Iterable[str]) -> tuple[DeclaredResource, ...]:
        wanted = frozenset(types)
        return tuple(r for r in self.resources if r.type in wanted)


def read_declarations(root: Path) -> TerraformDeclarations:
    """The resources declared under ``root`` (a directory of Terraform), in file and line order."""
    resources: list[DeclaredResource] = []
    unparsed: list[str] = []
    for path in terraform_files(root):
        relative = relative_name(path, root)
        try:
            resources += _declared(read_text(path), relative, path.name.endswith(".tf.json"))
        except (LarkError, ValueError, RecursionError):
            unparsed.append(relative)
    return TerraformDeclarations(tuple(resources), tuple(unparsed))


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc


def relative_name(path: Path, root: Path) -> str:
    """The path as Trivy names it: relative to the scanned directory, ``../`` for a module beside it."""
    return Path(os.path.relpath(path, root)).as_posix()


def terraform_files(root: Path) -> list[Path]:
    """Every Terraform file Trivy reads: all under ``root``, then those of the local modules they call.

    Trivy follows a local ``source`` even out of its scan path (``../shared``), so this does too; a module
    is one directory, read without its subdirectories. Each directory is read once, which ends cycles.
    """
    if not root.is_dir():
        return []
    files = tree_files(root)
    seen_dirs = {p.parent.resolve() for p in files} | {root.resolve()}
    pending = [d for p in files for d in _local_module_dirs(p)]
    while pending:
        directory = pending.pop(0)
        if not directory.is_dir() or directory.resolve() in seen_dirs:
            continue
        seen_dirs.add(directory.resolve())
        found = sorted(p for p in directory.iterdir() if p.name.endswith(_SUFFIXES) and p.is_file())
        files += found
        pending += [d for p in found for d in _local_module_dirs(p)]
    return files


def tree_files(root: Path, suffixes: tuple[str, ...] = _SUFFIXES) -> list[Path]:
    """The files under ``root`` with these suffixes, outside tool directories, symlinked ones not entered."""
    files = []
    for current, subdirs, names in os.walk(root, followlinks=False):
        subdirs[:] = sorted(d for d in subdirs if d not in _SKIP_DIRS)
        files += [Path(current, n) for n in sorted(names) if n.endswith(suffixes)]
    return files


def _local_module_dirs(path: Path) -> list[Path]:
    if not path.name.endswith(".tf"):
        return []
    try:
        tree = hcl2.parses_to_tree(read_text(path))
    except (LarkError, ValueError, RecursionError):
        return []
    sources = (_string_attribute(body, "source") for kind, _, body, _ in _blocks(tree) if kind == "module")
    return [path.parent / s for s in sources if s and s.startswith(("./", "../"))]


def _declared(text: str, file: str, is_json: bool) -> list[DeclaredResource]:
    if is_json:
        return _declared_json(text, file)
    found = []
    for kind, labels, body, line in _blocks(hcl2.parses_to_tree(text)):
        if kind == "resource" and len(labels) == 2 and not _declares_nothing(body):
            found.append(DeclaredResource(labels[0], labels[1], file, line))
    return found


def _blocks(tree: Tree[Any]) -> Iterator[tuple[str, list[str], Tree[Any], int]]:
    """Top-level blocks: (kind, labels, body, line)."""
    (body,) = (c for c in tree.children if isinstance(c, Tree) and c.data == "body")
    for block in body.children:
        if not (isinstance(block, Tree) and block.data == "block"):
            continue
        kind = _text(block.children[0])
        labels = [
            _text(c) for c in block.children[1:] if isinstance(c, Tree) and c.data in {"string", "identifier"}
        ]
        inner = next(c for c in block.children if isinstance(c, Tree) and c.data == "body")
        yield kind, labels, inner, block.meta.line


def _text(node: Tree[Any] | Token) -> str:
    """The characters of an identifier or a plain string literal (quotes dropped)."""
    if isinstance(node, Token):
        return "" if node.type == "DBLQUOTE" else str(node)
    return "".join(_text(c) for c in node.children if isinstance(c, Tree | Token))


def _attribute(body: Tree[Any], name: str) -> Tree[Any] | None:
    for child in body.children:
        if isinstance(child, Tree) and child.data == "attribute" and _text(child.children[0]) == name:
            value = child.children[-1]
            return value if isinstance(value, Tree) else None
    return None


def _string_attribute(body: Tree[Any], name: str) -> str | None:
    value = _attribute(body, name)
    if value is None or [c.data for c in value.children if isinstance(c, Tree)] != ["string"]:
        return None
    string = value.children[0]
    parts = [c for c in string.children if isinstance(c, Tree)]
    # An interpolated source (``"${var.x}"``) is not a path anyone can follow.
    if any(p.data != "string_part" or any(isinstance(c, Tree) for c in p.children) for p in parts):
        return None
    return _text(string)


def _declares_nothing(body: Tree[Any]) -> bool:
    """``count = 0`` or ``for_each = {}`` / ``[]``, written as literals."""
    count = _attribute(body, "count")
    if count is not None and _text(count).strip() == "0" and _is_literal(count, "int_lit"):
        return True
    for_each = _attribute(body, "for_each")
    return for_each is not None and _is_empty_collection(for_each)


def _is_literal(value: Tree[Any], kind: str) -> bool:
    return [c.data for c in value.children if isinstance(c, Tree)] == [kind]


def _is_empty_collection(value: Tree[Any]) -> bool:
    inner = [c for c in value.children if isinstance(c, Tree)]
    if len(inner) != 1 or inner[0].data not in _EMPTY_COLLECTIONS:
        return False
    return not any(isinstance(c, Tree) and c.data not in {"new_line_or_comment"} for c in inner[0].children)


def _declared_json(text: str, file: str) -> list[DeclaredResource]:
    """``{"resource": {"<type>": {"<name>": {...}}}}``; the line is that of the name's key."""
    document = json.loads(text)
    resources = document.get("resource") if isinstance(document, dict) else None
    if not isinstance(resources, dict):
        return []
    found = []
    for kind, named in resources.items():
        for name, body in (named or {}).items() if isinstance(named, dict) else ():
            if isinstance(body, dict) and (body.get("count") == 0 or body.get("for_each") in ({}, [])):
                continue
            found.append(DeclaredResource(kind, name, file, _json_line(text, kind, name)))
    return found


def _json_line(text: str, kind: str, name: str) -> int:
    after = max(text.find(json.dumps(kind)), 0)
    at = text.find(json.dumps(name), after)
    return text.count("\n", 0, at) + 1 if at >= 0 else 1

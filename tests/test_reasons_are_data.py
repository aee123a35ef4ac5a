"""Nothing in ``verifier/`` reads a verdict reason's words back: programs compare codes and parameters.

Rewording a reason must never change a verdict or which bundles verify. Three ways words get read back are
refused here, in every module: a substring test (``"..." in reason``), a string or regex method applied to
something named as a reason (``reason.startswith(...)``, ``_PATTERN.match(reason)``), and a literal holding
words of the reason table outside it (a pattern or a prefix to match them against). The one exception is
the compatibility function that reads bundles written before reasons carried codes.
"""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "verifier"
TABLE = PACKAGE / "outputs" / "reasons.py"
# (module, function) allowed to read words: old bundles hold nothing else.
COMPATIBILITY = {("verifier/pipeline/bundle.py", "legacy_reason_codes")}
_TEXT_METHODS = frozenset(
    {
        "startswith",
        "endswith",
        "removeprefix",
        "removesuffix",
        "partition",
        "rpartition",
        "split",
        "rsplit",
        "find",
        "rfind",
        "index",
        "rindex",
        "count",
        "match",
        "fullmatch",
        "search",
        "findall",
        "finditer",
        "sub",
        "subn",
    }
)
_SHORTEST_FRAGMENT = 15


def _names_a_reason(node: ast.AST, bound: set[str]) -> bool:
    """Whether ``node`` names a reason: by its name, or through a variable bound to one by a loop."""
    return "reason" in ast.unparse(node).lower() or any(
        isinstance(name, ast.Name) and name.id in bound for name in ast.walk(node)
    )


def _bound_to_reasons(tree: ast.AST) -> set[str]:
    """Names a loop or comprehension binds to the items of something named as reasons (``r for r in reasons``)."""
    bound: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.comprehension | ast.For) and "reason" in ast.unparse(node.iter).lower():
            bound.update(name.id for name in ast.walk(node.target) if isinstance(name, ast.Name))
    return bound


def _is_text(node: ast.AST) -> bool:
    return isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant) and isinstance(node.value, str))


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and _is_text(body[0].value):
                found.add(id(body[0].value))
    return found


def _exempt(module: str, tree: ast.Module) -> set[int]:
    """Ids of every node inside the compatibility function(s) of ``module``."""
    return {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef) and (module, node.name) in COMPATIBILITY
        for inner in ast.walk(node)
    }


def _modules() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path.relative_to(REPO).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def reads_of_reason_words(module: str, tree: ast.Module) -> list[str]:
    """Every place ``module`` tests a reason's words with ``in`` or a string/regex method."""
    exempt, bound = _exempt(module, tree), _bound_to_reasons(tree)
    found = []
    for node in ast.walk(tree):
        if id(node) in exempt:
            continue
        if isinstance(node, ast.Compare) and any(isinstance(op, ast.In | ast.NotIn) for op in node.ops):
            # Words looked for inside a reason ("..." in reason); a key looked up ("reasons" in document) is not.
            if _is_text(node.left) and any(_names_a_reason(side, bound) for side in node.comparators):
                found.append(f"{module}:{node.lineno}: {ast.unparse(node)}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr not in _TEXT_METHODS:
                continue
            if any(_names_a_reason(part, bound) for part in (node.func.value, *node.args)):
                found.append(f"{module}:{node.lineno}: {ast.unparse(node)}")
    return found


def _table_fragments() -> set[str]:
    """The literal words of the reason table, split at every parameter: what a parser would match."""
    tree = ast.parse(TABLE.read_text(encoding="utf-8"))
    docstrings = _docstrings(tree)
    fragments = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            for literal, *_ in string.Formatter().parse(node.value):
                fragments.update(p.strip() for p in re.split(r"[{}()\[\]]", literal))
    # Words, not the parameter names the table also spells ("untenanted_target").
    return {f for f in fragments if len(f) >= _SHORTEST_FRAGMENT and " " in f}


def literal_reason_words(module: str, tree: ast.Module, fragments: set[str]) -> list[str]:
    """Every string literal of ``module`` (docstrings aside) holding words of the reason table."""
    exempt = _exempt(module, tree) | _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if id(node) in exempt or not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        hits = sorted(f for f in fragments if f in node.value)
        if hits:
            found.append(f"{module}:{node.lineno}: {hits[0]!r}")
    return found


def test_no_module_reads_a_reason_with_in_or_a_string_or_regex_method() -> None:
    offenders = [hit for module, tree in _modules() for hit in reads_of_reason_words(module, tree)]
    assert offenders == []


def test_no_module_but_the_table_holds_the_words_of_a_reason() -> None:
    fragments = _table_fragments()
    assert len(fragments) > 20  # the table's words were found at all
    table = TABLE.relative_to(REPO).as_posix()
    offenders = [
        hit
        for module, tree in _modules()
        if module != table
        for hit in literal_reason_words(module, tree, fragments)
    ]
    assert offenders == []


_PARSERS = {
    "substring": 'def f(reasons):\n    return any("resolved by removal" in r for r in reasons)\n',
    "substring of one": 'def f(reason):\n    return "stale scan" in reason\n',
    "prefix": 'def f(result):\n    return result.reasons[0].startswith("kms: FAIL")\n',
    "regex": "import re\n_GAP = re.compile(r'^region (\\S+)')\ndef f(reason):\n    return _GAP.match(reason)\n",
    "re module": "import re\ndef f(record):\n    return re.search('FAIL', record.reasons[0])\n",
}


@pytest.mark.parametrize("source", _PARSERS.values(), ids=_PARSERS.keys())
def test_the_check_catches_each_way_of_reading_words_back(source: str) -> None:
    assert reads_of_reason_words("verifier/example.py", ast.parse(source))


def test_the_check_catches_a_copied_pattern_of_a_reason() -> None:
    source = "PATTERN = r'^region (\\S+) of account (\\S+) does not appear in the scan results at all$'\n"
    assert literal_reason_words("verifier/example.py", ast.parse(source), _table_fragments())


def test_only_the_named_compatibility_function_may_read_words() -> None:
    source = 'def legacy_reason_codes(reasons):\n    return [r for r in reasons if r.startswith("region ")]\n'
    assert reads_of_reason_words("verifier/pipeline/bundle.py", ast.parse(source)) == []
    assert reads_of_reason_words("verifier/pipeline/verify.py", ast.parse(source))

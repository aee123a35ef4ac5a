"""Damaged workbooks and CSVs (a few hundred, mutated from good ones with a fixed seed) end in exit 3 with a
one-line message, or import: never exit 1 and never a traceback from any reader."""

from __future__ import annotations

import io
import json
import random
import sys
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from tests.support.workbooks import HEADER_ARGS, poam_workbook
from verifier.cli import main

SEED = 20261207
ROWS: list[list[object]] = [
    ["P-1", "AC.L2-3.1.1", "No MFA", "Dana Smith, Lead", "Budget: USD 100", datetime(2026, 9, 14), 46300],
    ["P-2", "3.13.16", "Unencrypted", "Lee Park", 1.5, "09/14/2026", "(1) 2026-10-01: Encrypt\n(2) TBD"],
    [None, None, None, None, None, None, "(3) 2026-11-01: Verify (done)"],
]
HEADER = (
    "POAM ID",
    "Controls",
    "Weakness Description",
    "Point of Contact",
    "Resources Required",
    "Original Detection Date",
    "Planned Milestones",
)
CSV = (
    b"POAM ID,Controls,Weakness Description,Point of Contact,Status Date,Planned Milestones\r\n"
    b'P-1,AC.L2-3.1.1,No MFA,"Dana Smith, Lead",2026-10-01,"(1) 2026-10-01: Enforce\n(2) 2026-11-01: Verify"\r\n'
    b"P-2,3.13.16,Unencrypted,Lee Park,46300,Encrypt 10/01/2026 (in_progress)\r\n"
)
# Values that have broken readers: numbers with no JSON form, huge numbers, bad dates, bad indexes.
HOSTILE_VALUES = [
    b"inf",
    b"nan",
    b"-1e400",
    b"9" * 5000,
    b"1e308",
    b"-5",
    b"99999999",
    b"",
    b"\xff\xfe",
    b"<",
    b"&#0;",
]


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _zipped(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _flip_bytes(rng: random.Random, data: bytes) -> bytes:
    mutable = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        mutable[rng.randrange(len(mutable))] = rng.randrange(256)
    return bytes(mutable)


def _truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randrange(len(data))]


def _splice(rng: random.Random, data: bytes) -> bytes:
    at = rng.randrange(len(data) + 1)
    return data[:at] + rng.choice([*HOSTILE_VALUES, b'"', b"\x00", b"\n\n", b",,,,", b"'=1+1"]) + data[at:]


def _hostile_value(rng: random.Random, data: bytes) -> bytes:
    """Replace one ``<v>``, ``s=`` or ``r=`` value in an XML part with a hostile one."""
    marks = [i for i in range(len(data)) if data.startswith((b"<v>", b's="', b'r="', b't="'), i)]
    if not marks:
        return _splice(rng, data)
    start = rng.choice(marks) + 3
    end = data.find(b"<" if data[start - 3 : start] == b"<v>" else b'"', start)
    return (
        data[:start]
        + rng.choice([*HOSTILE_VALUES, b"d", b"e", b"n", b"A0", b"ZZZZ9"])
        + data[max(end, start) :]
    )


def _mutated_workbook(rng: random.Random, good: bytes) -> bytes:
    if rng.random() < 0.25:
        return rng.choice([_flip_bytes, _truncate, _splice])(rng, good)
    parts = _parts(good)
    name = rng.choice(sorted(parts))
    if rng.random() < 0.1:
        del parts[name]
        return _zipped(parts)
    mutation: Callable[[random.Random, bytes], bytes] = rng.choice(
        [_flip_bytes, _truncate, _splice, _hostile_value, _hostile_value, _hostile_value]
    )
    parts[name] = mutation(rng, parts[name]) if parts[name] else parts[name]
    return _zipped(parts)


def _import(capsys: pytest.CaptureFixture[str], source: Path, out: Path, *extra: str) -> tuple[int, str]:
    argv, sys.argv = sys.argv, ["poam", "import", str(source), "--out", str(out), *HEADER_ARGS, *extra]
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = int(exc.code or 0)
    finally:
        sys.argv = argv
    return code, capsys.readouterr().err


def _check(code: int, error: str, case: str) -> None:
    assert code in (0, 3), f"{case}: exit {code}\n{error[-2000:]}"
    assert "Traceback" not in error, case
    if code == 3:
        assert "error:" in error, f"{case}: no message\n{error[-2000:]}"


def test_mutated_workbooks_exit_3_with_a_message_or_import(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rng = random.Random(SEED)  # noqa: S311 - a reproducible fuzz, not a secret
    good = poam_workbook(tmp_path / "good.xlsx", ROWS, HEADER).read_bytes()
    for case in range(200):
        source = tmp_path / f"case-{case}.xlsx"
        source.write_bytes(_mutated_workbook(rng, good))
        extra = rng.choice([(), ("--format", "fedramp"), ("--format", "xlsx"), ("--allow-unresolved",)])
        code, error = _import(capsys, source, tmp_path / f"out-{case}.json", *extra)
        _check(code, error, f"workbook case {case} {extra}")


def test_mutated_csv_files_exit_3_with_a_message_or_import(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rng = random.Random(SEED + 1)  # noqa: S311 - a reproducible fuzz, not a secret
    for case in range(100):
        data = CSV
        for _ in range(rng.randint(1, 4)):
            data = rng.choice([_flip_bytes, _truncate, _splice, _splice])(rng, data)
        source = tmp_path / f"case-{case}.csv"
        source.write_bytes(data)
        extra = rng.choice([(), ("--format", "csv"), ("--allow-unresolved",)])
        code, error = _import(capsys, source, tmp_path / f"out-{case}.json", *extra)
        _check(code, error, f"csv case {case} {extra}")


OSCAL: dict[str, object] = {
    "plan-of-action-and-milestones": {
        "uuid": "11111111-1111-4111-8111-111111111111",
        "metadata": {"title": "P", "parties": [{"uuid": "p1", "type": "person", "name": "Dana Smith"}]},
        "system-id": {"id": "delta"},
        "risks": [
            {
                "uuid": "r1",
                "title": "No MFA",
                "description": "Console users without MFA",
                "statement": "Legacy accounts",
                "status": "open",
                "deadline": "2026-11-30T00:00:00Z",
                "props": [{"name": "impacted-control-id", "value": "ia.l2-3.5.3"}],
                "remediations": [
                    {
                        "uuid": "m1",
                        "lifecycle": "planned",
                        "title": "Fix",
                        "description": "Fix",
                        "tasks": [
                            {
                                "uuid": "t1",
                                "type": "milestone",
                                "title": "Enforce MFA",
                                "timing": {"on-date": {"date": "2026-10-01T00:00:00Z"}},
                                "responsible-roles": [{"role-id": "owner", "party-uuids": ["p1"]}],
                            }
                        ],
                    }
                ],
            }
        ],
        "poam-items": [
            {
                "title": "No MFA",
                "description": "Console users without MFA",
                "props": [{"name": "POAM-ID", "value": "P-1"}],
                "related-risks": [{"risk-uuid": "r1"}],
            }
        ],
    }
}
ODD_VALUES: list[object] = [None, 0, -1.5, True, "", "x", [], {}, [1, "a"], {"a": [None]}, "9" * 400, [{}]]


def _replace_somewhere(rng: random.Random, node: object) -> object:
    """``node`` with one value somewhere inside it replaced by a value of another type."""
    if isinstance(node, dict) and node and rng.random() < 0.8:
        key = rng.choice(sorted(node))
        return {**node, key: _replace_somewhere(rng, node[key])}
    if isinstance(node, list) and node and rng.random() < 0.8:
        index = rng.randrange(len(node))
        return [*node[:index], _replace_somewhere(rng, node[index]), *node[index + 1 :]]
    return rng.choice(ODD_VALUES)


def test_oscal_documents_of_odd_shapes_exit_3_with_a_message_or_import(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rng = random.Random(SEED + 2)  # noqa: S311 - a reproducible fuzz, not a secret
    for case in range(100):
        document: object = OSCAL
        for _ in range(rng.randint(1, 3)):
            document = _replace_somewhere(rng, document)
        source = tmp_path / f"case-{case}.json"
        source.write_text(json.dumps(document), encoding="utf-8")
        code, error = _import(capsys, source, tmp_path / f"out-{case}.json", "--allow-unresolved")
        _check(code, error, f"oscal case {case}")

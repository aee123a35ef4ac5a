"""``poam migrate``: version 1 → 2 in place, losslessly, and a version 1 file verifies the same after it."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from tests.support.cli import run_cli
from verifier.errors import ExitCode
from verifier.pipeline.migrate import MigrateOptions, migrate_poam
from verifier.pipeline.verify import VerifyOptions, run_verify

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_SCAN = REPO / "examples" / "prowler-output"
CLOCK = datetime(2026, 11, 25, 12, 0, 0, tzinfo=UTC)
RECORDED_ON = date.fromisoformat((EXAMPLE_SCAN / "recorded-on.txt").read_text().strip())


@pytest.fixture
def poam(tmp_path: Path) -> Path:
    path = tmp_path / "poam.json"
    document = json.loads((REPO / "poam.json").read_text())
    document["x-program"] = {"contract": "W58RGZ-26-C-0001"}  # unknown fields must survive
    document["scope"]["x-cost-center"] = "4410"
    path.write_text(json.dumps(document, indent=2))
    return path


def test_migrate_rewrites_version_1_as_version_2_keeping_every_field(
    poam: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = json.loads(poam.read_text())
    code, out = run_cli(capsys, "migrate", "--poam", str(poam))
    after = json.loads(poam.read_text())
    assert code == 0
    assert "schema_version 1 -> 2" in out
    assert after["schema_version"] == 2
    assert after["scope"] == [before["scope"]]
    assert after["x-program"] == before["x-program"]
    assert after["entries"] == before["entries"]
    assert list(after) == list(before)
    assert not list(poam.parent.glob(".poam.json.*"))  # no temporary file left behind


def test_migrate_twice_leaves_the_file_untouched(poam: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run_cli(capsys, "migrate", "--poam", str(poam))
    migrated = poam.read_bytes()
    code, out = run_cli(capsys, "migrate", "--poam", str(poam))
    assert code == 0
    assert "already schema_version 2" in out
    assert poam.read_bytes() == migrated


def test_an_invalid_poam_is_refused_and_not_touched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "poam.json"
    path.write_text('{"schema_version": 1}')
    code, _ = run_cli(capsys, "migrate", "--poam", str(path))
    assert code == ExitCode.INVALID_INPUT
    assert path.read_text() == '{"schema_version": 1}'


def test_a_migrated_poam_verifies_exactly_as_the_original(poam: Path, tmp_path: Path) -> None:
    mapping = REPO / "mappings" / "cmmc-l2-aws.json"

    def verdicts(path: Path, out: Path) -> list[tuple[str, str, tuple[str, ...]]]:
        options = VerifyOptions(
            poam=path, mapping=mapping, findings=(EXAMPLE_SCAN,), out=out, as_of=RECORDED_ON
        )
        run_verify(options, clock=lambda: CLOCK)
        results = json.loads((out / "verification.json").read_text())["entries"]
        return [(r["id"], r["verdict"], tuple(r["reasons"])) for r in results]

    original = tmp_path / "original.json"
    shutil.copy(poam, original)
    before = verdicts(original, tmp_path / "out-v1")
    migrate_poam(MigrateOptions(poam))
    assert verdicts(poam, tmp_path / "out-v2") == before

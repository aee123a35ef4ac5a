"""The hostile and broken input corpus (``tests/corpus``): every case through the real CLI, in a subprocess.

A subprocess with a timeout catches what an in-process call cannot: a hang (a FIFO, a symlink loop),
a crash of the interpreter, or a traceback printed instead of the one-line error. Each case states the
exit code and a fragment of the message; a failed run must leave no output and the POA&M untouched.
"""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.corpus.make_corpus import EXAMPLE, RECORDED_ON, REPO, make

CORPUS = Path(__file__).resolve().parent / "corpus"
CASES: list[dict[str, Any]] = json.loads((CORPUS / "cases.json").read_text(encoding="utf-8"))["cases"]
# A hang guard, not a speed limit: generous enough for a loaded two-core machine.
TIMEOUT_SECONDS = 240
EXAMPLE_FINDINGS = "@example"  # a case's shorthand for the recorded example scan


def _prepare(case: dict[str, Any], work: Path) -> None:
    work.mkdir()
    shutil.copy(REPO / "poam.json", work / "poam.json")
    for name in case.get("files", ()):
        shutil.copy(CORPUS / "files" / name, work / name)
    if "make" in case:
        make(case["make"], work, case.get("args", {}))


def _command(case: dict[str, Any], work: Path) -> list[str]:
    command = [sys.executable, "-m", "verifier", "verify", "--poam", str(work / "poam.json")]
    command += ["--mapping", str(REPO / "mappings" / "cmmc-l2-aws.json"), "--out", str(work / "out")]
    command += ["--as-of", RECORDED_ON]
    for location in case["findings"]:
        command += ["--findings", str(EXAMPLE if location == EXAMPLE_FINDINGS else work / location)]
    return command


def _snapshot(work: Path) -> dict[str, bytes | None]:
    """Every entry's bytes (None for what is not a regular file), to prove a failed run changed nothing.

    The pipeline's advisory lock (``poam.json.lock``) is removed when a run ends, so it must not appear.
    """
    return {
        str(path.relative_to(work)): path.read_bytes() if path.is_file() and not path.is_symlink() else None
        for path in sorted(work.rglob("*"))
    }


def _check_outputs(case: dict[str, Any], out: Path) -> None:
    verification = json.loads((out / "verification.json").read_text(encoding="utf-8"))
    verdicts = {entry["id"]: entry["verdict"] for entry in verification["entries"]}
    if "entries" in case:
        assert len(verdicts) == case["entries"]
    for entry_id, verdict in case.get("verdicts", {}).items():
        assert verdicts[entry_id] == verdict, entry_id
    if "reason" in case:
        assert case["reason"] in json.dumps(verification)


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_corpus_case(tmp_path: Path, case: dict[str, Any]) -> None:
    work = tmp_path / "work"
    _prepare(case, work)
    before = _snapshot(work)
    rss_before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    completed = subprocess.run(  # noqa: S603 - our own CLI, arguments built here
        _command(case, work), cwd=work, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False
    )
    stderr = completed.stderr
    assert "Traceback" not in stderr, stderr
    assert completed.returncode == case["exit"], stderr
    assert case["stderr"] in stderr, stderr
    if case["exit"] == 0:
        _check_outputs(case, work / "out")
    else:
        assert len(stderr.strip().splitlines()) == 1, stderr  # one line, not a dump
        assert _snapshot(work) == before  # no output dir, no history line, the POA&M untouched
    if "max_rss_mb" in case:
        # ru_maxrss is the largest child so far (KiB on Linux): only meaningful when this run set it.
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        assert peak == rss_before or peak < case["max_rss_mb"] * 1024


def test_every_generator_and_file_is_used() -> None:
    from tests.corpus.make_corpus import GENERATORS

    used = {case["make"] for case in CASES if "make" in case}
    assert used == set(GENERATORS)
    files = {name for case in CASES for name in case.get("files", ())}
    assert files == {path.name for path in (CORPUS / "files").iterdir()}
    assert len({case["id"] for case in CASES}) == len(CASES)

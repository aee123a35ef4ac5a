"""Keeping only some checks' findings changes what is held, never what is known about the rest.

``load_findings(..., checks=C)`` must hold exactly the findings of ``C`` that a full read holds, in the
same order, and report the same count, accounts, regions and Prowler versions, whatever the jobs, with
duplicates across files and superseded scans in the input (the paths where set-aside findings are
handled one by one, in a worker's case by reading the file again).
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from tests.inputs.findings.recorded import CMMC, MUTED, PLAIN, raw_json
from verifier.errors import EnvError
from verifier.inputs.findings import FindingsSet, SourceFile, load_findings
from verifier.inputs.findings.discover import Candidate
from verifier.model import FindingRow

SUPERSESSION = Path(__file__).resolve().parents[2] / "fixtures" / "supersession"


def _copies(root: Path, *directories: Path) -> Path:
    for directory in directories:
        shutil.copytree(directory, root / directory.name)
    return root


@pytest.fixture(params=["formats", "nightly"])
def scans(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """One scan saved in every format (repeats across files), or two nightly scans of one bucket."""
    if request.param == "nightly":
        return _copies(tmp_path / "scans", SUPERSESSION / "older", SUPERSESSION / "newer")
    root = _copies(tmp_path / "scans", PLAIN, MUTED, CMMC)
    merged = root / "merged" / "merged.ocsf.json"
    merged.parent.mkdir()
    merged.write_text(json.dumps(raw_json(PLAIN / "plain.ocsf.json"), indent=2), encoding="utf-8")
    return root


def _some_checks(full: FindingsSet) -> frozenset[str]:
    """Every check seen but every other current one: some current findings are set aside."""
    current = sorted({f.check_id for f in full.findings})
    seen = {f.check_id for f in full.findings} | {s.finding.check_id for s in full.superseded}
    return frozenset(seen - set(current[::2]))


@pytest.mark.parametrize("jobs", [1, 2])
def test_kept_checks_hold_exactly_their_findings_and_the_rest_is_tallied(scans: Path, jobs: int) -> None:
    full = load_findings([scans], jobs=1)
    checks = _some_checks(full)

    kept = load_findings([scans], jobs=jobs, checks=checks)

    assert len(full.files) > 1
    assert kept.findings == tuple(f for f in full.findings if f.check_id in checks)
    assert kept.superseded == tuple(s for s in full.superseded if s.finding.check_id in checks)
    assert kept.files == full.files
    assert kept.manifests == full.manifests
    assert kept.count == full.count == len(full.findings)
    assert kept.account_regions == full.account_regions
    assert kept.prowler_versions == full.prowler_versions
    assert kept.others.count == full.count - len(kept.findings) > 0


def test_keeping_no_check_still_counts_every_finding(scans: Path) -> None:
    full = load_findings([scans], jobs=1)

    none = load_findings([scans], jobs=2, checks=())

    assert none.findings == ()
    assert (none.count, none.account_regions, none.prowler_versions) == (
        full.count,
        full.account_regions,
        full.prowler_versions,
    )


def test_a_file_that_changes_before_its_set_aside_findings_are_read_again_fails_the_run(
    scans: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from verifier.inputs.findings import load

    read_rows = load.read_rows
    calls: dict[str, int] = {}

    def changing(candidate: Candidate) -> tuple[SourceFile, list[FindingRow]]:
        source, rows = read_rows(candidate)
        calls[source.path] = calls.get(source.path, 0) + 1
        if calls[source.path] > 1:  # the second read sees other bytes
            source = SourceFile(source.path, "0" * 64, source.format, source.findings)
        return source, rows

    monkeypatch.setattr(load, "read_rows", changing)
    # Two jobs, so each file is read as a worker reads it (handing back no set-aside rows, which are
    # then read again), but in this process, where the changing read applies.
    in_process = load.ordered_map
    monkeypatch.setattr(
        load, "ordered_map", lambda read, sources, jobs, started: in_process(read, sources, 1, started)
    )
    full = load_findings([scans], jobs=1)
    calls.clear()

    with pytest.raises(EnvError, match="changed while it was being read"):
        load_findings([scans], jobs=2, checks=_some_checks(full))


def test_verify_writes_the_same_bytes_whether_it_keeps_every_finding_or_only_its_checks(
    scans: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from verifier.pipeline import verify

    example = Path(__file__).resolve().parents[3] / "examples" / "prowler-output"
    shutil.copytree(example, scans / "example")
    shutil.copy(example.parents[1] / "poam.json", tmp_path / "poam.json")
    as_of = date.fromisoformat((example / "recorded-on.txt").read_text().strip())
    outputs = {}
    for keep_all in (False, True):
        if keep_all:  # what verify did before it kept only its checks' findings
            monkeypatch.setattr(verify, "referenced_checks", lambda entries, mapping: None)
        out = tmp_path / f"out-{keep_all}"
        options = verify.VerifyOptions(
            poam=tmp_path / "poam.json",
            mapping=example.parents[1] / "mappings" / "cmmc-l2-aws.json",
            findings=(scans,),
            out=out,
            as_of=as_of,
            history=tmp_path / f"history-{keep_all}.jsonl",
        )
        outcome = verify.run_verify(options, clock=lambda: datetime(2026, 11, 25, 12, tzinfo=UTC))
        held = len(outcome.run.findings.findings)
        outputs[keep_all] = (
            held,
            {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()},
        )

    (kept, only_checks), (everything, all_findings) = outputs[False], outputs[True]
    assert kept < everything if (scans / "plain").exists() else kept <= everything
    assert only_checks == all_findings

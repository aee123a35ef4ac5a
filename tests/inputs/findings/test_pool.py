"""Findings read on several processes merge to exactly what one process reads, errors included."""

from __future__ import annotations

import gzip
import json
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from tests.inputs.findings.recorded import CMMC, MUTED, PLAIN, raw_json
from verifier.errors import FindingsFormatError
from verifier.inputs.findings import load_findings
from verifier.inputs.findings.pool import ordered_map
from verifier.pipeline.verify import VerifyOptions, run_verify

REPO = Path(__file__).resolve().parents[3]
EXAMPLE_SCAN = REPO / "examples" / "prowler-output"
FIXED_CLOCK = datetime(2026, 11, 25, 12, 0, 0, tzinfo=UTC)


@pytest.fixture
def scans(tmp_path: Path) -> Path:
    """Every recorded format side by side, one re-indented, one gzipped: duplicates across files included."""
    root = tmp_path / "scans"
    for directory in (PLAIN, MUTED, CMMC):
        shutil.copytree(directory, root / directory.name)
    reindented = root / "merged" / "merged.ocsf.json"
    reindented.parent.mkdir()
    reindented.write_text(json.dumps(raw_json(PLAIN / "plain.ocsf.json"), indent=2), encoding="utf-8")
    (root / "merged" / "muted.asff.json.gz").write_bytes(
        gzip.compress((MUTED / "muted.asff.json").read_bytes())
    )
    return root


def test_several_jobs_read_exactly_what_one_job_reads(scans: Path) -> None:
    seen: list[tuple[str, int, int]] = []

    one = load_findings([scans], jobs=1)
    two = load_findings([scans], progress=lambda *call: seen.append(call), jobs=2)

    assert two == one
    assert len(one.files) >= 8
    assert [index for _, index, _ in seen] == list(range(len(one.files)))
    assert [name for name, _, _ in seen] == [f.path for f in one.files]


def test_the_first_bad_file_in_input_order_fails_the_load_whatever_the_jobs(scans: Path) -> None:
    (scans / "merged" / "merged.ocsf.json").write_text('[{"class_uid": 2004}]', encoding="utf-8")
    (scans / "plain" / "plain.asff.json").write_text("[1]", encoding="utf-8")  # read later in order

    messages = []
    for jobs in (1, 2):
        with pytest.raises(FindingsFormatError) as caught:
            load_findings([scans], jobs=jobs)
        messages.append(caught.value.message)

    assert messages[0] == messages[1]
    assert "merged.ocsf.json, element 0: metadata.event_code is missing" in messages[0]


def test_ordered_map_keeps_the_order_of_its_sources() -> None:
    assert list(ordered_map(abs, [-3, 2, -1, 0], jobs=2)) == [3, 2, 1, 0]


def test_verify_outputs_are_byte_identical_for_one_and_several_jobs(
    scans: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(EXAMPLE_SCAN, scans / "example")
    monkeypatch.chdir(tmp_path)
    shutil.copy(REPO / "poam.json", tmp_path / "poam.json")
    as_of = date.fromisoformat((EXAMPLE_SCAN / "recorded-on.txt").read_text().strip())
    outputs = {}
    for jobs in (1, 2):
        options = VerifyOptions(
            poam=Path("poam.json"),
            mapping=REPO / "mappings" / "cmmc-l2-aws.json",
            findings=(scans,),
            out=Path(f"out-{jobs}"),
            as_of=as_of,
            history=Path(f"history-{jobs}.jsonl"),
            jobs=jobs,
        )
        run_verify(options, clock=lambda: FIXED_CLOCK)
        out = tmp_path / f"out-{jobs}"
        outputs[jobs] = {
            str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()
        }
        outputs[jobs]["history"] = (tmp_path / f"history-{jobs}.jsonl").read_bytes()

    assert "evidence.zip" in outputs[1]
    assert outputs[2] == outputs[1]

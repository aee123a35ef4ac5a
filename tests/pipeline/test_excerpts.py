"""The evidence bundle quotes the exact Prowler JSON of the findings that decide verdicts, read again from
each finding's byte span in its source file, and refuses bytes that no longer hold the finding judged."""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.inputs.findings.recorded import PLAIN_OCSF
from verifier.errors import EnvError
from verifier.inputs.findings import load_findings
from verifier.inputs.findings.excerpts import read_excerpts
from verifier.model import EntryResult, Finding, Status, Verdict
from verifier.outputs.evidence import EXCERPTS_PER_ENTRY, excerpted_findings
from verifier.pipeline.verify import VerifyOptions, run_verify

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_SCAN = REPO / "examples" / "prowler-output"
RECORDED_ON = date.fromisoformat((EXAMPLE_SCAN / "recorded-on.txt").read_text().strip())
CLOCK = datetime(2026, 11, 25, 12, 0, 0, tzinfo=UTC)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copy(REPO / "poam.json", tmp_path / "poam.json")
    shutil.copytree(REPO / "mappings", tmp_path / "mappings")
    shutil.copytree(EXAMPLE_SCAN, tmp_path / "scan")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _verify(*findings: str, jobs: int | None = None) -> Path:
    options = VerifyOptions(
        poam=Path("poam.json"),
        mapping=Path("mappings/cmmc-l2-aws.json"),
        findings=tuple(Path(f) for f in findings),
        out=Path("out"),
        as_of=RECORDED_ON,
        jobs=jobs,
    )
    run_verify(options, clock=lambda: CLOCK)
    return Path("out") / "evidence"


def _json(path: Path) -> Any:
    return json.loads(path.read_bytes())


def test_each_quoted_element_is_the_exact_text_of_its_source_at_its_offset(workdir: Path) -> None:
    bundle = _verify("scan")
    index = _json(bundle / "prowler" / "index.json")

    assert index["not_read_again"] == []
    assert [s["format"] for s in index["sources"]] == ["ocsf"]
    for source in index["sources"]:
        data = Path(source["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == source["sha256"]
        quoted = _json(bundle / source["file"])
        assert len(quoted) == len(source["elements"]) > 0
        for element, record in zip(source["elements"], quoted, strict=True):
            text = data[element["offset"] : element["offset"] + element["length"]]
            assert hashlib.sha256(text).hexdigest() == element["sha256"]
            assert json.loads(text) == record
            assert record["metadata"]["event_code"] == element["check_id"]
            assert record["finding_info"]["uid"] == element["finding_uid"]
            assert record["status_code"] == element["status"]
    # The quote file is itself a Prowler OCSF output: it reads back as the findings it quotes.
    quote_file = bundle / index["sources"][0]["file"]
    assert {f.finding_uid for f in load_findings([quote_file]).findings} == {
        e["finding_uid"] for e in index["sources"][0]["elements"]
    }


def test_every_entry_traces_to_the_quotes_of_its_failing_findings(workdir: Path) -> None:
    bundle = _verify("scan")
    index = _json(bundle / "prowler" / "index.json")
    quoted = {
        (source["path"], element["finding_uid"]): element["entries"]
        for source in index["sources"]
        for element in source["elements"]
    }
    failing = 0
    for entry_file in sorted((bundle / "entries").iterdir()):
        entry = _json(entry_file)
        fails = [f for f in entry["findings"] if f["status"] == "FAIL" and f["source_file"].endswith(".json")]
        for finding in fails[:EXCERPTS_PER_ENTRY]:
            assert entry["entry"] in quoted[(finding["source_file"], finding["finding_uid"])]
            failing += 1
    assert failing > 0
    sums = (bundle / "SHA256SUMS").read_text()
    assert "  prowler/index.json\n" in sums
    assert json.loads((bundle / "manifest.json").read_text())["files"]["prowler/index.json"]


def test_one_job_and_two_write_the_same_quotes(workdir: Path) -> None:
    one = _verify("scan", jobs=1)
    first = {p.relative_to(one): p.read_bytes() for p in sorted((one / "prowler").iterdir())}
    two = _verify("scan", jobs=2)
    assert {p.relative_to(two): p.read_bytes() for p in sorted((two / "prowler").iterdir())} == first


def test_a_reindented_source_is_quoted_from_its_own_bytes(workdir: Path) -> None:
    for source in Path("scan").glob("*.ocsf.json"):
        source.write_text(json.dumps(json.loads(source.read_bytes()), indent=2), encoding="utf-8")
    bundle = _verify("scan")
    index = _json(bundle / "prowler" / "index.json")
    data = Path(index["sources"][0]["path"]).read_bytes()
    for element in index["sources"][0]["elements"]:
        text = data[element["offset"] : element["offset"] + element["length"]]
        assert text.startswith(b"{") and text.endswith(b"}")
        assert hashlib.sha256(text).hexdigest() == element["sha256"]


def test_a_gzipped_source_is_quoted_from_its_decompressed_bytes(workdir: Path) -> None:
    for source in Path("scan").glob("*.ocsf.json"):
        source.with_name(source.name + ".gz").write_bytes(gzip.compress(source.read_bytes()))
        source.unlink()
    bundle = _verify("scan")
    index = _json(bundle / "prowler" / "index.json")
    [source] = index["sources"]
    assert source["path"].endswith(".ocsf.json.gz")
    data = gzip.decompress(Path(source["path"]).read_bytes())
    for element, record in zip(source["elements"], _json(bundle / source["file"]), strict=True):
        assert json.loads(data[element["offset"] : element["offset"] + element["length"]]) == record


def test_sources_in_a_zip_are_named_as_not_read_again(workdir: Path) -> None:
    with zipfile.ZipFile("report.zip", "w") as archive:
        for file in sorted(Path("scan").iterdir()):
            archive.write(file, file.name)
    bundle = _verify("report.zip")
    index = _json(bundle / "prowler" / "index.json")
    assert index["sources"] == []
    assert [n["path"] for n in index["not_read_again"]] == [
        f"report.zip!/{f.name}" for f in sorted(Path("scan").glob("*.ocsf.json"))
    ]
    assert all("zip" in n["reason"] for n in index["not_read_again"])


def _changed_file(path: Path, change: Callable[[bytes], bytes]) -> tuple[list[Finding], Any]:
    """The findings of a recorded file as read, and its sources; then the file is changed under them."""
    shutil.copy(PLAIN_OCSF, path)
    loaded = load_findings([path])
    path.write_bytes(change(path.read_bytes()))
    return list(loaded.findings), loaded.files


def test_a_source_changed_since_it_was_read_fails_the_run(tmp_path: Path) -> None:
    def flipped(data: bytes) -> bytes:
        # The same length, so every offset still lands on an element: only a re-read can tell.
        return data.replace(b'"status_code": "FAIL"', b'"status_code": "PASS"', 1)

    path = tmp_path / "scan.ocsf.json"
    findings, files = _changed_file(path, flipped)
    changed = min((f for f in findings if f.status is Status.FAIL), key=lambda f: f.location or (0, 0, 0))
    intact = [f for f in findings if f is not changed]
    assert len(read_excerpts(intact, files).texts[str(path)]) == len(intact)
    with pytest.raises(EnvError, match="changed since it was read"):
        read_excerpts(findings, files)


def test_a_shifted_source_fails_the_run(tmp_path: Path) -> None:
    findings, files = _changed_file(tmp_path / "scan.ocsf.json", lambda data: b" " + data)
    with pytest.raises(EnvError, match="changed since it was read"):
        read_excerpts(findings[-1:], files)


def _finding(n: int, status: Status) -> Finding:
    return Finding(
        check_id="c",
        status=status,
        muted=False,
        account="1",
        region="r",
        resource_uid=f"res-{n}",
        finding_uid=f"uid-{n}",
        time=CLOCK - timedelta(hours=1),
        prowler_version="5",
        source_file="f.ocsf.json",
        status_extended="",
        severity="",
        provider="aws",
        location=(n * 100, 90),
    )


def test_an_entry_quotes_its_failing_findings_first_up_to_the_limit() -> None:
    passing = [_finding(n, Status.PASS) for n in range(EXCERPTS_PER_ENTRY)]
    failing = [_finding(100 + n, Status.FAIL) for n in range(3)]
    unlocated = replace(_finding(200, Status.FAIL), location=None)  # a CSV row: nothing to quote
    result = EntryResult("E", "AC.L2-3.1.1", Verdict.NOT_MET, (), evidence=(*passing, unlocated, *failing))

    chosen = excerpted_findings(result)

    assert chosen == [*failing, *passing[: EXCERPTS_PER_ENTRY - 3]]

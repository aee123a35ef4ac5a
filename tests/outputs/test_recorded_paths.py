"""The evidence records source paths relative to the working directory, never this machine's absolute layout."""

from __future__ import annotations

import json
import shutil
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from verifier.inputs.packaged import packaged_mapping
from verifier.outputs.paths import recorded_mapping_path, recorded_path
from verifier.pipeline.bundle import verify_bundle
from verifier.pipeline.verify import VerifyOptions, run_verify

REPO = Path(__file__).resolve().parents[2]
SCAN = REPO / "examples" / "prowler-output"


def _zip_of(folder: Path, target: Path) -> Path:
    with zipfile.ZipFile(target, "w") as archive:
        for file in sorted(folder.iterdir()):
            archive.write(file, file.name)
    return target


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The example's inputs in the working directory: the scan as a folder and as a zip."""
    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(REPO / "poam.json", work / "poam.json")
    shutil.copytree(REPO / "mappings", work / "mappings")
    shutil.copytree(SCAN, work / "scans")
    _zip_of(SCAN, work / "scans.zip")
    monkeypatch.chdir(work)
    return work


def _verify(poam: Path, mapping: Path, findings: tuple[Path, ...]) -> None:
    options = VerifyOptions(
        poam=poam, mapping=mapping, findings=findings, out=Path("out"), as_of=date(2026, 11, 25)
    )
    run_verify(options, clock=lambda: datetime(2026, 11, 25, 12, 0, tzinfo=UTC))


def _every_output_text(out: Path) -> str:
    texts = [p.read_text(encoding="utf-8") for p in sorted(out.rglob("*.json"))]
    with zipfile.ZipFile(out / "evidence.zip") as bundle:
        texts += [bundle.read(name).decode("utf-8") for name in bundle.namelist()]
    return "\n".join(texts)


def test_absolute_paths_inside_the_working_directory_are_recorded_relative(workdir: Path) -> None:
    _verify(
        workdir / "poam.json",
        workdir / "mappings" / "cmmc-l2-aws.json",
        (workdir / "scans", workdir / "scans.zip"),
    )
    out = workdir / "out"
    assert str(workdir.parent) not in _every_output_text(out)
    inputs = json.loads((out / "evidence" / "manifest.json").read_text(encoding="utf-8"))["inputs"]
    assert inputs["poam"]["path"] == "poam.json"
    assert inputs["mapping"]["path"] == "mappings/cmmc-l2-aws.json"
    assert inputs["archives"][0]["path"] == "scans.zip"
    assert {f["path"].split("/")[0] for f in inputs["findings"]} == {"scans", "scans.zip!"}
    index = json.loads((out / "evidence" / "prowler" / "index.json").read_text(encoding="utf-8"))
    assert all(not source["path"].startswith("/") for source in index["sources"])
    entry = json.loads((out / "evidence" / "entries" / "POAM-001.json").read_text(encoding="utf-8"))
    assert all(not f["source_file"].startswith("/") for f in entry["findings"])
    assert len(verify_bundle(out / "evidence.zip", None).verdicts) == 8


def test_a_path_outside_the_working_directory_is_recorded_as_given(workdir: Path) -> None:
    outside = workdir.parent / "elsewhere"
    shutil.copytree(SCAN, outside)
    _verify(Path("poam.json"), Path("mappings/cmmc-l2-aws.json"), (Path("../elsewhere"),))
    inputs = json.loads((workdir / "out" / "verification.json").read_text(encoding="utf-8"))["inputs"]
    assert {f["path"].rsplit("/", 1)[0] for f in inputs["findings"]} == {"../elsewhere"}
    shutil.rmtree(workdir / "out")
    _verify(Path("poam.json"), Path("mappings/cmmc-l2-aws.json"), (outside,))
    inputs = json.loads((workdir / "out" / "verification.json").read_text(encoding="utf-8"))["inputs"]
    assert {f["path"].rsplit("/", 1)[0] for f in inputs["findings"]} == {str(outside)}


def test_the_shipped_mapping_is_recorded_by_its_name_in_the_package(tmp_path: Path) -> None:
    assert recorded_mapping_path(packaged_mapping("cmmc-l2-aws")) == "poam-verifier:mappings/cmmc-l2-aws.json"
    assert recorded_mapping_path("mappings/cmmc-l2-aws.json") == "mappings/cmmc-l2-aws.json"


@pytest.mark.parametrize(
    "path", ["scans/x.json", "s3://bucket/prowler/x.json", "../x.json", "scans.zip!/x.json"]
)
def test_relative_paths_and_uris_are_unchanged(path: str) -> None:
    assert recorded_path(path) == path


def test_a_sibling_folder_sharing_the_prefix_is_outside(workdir: Path) -> None:
    sibling = f"{workdir}-other/x.json"
    assert recorded_path(sibling) == sibling
    assert recorded_path(f"{workdir}/scans.zip!/x.json") == "scans.zip!/x.json"


def test_a_path_through_the_shells_name_for_the_working_directory_is_relative(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # macOS: $PWD is /tmp/..., the process's working directory /private/tmp/...
    alias = workdir.parent / "alias"
    alias.symlink_to(workdir)
    monkeypatch.setenv("PWD", str(alias))
    assert recorded_path(f"{alias}/scans/x.json") == "scans/x.json"
    monkeypatch.setenv("PWD", str(workdir.parent))  # stale: not the working directory
    assert recorded_path(f"{workdir.parent}/work/x.json") == "x.json"
    assert recorded_path(f"{workdir.parent}/x.json") == f"{workdir.parent}/x.json"


def test_a_removed_working_directory_records_paths_as_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    assert recorded_path(f"{gone}/x.json") == f"{gone}/x.json"

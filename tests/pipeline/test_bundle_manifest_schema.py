"""The evidence manifest's shape is the shipped JSON Schema: what the writer produces matches it, and
``poam bundle verify`` refuses, by name and with exit 1, a manifest of any other shape."""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from verifier.errors import ExitCode
from verifier.inputs import bundle_format
from verifier.inputs.bundle_format import ENVELOPE_FILE, MANIFEST_FILE, MANIFEST_SCHEMA, SUMS_FILE
from verifier.inputs.jsondoc import schema_violations
from verifier.pipeline.bundle import BundleInvalid, read_bundle, verify_bundle
from verifier.pipeline.verify import VerifyOptions, run_verify

REPO = Path(__file__).resolve().parents[2]
Files = dict[str, bytes]


@pytest.fixture(scope="module")
def example_bundle(tmp_path_factory: pytest.TempPathFactory) -> Files:
    """The repository example's real bundle as ``poam verify`` writes it."""
    out = tmp_path_factory.mktemp("run")
    options = VerifyOptions(
        poam=REPO / "poam.json",
        mapping=REPO / "mappings" / "cmmc-l2-aws.json",
        findings=(REPO / "examples" / "prowler-output",),
        out=out,
        as_of=date(2026, 11, 25),
        history=out.with_name(f"{out.name}-history.jsonl"),  # not beside the repository's POA&M
    )
    run_verify(options, clock=lambda: datetime(2026, 11, 25, 12, tzinfo=UTC))
    return read_bundle(out / "evidence")


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _with_manifest(files: Files, manifest: dict[str, Any]) -> Files:
    """``files`` with ``manifest`` and every digest recomputed, as one who rewrites a bundle would."""
    sealed = {n: d for n, d in files.items() if n not in (SUMS_FILE, ENVELOPE_FILE)}
    manifest["files"] = {n: _sha(d) for n, d in sorted(sealed.items()) if n != MANIFEST_FILE}
    sealed[MANIFEST_FILE] = json.dumps(manifest, indent=2).encode()
    sealed[SUMS_FILE] = "".join(f"{_sha(d)}  {n}\n" for n, d in sorted(sealed.items())).encode()
    return sealed


def _write(files: Files, directory: Path) -> Path:
    for name, data in files.items():
        (directory / name).parent.mkdir(parents=True, exist_ok=True)
        (directory / name).write_bytes(data)
    return directory


def test_the_written_manifest_matches_the_shipped_schema(example_bundle: Files) -> None:
    manifest = json.loads(example_bundle[MANIFEST_FILE])
    assert schema_violations(manifest, MANIFEST_SCHEMA, MANIFEST_FILE) == []


def test_a_manifest_with_archives_and_skipped_entries_matches_the_schema_and_verifies(tmp_path: Path) -> None:
    # Findings read from a zip and a folder holding a named pipe: the manifest's optional parts appear.
    scan = tmp_path / "scan"
    scan.mkdir()
    example = REPO / "examples" / "prowler-output" / "prowler-output-123456789012-example.ocsf.json"
    with zipfile.ZipFile(scan / "prowler-report.zip", "w") as archive:
        archive.write(example, f"output/{example.name}")
    os.mkfifo(scan / "notes.pipe")
    options = VerifyOptions(
        poam=REPO / "poam.json",
        mapping=REPO / "mappings" / "cmmc-l2-aws.json",
        findings=(scan,),
        out=tmp_path / "out",
        as_of=date(2026, 11, 25),
        history=tmp_path / "poam-history.jsonl",  # not beside the repository's POA&M
    )
    run_verify(options, clock=lambda: datetime(2026, 11, 25, 12, tzinfo=UTC))
    manifest = json.loads((tmp_path / "out" / "evidence" / MANIFEST_FILE).read_bytes())
    (archive_record,) = manifest["inputs"]["archives"]
    assert archive_record["path"].endswith("prowler-report.zip")
    assert [m.rsplit("/", 1)[-1] for m in archive_record["members"]] == [example.name]
    assert [s["reason"] for s in manifest["skipped"]] == ["a named pipe"]
    assert schema_violations(manifest, MANIFEST_SCHEMA, MANIFEST_FILE) == []
    assert verify_bundle(tmp_path / "out" / "evidence.zip", None).verdicts


def test_every_written_file_is_named_by_the_bundle_format(example_bundle: Files) -> None:
    files = {bundle_format.MANIFEST_FILE, bundle_format.SUMS_FILE, bundle_format.POAM_FILE}
    files |= {bundle_format.VERIFICATION_FILE, bundle_format.EXCERPTS_INDEX}
    folders = (bundle_format.ENTRIES_DIR, f"{bundle_format.EXCERPTS_DIR}/")
    assert files <= set(example_bundle)
    assert all(name in files or name.startswith(folders) for name in example_bundle)
    assert any(name.startswith(bundle_format.ENTRIES_DIR) for name in example_bundle)


def _rename(manifest: dict[str, Any], old: str, new: str) -> None:
    manifest[new] = manifest.pop(old)


@pytest.mark.parametrize(
    ("change", "pointer"),
    [
        (lambda m: m.update(verdict_override="MET"), "/"),
        (lambda m: _rename(m, "accounts_seen", "accounts"), "/"),
        (lambda m: m["inputs"].pop("mapping"), "/inputs"),
        (lambda m: m["inputs"]["poam"].update(sha256="not-a-digest"), "/inputs/poam/sha256"),
        (lambda m: m.update(history_head="HEAD"), "/history_head"),
        (lambda m: m.update(max_scan_age_days="30"), "/max_scan_age_days"),
        (lambda m: m.update(skipped=[{"path": "x"}]), "/skipped/0"),
    ],
    ids=[
        "an-added-field",
        "a-renamed-field",
        "a-missing-input",
        "a-bad-digest",
        "a-bad-head",
        "days-as-text",
        "a-partial-skip",
    ],
)
def test_a_manifest_of_another_shape_is_a_named_failure(
    tmp_path: Path, example_bundle: Files, change: Any, pointer: str
) -> None:
    manifest = json.loads(example_bundle[MANIFEST_FILE])
    change(manifest)
    bundle = _write(_with_manifest(example_bundle, manifest), tmp_path / "b")
    with pytest.raises(BundleInvalid, match=rf"^manifest\.json: schema violation at {pointer}") as caught:
        verify_bundle(bundle, None)
    assert "bundle_format 1 manifest" in caught.value.message
    assert caught.value.exit_code == ExitCode.GATE


def test_the_written_bundle_still_verifies_with_the_shape_checked(
    tmp_path: Path, example_bundle: Files
) -> None:
    report = verify_bundle(_write(example_bundle, tmp_path / "b"), None)
    assert report.files == len(example_bundle)

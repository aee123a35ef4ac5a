"""``--out s3://bucket/prefix/``: the evidence bundle uploaded to a real moto server, marker last."""

from __future__ import annotations

import hashlib
import json
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.support.moto import aws_client
from tests.support.poam import poam_copy
from verifier.cli import main
from verifier.errors import EnvError, ExitCode, UsageError
from verifier.inputs.findings.s3 import parse_s3_url
from verifier.outputs.s3 import COMPLETE_MARKER, upload_bundle
from verifier.pipeline.verify import VerifyOptions, run_verify

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_SCAN = REPO / "examples" / "prowler-output"
RECORDED_ON = date.fromisoformat((EXAMPLE_SCAN / "recorded-on.txt").read_text().strip())
BUCKET = "evidence-store"
CLOCK = datetime(2026, 1, 1, tzinfo=UTC)


_poam_copy = poam_copy


@pytest.fixture
def s3(moto_aws: str) -> Any:
    client = aws_client(moto_aws, "s3")
    client.create_bucket(Bucket=BUCKET)
    return client


def _options(workdir: Path, out: Path, monkeypatch: pytest.MonkeyPatch) -> VerifyOptions:
    """Options with the same relative paths in every ``workdir``, so two runs render the same bytes."""
    _poam_copy(workdir)
    monkeypatch.chdir(workdir)
    return VerifyOptions(
        poam=Path("poam.json"),
        mapping=REPO / "mappings" / "cmmc-l2-aws.json",
        findings=(EXAMPLE_SCAN,),
        out=out,
        as_of=RECORDED_ON,
        history=Path("history.jsonl"),
    )


def _objects(client: Any, prefix: str) -> dict[str, bytes]:
    keys = [o["Key"] for o in client.list_objects_v2(Bucket=BUCKET, Prefix=prefix).get("Contents", [])]
    return {k[len(prefix) :]: client.get_object(Bucket=BUCKET, Key=k)["Body"].read() for k in keys}


def _local_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_out_to_s3_uploads_the_bundle_a_local_run_writes(
    s3: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_verify(_options(tmp_path / "local", Path("out"), monkeypatch), clock=lambda: CLOCK)
    remote = _options(tmp_path / "remote", Path(f"s3://{BUCKET}/runs/1/"), monkeypatch)
    outcome = run_verify(remote, clock=lambda: CLOCK)
    uploaded = _objects(s3, "runs/1/")
    marker = json.loads(uploaded.pop(COMPLETE_MARKER))
    assert uploaded == _local_files(tmp_path / "local" / "out")
    assert {"evidence.zip", "verification.json", "summary.md", "poam.json"} <= set(uploaded)
    assert any(name.startswith("evidence/") for name in uploaded)
    digests = {name: hashlib.sha256(data).hexdigest() for name, data in uploaded.items()}
    assert marker == {"manifest_sha256": digests["evidence/manifest.json"], "objects": digests}
    assert f"s3://{BUCKET}/runs/1/{COMPLETE_MARKER}" in outcome.written
    # The ledger stays local; nothing else is written here.
    assert (tmp_path / "remote" / "history.jsonl").is_file()
    assert {p.name for p in (tmp_path / "remote").iterdir()} == {"history.jsonl", "poam.json"}


class _Recording:
    """A real client whose puts are recorded, and which can fail the n-th put."""

    def __init__(self, client: Any, fail_at: int | None = None) -> None:
        self._client = client
        self._fail_at = fail_at
        self.puts: list[str] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def put_object(self, **kwargs: Any) -> Any:
        if len(self.puts) == self._fail_at:
            kwargs["Bucket"] = "no-such-bucket"
        self.puts.append(kwargs["Key"])
        return self._client.put_object(**kwargs)


def test_marker_is_written_last(s3: Any) -> None:
    client = _Recording(s3)
    files = {"evidence/manifest.json": b"{}", "evidence.zip": b"zip", "summary.md": b"# s"}
    upload_bundle(parse_s3_url(f"s3://{BUCKET}/run"), files, client)  # type: ignore[arg-type]
    assert client.puts == ["run/evidence/manifest.json", "run/evidence.zip", "run/summary.md", "run/COMPLETE"]


def test_failed_upload_leaves_no_marker_even_from_an_earlier_run(s3: Any) -> None:
    s3.put_object(Bucket=BUCKET, Key="run/COMPLETE", Body=b"old")
    client = _Recording(s3, fail_at=1)
    with pytest.raises(EnvError, match=f"cannot write s3://{BUCKET}/run/b.md: no such bucket"):
        upload_bundle(parse_s3_url(f"s3://{BUCKET}/run/"), {"a.md": b"a", "b.md": b"b"}, client)  # type: ignore[arg-type]
    assert set(_objects(s3, "run/")) == {"a.md"}


@pytest.mark.parametrize("prepare", ["missing-bucket", "no-credentials"])
def test_unwritable_destination_exits_4_and_writes_nothing_locally(
    s3: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    prepare: str,
) -> None:
    out = f"s3://{BUCKET}/runs/" if prepare == "no-credentials" else "s3://no-such-bucket/runs/"
    if prepare == "no-credentials":
        monkeypatch.delenv("AWS_ACCESS_KEY_ID")
        monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    inputs, cwd = tmp_path / "inputs", tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    args = ["--poam", str(_poam_copy(inputs)), "--mapping", str(REPO / "mappings/cmmc-l2-aws.json")]
    args += [
        "--findings",
        str(EXAMPLE_SCAN),
        "--history",
        "history.jsonl",
        "--as-of",
        RECORDED_ON.isoformat(),
    ]
    monkeypatch.setattr(sys, "argv", ["poam", "verify", *args, "--out", out])
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == ExitCode.ENVIRONMENT
    assert out.rstrip("/") in capsys.readouterr().err
    assert list(cwd.iterdir()) == []
    assert {p.name for p in inputs.iterdir()} == {"poam.json"}


def test_a_rerun_with_the_same_objects_replaces_them(s3: Any) -> None:
    url = parse_s3_url(f"s3://{BUCKET}/nightly/")
    upload_bundle(url, {"summary.md": b"monday", "evidence.zip": b"1"})
    upload_bundle(url, {"summary.md": b"tuesday", "evidence.zip": b"2"})
    objects = _objects(s3, "nightly/")
    assert objects["summary.md"] == b"tuesday"
    assert set(objects) == {"summary.md", "evidence.zip", COMPLETE_MARKER}


def test_objects_a_run_would_not_replace_are_refused_before_anything_is_written(s3: Any) -> None:
    url = parse_s3_url(f"s3://{BUCKET}/nightly/")
    upload_bundle(url, {"evidence/entries/POAM-009.json": b"{}", "summary.md": b"monday"})
    before = _objects(s3, "nightly/")
    with pytest.raises(UsageError, match=r"already holds 1 object\(s\) .*\(evidence/entries/POAM-009.json\)"):
        upload_bundle(url, {"summary.md": b"tuesday"})
    assert _objects(s3, "nightly/") == before  # the earlier run's marker and files are untouched


def test_a_prefix_with_stale_objects_is_a_usage_error_from_the_cli(
    s3: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    s3.put_object(Bucket=BUCKET, Key="runs/notes.txt", Body=b"someone else's")
    monkeypatch.chdir(tmp_path)
    args = ["--poam", str(_poam_copy(tmp_path / "inputs")), "--findings", str(EXAMPLE_SCAN)]
    args += ["--mapping", str(REPO / "mappings/cmmc-l2-aws.json"), "--as-of", RECORDED_ON.isoformat()]
    monkeypatch.setattr(sys, "argv", ["poam", "verify", *args, "--out", f"s3://{BUCKET}/runs/"])
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == ExitCode.USAGE
    assert "notes.txt" in capsys.readouterr().err
    assert set(_objects(s3, "runs/")) == {"notes.txt"}
    assert {p.name for p in (tmp_path / "inputs").iterdir()} == {"poam.json"}  # no ledger line either

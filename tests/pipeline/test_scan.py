"""Which checks and targets ``poam scan`` runs (the live tests run them for real)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest

from verifier.errors import EnvError, ExitCode, UsageError
from verifier.inputs.findings.manifest import MANIFEST_NAME, parse_manifest
from verifier.inputs.mapping import load_mapping
from verifier.inputs.poam import load_poam
from verifier.model import EntryStatus
from verifier.pipeline.scan import ScanOptions, needed_checks, run_scan, scan_targets

REPO = Path(__file__).resolve().parents[2]
POAM = load_poam(REPO / "poam.json").poam
MAPPING = load_mapping(REPO / "mappings" / "cmmc-l2-aws.json")


def test_checks_are_those_of_open_entries_only() -> None:
    closed = dataclasses.replace(POAM.entries[0], status=EntryStatus.CLOSED)
    poam = dataclasses.replace(POAM, entries=(closed, *POAM.entries[1:]))
    checks = needed_checks(poam, MAPPING, all_practices=False)
    assert "cloudtrail_log_file_validation_enabled" not in checks  # only POAM-001 needed it
    assert "kms_cmk_rotation_enabled" in checks
    assert len(needed_checks(POAM, MAPPING, all_practices=False)) == 13


def test_all_practices_runs_every_mapped_check() -> None:
    assert set(needed_checks(POAM, MAPPING, all_practices=True)) == MAPPING.all_checks("aws")


def test_targets_prefer_roles_then_profiles_then_scope_role_then_ambient() -> None:
    role = "arn:aws:iam::111111111111:role/Scanner"
    assert [t.account for t in scan_targets(POAM, ("p",), (role,), "R")] == ["111111111111"]
    assert [t.credential_args for t in scan_targets(POAM, ("p",), (), "R")] == [("-p", "p")]
    by_scope = scan_targets(POAM, (), (), "Scanner")
    assert [t.credential_args for t in by_scope] == [("-R", "arn:aws:iam::123456789012:role/Scanner")]
    assert [t.label for t in scan_targets(POAM, (), (), None)] == ["default"]


def test_a_malformed_role_arn_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="not an IAM role ARN"):
        scan_targets(POAM, (), ("arn:aws:iam::12:user/x",), None)


@pytest.mark.parametrize(
    ("profiles", "roles"),
    [(("prod", "prod"), ()), ((), ("arn:aws:iam::111111111111:role/A", "arn:aws:iam::111111111111:role/B"))],
    ids=["profile-twice", "account-twice"],
)
def test_a_target_given_twice_is_a_usage_error(profiles: tuple[str, ...], roles: tuple[str, ...]) -> None:
    """Two runs would share one output directory (and, in parallel, write into it at once)."""
    with pytest.raises(UsageError, match="the same target is given twice"):
        scan_targets(POAM, profiles, roles, None)


def test_missing_prowler_is_exit_4_with_the_install_hint(tmp_path: Path) -> None:
    options = ScanOptions(
        REPO / "poam.json",
        REPO / "mappings/cmmc-l2-aws.json",
        tmp_path,
        prowler_bin=str(tmp_path / "prowler"),
    )
    with pytest.raises(EnvError, match="make prowler") as info:
        run_scan(options)
    assert info.value.exit_code is ExitCode.ENVIRONMENT


def test_scan_verify_passes_jobs_on_to_verify(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``poam scan --verify --jobs N`` reads the scan's output on N processes, as ``poam verify --jobs N``."""
    from tests.support.cli import run_cli
    from verifier.pipeline import scan, verify
    from verifier.pipeline.scan import ScanReport, Target, TargetResult

    scanned = Path(__file__).resolve().parents[2] / "examples" / "prowler-output"
    done = TargetResult(Target("default", None, (), "aws"), scanned, None, 1.0)
    # The CLI imports its pipeline functions when a command runs, so the pipeline modules are patched.
    monkeypatch.setattr(scan, "run_scan", lambda options, progress: ScanReport((), (), (done,), 1.0))
    seen: list[int | None] = []
    real_verify = verify.run_verify

    def recording(options: verify.VerifyOptions, **kwargs: object) -> object:
        seen.append(options.jobs)
        return real_verify(options, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(verify, "run_verify", recording)
    monkeypatch.chdir(tmp_path)
    shutil.copy(scanned.parents[1] / "poam.json", tmp_path / "poam.json")

    code, _ = run_cli(capsys, "scan", "--verify", "--jobs", "2", "--as-of", "2026-11-26")

    assert code == 0
    assert seen == [2]
    assert (tmp_path / "out" / "evidence" / "manifest.json").is_file()


# --- the Prowler that runs, and what its manifest records ---------------------------------------------------


def _fake_prowler(path: Path, marker: Path, *, exit_status: int = 0, last_line: str = "") -> Path:
    """A stand-in Prowler: records how it was called in ``marker``, prints ``last_line``, exits."""
    path.parent.mkdir(parents=True, exist_ok=True)
    script = f"""#!/bin/sh
printf "%s\\n" "$0" "$@" > "{marker}"
while [ $# -gt 0 ]; do
  if [ "$1" = "-o" ]; then mkdir -p "$2" && echo "scanned" > "$2/prowler-output.csv"; fi
  shift
done
echo "{last_line}" >&2
exit {exit_status}
"""
    path.write_text(script, encoding="utf-8")
    path.chmod(0o755)
    return path


def _one_check_options(tmp_path: Path, prowler_bin: str) -> ScanOptions:
    from tests.support.supersession import write_poam

    write_poam(tmp_path / "poam.json")
    return ScanOptions(
        tmp_path / "poam.json", REPO / "mappings/cmmc-l2-aws.json", tmp_path / "out", prowler_bin=prowler_bin
    )


def test_a_relative_prowler_bin_runs_the_file_it_names_not_one_on_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    local = _fake_prowler(tmp_path / "prowler", tmp_path / "local-ran")
    _fake_prowler(tmp_path / "on-path" / "prowler", tmp_path / "path-ran")
    monkeypatch.setenv("PATH", f"{tmp_path / 'on-path'}:{os.environ['PATH']}")
    monkeypatch.chdir(tmp_path)

    report = run_scan(_one_check_options(tmp_path, "./prowler"))

    assert [r.error for r in report.results] == [None]
    assert not (tmp_path / "path-ran").exists()
    assert (tmp_path / "local-ran").read_text().splitlines()[0] == str(local)


def test_the_manifest_records_the_exact_prowler_arguments(tmp_path: Path) -> None:
    prowler = _fake_prowler(tmp_path / "bin" / "prowler", tmp_path / "ran")
    run_scan(_one_check_options(tmp_path, str(prowler)))
    called = (tmp_path / "ran").read_text().splitlines()
    manifest = parse_manifest(
        (tmp_path / "out" / "default" / MANIFEST_NAME).read_bytes(), "scan-manifest.json"
    )
    assert list(manifest.prowler_args or ()) == called[1:]
    assert manifest.prowler_args[:1] == ("aws",) and "--checks" in manifest.prowler_args  # type: ignore[index]
    assert manifest.incompleteness() is None  # poam scan's own arguments: a complete scan
    # And the digest of what Prowler wrote: the files the manifest vouches for.
    digest = hashlib.sha256(b"scanned\n").hexdigest()
    assert manifest.outputs == (("prowler-output.csv", digest),)


SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"  # noqa: S105 - AWS documentation example key
KEY_ID = "AKIAIOSFODNN7EXAMPLE"


def test_a_secret_echoed_by_a_failing_prowler_never_reaches_the_manifest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.setenv("SCANNER_API_TOKEN", "tok-83b1c0de")
    last = (
        f"error: bad credentials {KEY_ID} {SECRET_KEY} token tok-83b1c0de password=hunter2hunter in us-east-1"
    )
    prowler = _fake_prowler(tmp_path / "bin" / "prowler", tmp_path / "ran", exit_status=1, last_line=last)

    with pytest.raises(EnvError) as info:
        run_scan(_one_check_options(tmp_path, str(prowler)))

    stored = (tmp_path / "out" / "default" / MANIFEST_NAME).read_text()
    error = json.loads(stored)["error"]
    for secret in (SECRET_KEY, KEY_ID, "tok-83b1c0de", "hunter2hunter"):
        assert secret not in stored and secret not in info.value.message
    # What is not a secret stays, so the error still says what went wrong and where.
    assert error.startswith("prowler exited 1: error: bad credentials") and "us-east-1" in error

"""``poam scan --verify`` over two simulated accounts: real Prowler assumes a role into each moto account."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.support.moto import (
    ACCOUNT_ID,
    REGION,
    REPO_ROOT,
    TEST_CREDENTIALS,
    aws_env,
    seed_example_account,
)
from tests.support.workflows import workflow_step
from verifier.pipeline.bundle import SignatureStatus, verify_bundle
from verifier.pipeline.keys import keygen

pytestmark = pytest.mark.live

SECOND_ACCOUNT = "111111111111"
ENTRIES = ("POAM-002", "POAM-003")


def _iam_in(endpoint: str, account: str) -> Any:
    """An IAM client acting inside ``account`` through an assumed role (moto honours any account id)."""
    sts = boto3.client("sts", endpoint_url=endpoint, region_name=REGION, **_keys())
    creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/Scanner", RoleSessionName="seed")[
        "Credentials"
    ]
    return boto3.client(
        "iam",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )


def _keys() -> dict[str, str]:
    return {
        "aws_access_key_id": TEST_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": TEST_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    }


def _two_account_poam(path: Path) -> None:
    document = json.loads((REPO_ROOT / "poam.json").read_text(encoding="utf-8"))
    document["scope"]["accounts"] = [ACCOUNT_ID, SECOND_ACCOUNT]
    document["scope"]["role_name"] = "Scanner"
    document["entries"] = [e for e in document["entries"] if e["id"] in ENTRIES]
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")


def _scan_verify(poam: Path, out: Path, env: dict[str, str], *extra: str) -> subprocess.CompletedProcess[str]:
    """``poam scan --verify`` as a user runs it, in a subprocess with ``env`` pointing at moto."""
    command = [sys.executable, "-m", "verifier", "scan", "--poam", str(poam), "--out", str(out)]
    command += ["--mapping", str(REPO_ROOT / "mappings/cmmc-l2-aws.json"), "--verify", *extra]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=900, check=False)


def _plant_stale_fail(directory: Path) -> None:
    """An earlier run's output left in the target's directory: today's real scan passes the same check."""
    recorded = REPO_ROOT / "examples" / "prowler-output" / "prowler-output-123456789012-example.ocsf.json"
    findings = json.loads(recorded.read_text(encoding="utf-8"))
    for finding in findings:
        if finding["metadata"]["event_code"] == "iam_password_policy_symbol":
            finding["status_code"] = "FAIL"
    directory.mkdir(parents=True)
    (directory / "prowler-output-earlier.ocsf.json").write_text(json.dumps(findings), encoding="utf-8")


def test_scan_verify_gives_per_account_evidence(tmp_path: Path, prowler_bin: str, moto: str) -> None:
    poam = tmp_path / "poam.json"
    _two_account_poam(poam)
    _plant_stale_fail(tmp_path / "out" / "scan" / ACCOUNT_ID)
    seed_example_account(moto)  # compliant password policy in the first account
    _iam_in(moto, SECOND_ACCOUNT).update_account_password_policy(MinimumPasswordLength=8)
    env = {**aws_env(moto), "POAM_PROWLER_BIN": prowler_bin}
    keygen(tmp_path / "ci")
    ledger = tmp_path / "ledgers" / "nightly.jsonl"
    done = _scan_verify(
        poam,
        tmp_path / "out",
        env,
        *("--parallel", "2"),  # both accounts at once; the failing-target test below runs them in turn
        *("--history", str(ledger), "--sign-key", str(tmp_path / "ci.key")),
    )
    assert done.returncode == 0, done.stderr
    assert "scanned 2/2 target(s), 6 checks" in done.stderr
    # verify's own options pass through: the ledger goes where asked and the bundle is signed.
    lines = ledger.read_text(encoding="utf-8").splitlines()
    assert sorted(json.loads(line)["entry"] for line in lines) == list(ENTRIES)
    assert not (tmp_path / "poam-history.jsonl").exists()
    report = verify_bundle(tmp_path / "out" / "evidence.zip", tmp_path / "ci.pub")
    assert report.signature is SignatureStatus.VERIFIED, report.lines()
    assert sorted(p.name for p in (tmp_path / "out" / "scan").iterdir()) == [SECOND_ACCOUNT, ACCOUNT_ID]
    verification = json.loads((tmp_path / "out" / "verification.json").read_text())
    assert verification["accounts_seen"] == [SECOND_ACCOUNT, ACCOUNT_ID]
    verdicts = {e["id"]: e for e in verification["entries"]}
    assert verdicts["POAM-002"]["verdict"] == "NOT_MET"
    assert all(SECOND_ACCOUNT in r for r in verdicts["POAM-002"]["reasons"])
    findings = json.loads((tmp_path / "out" / "evidence" / "entries" / "POAM-002.json").read_text())[
        "findings"
    ]
    by_account = {(f["account"], f["status"]) for f in findings}
    assert (ACCOUNT_ID, "PASS") in by_account and (SECOND_ACCOUNT, "FAIL") in by_account
    assert (ACCOUNT_ID, "FAIL") not in by_account  # the planted earlier FAIL was not read
    assert not (tmp_path / "out" / "scan" / ACCOUNT_ID / "prowler-output-earlier.ocsf.json").exists()


def test_a_failing_target_does_not_lose_the_others(tmp_path: Path, prowler_bin: str, moto: str) -> None:
    poam = tmp_path / "poam.json"
    _two_account_poam(poam)
    credentials = tmp_path / "credentials"
    credentials.write_text(
        "[enclave]\n"
        f"aws_access_key_id = {TEST_CREDENTIALS['AWS_ACCESS_KEY_ID']}\n"
        f"aws_secret_access_key = {TEST_CREDENTIALS['AWS_SECRET_ACCESS_KEY']}\n",
        encoding="utf-8",
    )
    seed_example_account(moto)
    env = {**aws_env(moto), "POAM_PROWLER_BIN": prowler_bin}
    env |= {"AWS_SHARED_CREDENTIALS_FILE": str(credentials), "AWS_CONFIG_FILE": str(tmp_path / "none")}
    done = _scan_verify(poam, tmp_path / "out", env, "--profile", "enclave", "--profile", "no-such-profile")
    assert done.returncode == 0, done.stderr
    assert "scan failed for profile-no-such-profile" in done.stderr
    assert "scanned 1/2 target(s)" in done.stderr
    verification = json.loads((tmp_path / "out" / "verification.json").read_text())
    verdicts = {e["id"]: e for e in verification["entries"]}
    assert verdicts["POAM-002"]["verdict"] == "NOT_VERIFIED"
    assert {"code": "account_not_scanned", "account": SECOND_ACCOUNT} in [
        {"code": r["code"], "account": r["params"].get("account")}
        for r in verdicts["POAM-002"]["reason_codes"]
    ]
    assert verdicts["POAM-002"]["checks"]["iam_password_policy_symbol"]["pass"] == 1


def test_the_submission_and_nightly_workflow_steps_run_as_written(
    tmp_path: Path, prowler_bin: str, moto: str
) -> None:
    """poam-verify.yml's scan step gates on NOT MET; poam-scheduled.yml's compare step sees the change."""
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    shutil.copy(REPO_ROOT / "poam.json", workspace / "poam.json")
    shutil.copytree(REPO_ROOT / "mappings", workspace / "mappings")
    (workspace / ".venv" / "bin").mkdir(parents=True)
    (workspace / ".venv" / "bin" / "poam").symlink_to(Path(sys.executable).with_name("poam"))
    (workspace / ".venv-prowler" / "bin").mkdir(parents=True)
    (workspace / ".venv-prowler" / "bin" / "prowler").symlink_to(prowler_bin)
    outputs = tmp_path / "github-output"
    seed_example_account(moto)
    env = {**aws_env(moto), "AS_OF": "", "GITHUB_OUTPUT": str(outputs)}
    scan = workflow_step("poam-verify.yml", "verify", "Scan and verify (fails on NOT MET)")["run"]
    done = subprocess.run(  # noqa: S603 - the workflow's own script
        ["bash", "-e", "-c", scan], cwd=workspace, env=env, capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 1, done.stderr  # the seeded account leaves entries NOT MET: the gate holds
    verification = json.loads((workspace / "out" / "verification.json").read_text())
    assert "NOT_MET" in {e["verdict"] for e in verification["entries"]}
    assert (workspace / "out" / "summary.md").is_file() and (workspace / "out" / "evidence.zip").is_file()

    compare = workflow_step("poam-scheduled.yml", "scan", "Compare verdicts with the committed POA&M")["run"]
    # The committed example carries no verdicts, so the first comparison sees a change; once the updated
    # POA&M is committed (as the nightly PR does), the same verdicts are no change.
    assert _run_step(compare, workspace, env, outputs) == "changed=true\n"
    shutil.copy(workspace / "out" / "poam.json", workspace / "poam.json")
    assert _run_step(compare, workspace, env, outputs) == "changed=false\n"


def _run_step(script: str, workspace: Path, env: dict[str, str], outputs: Path) -> str:
    """Run one workflow step's script; return what it wrote to GITHUB_OUTPUT."""
    outputs.unlink(missing_ok=True)
    done = subprocess.run(  # noqa: S603 - the workflow's own script
        ["bash", "-e", "-c", script], cwd=workspace, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return outputs.read_text(encoding="utf-8")

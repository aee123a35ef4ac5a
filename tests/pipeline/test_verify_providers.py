"""``poam verify`` on a POA&M spanning AWS, Azure, Microsoft 365 and GCP, as a user runs it."""

from __future__ import annotations

import contextlib
import io
import json
import sys
from pathlib import Path

from verifier.cli import main
from verifier.errors import ExitCode

REPO = Path(__file__).resolve().parents[2]
MIXED = REPO / "tests" / "fixtures" / "poam" / "v2" / "mixed_enclave.json"
RECORDED = REPO / "tests" / "fixtures" / "prowler"


def verify(poam: Path, out: Path) -> tuple[int, str]:
    """``poam verify`` in-process: the exit code and what it printed on stderr."""
    argv, sys.argv = (
        sys.argv,
        [
            "poam",
            *("verify", "--poam", str(poam), "--mapping", str(REPO / "mappings" / "cmmc-l2-aws.json")),
            *("--findings", str(RECORDED / "plain"), "--findings", str(RECORDED / "providers")),
            *("--out", str(out), "--as-of", "2026-12-01", "--history", str(out.parent / "ledger.jsonl")),
        ],
    )
    stderr = io.StringIO()
    try:
        with contextlib.redirect_stderr(stderr):
            main()
    except SystemExit as exc:
        return int(exc.code or 0), stderr.getvalue()
    finally:
        sys.argv = argv
    return 0, stderr.getvalue()


def test_an_ambiguous_bare_check_is_exit_3_naming_both_providers_and_writes_nothing(tmp_path: Path) -> None:
    document = json.loads(MIXED.read_text())
    document["entries"][1]["verification"] = {
        "checks": ["entra_policy_ensure_default_user_cannot_create_tenants"]
    }
    poam = tmp_path / "poam.json"
    poam.write_text(json.dumps(document))
    before = poam.read_bytes()
    code, error = verify(poam, tmp_path / "out")
    assert code == ExitCode.INVALID_INPUT
    assert "ambiguous" in error and "azure and m365" in error
    assert not (tmp_path / "out").exists()
    assert poam.read_bytes() == before


def test_the_mixed_poam_verifies_per_provider(tmp_path: Path) -> None:
    assert verify(MIXED, tmp_path / "out")[0] == ExitCode.OK
    verification = json.loads((tmp_path / "out" / "verification.json").read_text())
    verdicts = {e["id"]: e["verdict"] for e in verification["entries"]}
    assert verdicts == {
        "MIX-001": "NOT_MET",
        "MIX-002": "MET",
        "MIX-003": "MET",
        "MIX-004": "NOT_MET",
        "MIX-005": "NOT_MET",
        "MIX-006": "MET",
        "MIX-007": "MET",
        "MIX-008": "NOT_VERIFIED",
    }
    assert set(verification["accounts_seen"]) >= {
        "123456789012",
        "contoso.onmicrosoft.us",
        "cui-enclave-prod",
    }

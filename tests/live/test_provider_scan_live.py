"""``poam scan`` for Azure, Microsoft 365 and GCP targets, checked against the real Prowler CLI.

No Azure, Graph or Google endpoint is reachable here, so these runs cannot authenticate: what is proven is
that Prowler's own argument parser accepts every command line the verifier builds, and that a target whose
provider cannot sign in fails alone, reported per target, while the GovCloud target on moto is judged.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.support.govcloud import govcloud_entries, govcloud_env, govcloud_poam, seed_govcloud_account
from tests.support.moto import REPO_ROOT
from verifier.inputs.mapping import load_mapping
from verifier.inputs.poam import parse_poam
from verifier.inputs.prowler_install import ProwlerInstall
from verifier.pipeline.provider_commands import parse_auth
from verifier.pipeline.scan import needed_checks_by_provider, provider_targets, prowler_argv

pytestmark = pytest.mark.live

MIXED = REPO_ROOT / "tests" / "fixtures" / "poam" / "v2" / "mixed_enclave.json"
MAPPING = load_mapping(REPO_ROOT / "mappings" / "cmmc-l2-aws.json")
AUTH_CHOICES = [
    (),
    ("azure=sp-env", "m365=sp-env", "gcp=credentials-file:/secrets/scan-key.json"),
    (
        "azure=managed-identity",
        "m365=certificate:/secrets/m365.pem",
        "gcp=impersonate:scan@p.iam.gserviceaccount.com",
    ),
]
# Parses each argv (without the program name) with Prowler's own parser and its provider validation.
PARSE = """
import json, sys
from prowler.lib.cli.parser import ProwlerArgumentParser
results = []
for argv in json.load(sys.stdin):
    try:
        args = ProwlerArgumentParser().parse(["prowler", *argv])
    except SystemExit as exc:
        results.append({"exit": exc.code})
        continue
    results.append({k: v for k, v in vars(args).items() if isinstance(v, (str, bool, list, type(None)))})
print(json.dumps(results))
"""


def mixed() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(MIXED.read_text())
    return loaded


def prowler_python(prowler_bin: str) -> str:
    return str(Path(prowler_bin).resolve().parent / "python")


def test_prowler_parses_every_command_line_poam_scan_builds(prowler_bin: str, tmp_path: Path) -> None:
    """Each authentication choice's command lines, parsed in one start of Prowler's interpreter."""
    poam = parse_poam(MIXED.read_bytes(), "mixed.json").poam
    checks = needed_checks_by_provider(poam, MAPPING, all_practices=False)
    argvs = [
        prowler_argv(ProwlerInstall(Path(prowler_bin)), t, checks[t.provider], (), tmp_path)[1:]
        for auth in AUTH_CHOICES
        for t in provider_targets(poam, parse_auth(auth))
    ]
    done = subprocess.run(  # noqa: S603 - Prowler's own interpreter, fixed script
        [prowler_python(prowler_bin), "-c", PARSE],
        input=json.dumps(argvs),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    parsed = json.loads(done.stdout.strip().splitlines()[-1])
    assert len(parsed) == 3 * len(AUTH_CHOICES)
    for auth, (azure, m365, gcp) in zip(
        AUTH_CHOICES, (parsed[i : i + 3] for i in range(0, len(parsed), 3)), strict=True
    ):
        assert [p.get("exit") for p in (azure, m365, gcp)] == [None, None, None], (auth, done.stderr)
        assert azure["provider"] == "azure" and azure["azure_region"] == "AzureUSGovernment"
        assert azure["subscription_id"] == mixed()["scope"][1]["accounts"]
        assert m365["provider"] == "m365" and m365["region"] == "M365USGovernment"
        assert gcp["provider"] == "gcp" and gcp["project_id"] == ["cui-enclave-prod"]
        assert sorted(azure["check"]) == list(checks["azure"])


def test_targets_that_cannot_sign_in_fail_alone_and_their_entries_are_not_verified(
    tmp_path: Path, prowler_bin: str, moto: str
) -> None:
    doc = govcloud_poam()
    other_targets = mixed()["scope"][1:]  # azure, m365, gcp
    doc["scope"] += other_targets
    doc["entries"] = [
        *govcloud_entries(),
        *[e for e in mixed()["entries"] if e["id"] in ("MIX-002", "MIX-003", "MIX-007")],
    ]
    for entry in doc["entries"][:2]:
        entry["verification"]["scope"]["accounts"] = ["123456789012"]
    poam = tmp_path / "poam.json"
    poam.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    command = [sys.executable, "-m", "verifier", "scan", "--poam", str(poam), "--out", str(tmp_path / "out")]
    command += ["--mapping", str(REPO_ROOT / "mappings" / "cmmc-l2-aws.json"), "--verify", "--parallel", "4"]
    seed_govcloud_account(moto)
    env = {**govcloud_env(moto), "POAM_PROWLER_BIN": prowler_bin}
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=1800, check=False)  # noqa: S603
    assert done.returncode == 0, done.stderr
    for label in (
        "azure-8c3f1a2b-5d6e-4f70-8a9b-1c2d3e4f5a6b",
        "m365-contoso.onmicrosoft.us",
        "gcp-cui-enclave-prod",
    ):
        assert f"scan failed for {label}: prowler exited" in done.stderr
    assert "scanned 1/4 target(s)" in done.stderr
    verdicts = {
        e["id"]: e for e in json.loads((tmp_path / "out" / "verification.json").read_text())["entries"]
    }
    assert verdicts["GOV-001"]["verdict"] == "MET"
    assert verdicts["GOV-002"]["verdict"] == "NOT_MET"
    for entry_id, account in (
        ("MIX-002", "contoso.onmicrosoft.us"),
        ("MIX-003", "8c3f1a2b-5d6e-4f70-8a9b-1c2d3e4f5a6b"),
        ("MIX-007", "cui-enclave-prod"),
    ):
        assert verdicts[entry_id]["verdict"] == "NOT_VERIFIED"
        # Each of the entry's objectives with checks says which account was never scanned.
        assert {"code": "account_not_scanned", "account": account} in [
            {"code": r["code"], "account": r["params"].get("account")}
            for r in verdicts[entry_id]["reason_codes"]
        ]

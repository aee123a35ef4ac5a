"""The shipped mapping is exactly what ``poam mapping sync`` builds from the installed Prowler."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.moto import REPO_ROOT

pytestmark = pytest.mark.live


def _poam(*args: str) -> subprocess.CompletedProcess[str]:
    # `mapping check` lists the checks of all six providers (half a minute of CPU each): minutes on a busy machine.
    return subprocess.run(
        [sys.executable, "-m", "verifier", *args], capture_output=True, text=True, timeout=1800, check=False
    )


@pytest.fixture(scope="module")
def synced(
    listing_prowler_bin: str, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """One ``mapping sync`` (seven Prowler starts, whose answers the ``mapping check`` runs below replay)
    whose outputs the tests below only read.

    It syncs over a copy of the shipped mapping, as a maintainer does: the objective assignments are
    curated by hand and kept by sync, so only a sync over them can reproduce the shipped file.
    """
    out = tmp_path_factory.mktemp("sync") / "mapping.json"
    shutil.copyfile(REPO_ROOT / "mappings" / "cmmc-l2-aws.json", out)
    return out, _poam("mapping", "sync", "--prowler-bin", listing_prowler_bin, "--out", str(out))


def test_sync_regenerates_the_shipped_mapping(synced: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    out, done = synced
    assert done.returncode == 0, done.stderr
    shipped = json.loads((REPO_ROOT / "mappings" / "cmmc-l2-aws.json").read_text(encoding="utf-8"))
    assert json.loads(out.read_text(encoding="utf-8")) == shipped
    assert "55 practices with AWS checks" in done.stdout  # sync counts AWS alone


def test_sync_regenerates_the_shipped_check_list(
    synced: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    out, done = synced
    assert done.returncode == 0, done.stderr
    listed = out.with_name("prowler-checks.json")
    shipped = (REPO_ROOT / "mappings" / "prowler-checks.json").read_bytes()
    assert listed.read_bytes() == shipped
    assert f"wrote {listed}: every check id of Prowler 5.46.0 per provider" in " ".join(done.stdout.split())


def test_sync_covers_six_providers_with_provenance_for_every_check(
    synced: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    out, done = synced
    assert done.returncode == 0, done.stderr
    assert (
        "aws 55/106, alibabacloud 36/52, azure 36/103, gcp 33/60, m365 28/67, oraclecloud 25/41"
        in done.stdout
    )
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["source"]["providers"] == ["aws", "alibabacloud", "azure", "gcp", "m365", "oraclecloud"]
    for pid, body in document["practices"].items():
        for provider in document["source"]["providers"]:
            assert sorted(body["sources"].get(provider, {})) == body.get(provider, []), (pid, provider)


def test_check_accepts_the_shipped_mapping_against_prowler(listing_prowler_bin: str) -> None:
    mapping = str(REPO_ROOT / "mappings" / "cmmc-l2-aws.json")
    done = _poam("mapping", "check", "--mapping", mapping, "--prowler-bin", listing_prowler_bin)
    assert done.returncode == 0, done.stderr
    assert "checked against Prowler 5.46.0" in done.stdout


def test_check_names_a_check_prowler_does_not_know(listing_prowler_bin: str, tmp_path: Path) -> None:
    document = json.loads((REPO_ROOT / "mappings" / "cmmc-l2-aws.json").read_text(encoding="utf-8"))
    document["practices"]["SC.L2-3.13.16"]["aws"].append("s3_bucket_is_made_of_cheese")
    broken = tmp_path / "mapping.json"
    broken.write_text(json.dumps(document), encoding="utf-8")
    done = _poam("mapping", "check", "--mapping", str(broken), "--prowler-bin", listing_prowler_bin)
    assert done.returncode == 3
    assert "s3_bucket_is_made_of_cheese" in done.stderr


def test_check_validates_each_provider_against_its_own_check_list(
    listing_prowler_bin: str, tmp_path: Path
) -> None:
    # Each provider the mapping lists is checked against its own `prowler <provider> --list-checks-json`.
    shipped = json.loads((REPO_ROOT / "mappings" / "cmmc-l2-aws.json").read_text(encoding="utf-8"))
    body = shipped["practices"]["AC.L2-3.1.1"]
    practice = {"aws": body["aws"], "azure": [*body["azure"], "s3_bucket_public_access"]}
    document = {"schema_version": 2, "source": shipped["source"], "practices": {"AC.L2-3.1.1": practice}}
    path = tmp_path / "mapping.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    done = _poam("mapping", "check", "--mapping", str(path), "--prowler-bin", listing_prowler_bin)
    assert done.returncode == 3
    # An AWS check id listed under azure is unknown there: each provider answers for its own ids.
    stderr = " ".join(done.stderr.split())  # the console wraps long lines
    assert "AC.L2-3.1.1: azure check 's3_bucket_public_access' is not known" in stderr
    assert "1 problem(s)" in stderr


def test_missing_prowler_is_an_environment_error(tmp_path: Path) -> None:
    done = _poam(
        "mapping", "sync", "--prowler-bin", str(tmp_path / "prowler"), "--out", str(tmp_path / "m.json")
    )
    assert done.returncode == 4
    assert "make prowler" in done.stderr
    assert not (tmp_path / "m.json").exists()

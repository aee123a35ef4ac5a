"""One scan, read from each of Prowler's formats, must say the same thing about every resource."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.inputs.findings.recorded import (
    CMMC_COMPLIANCE_CSV,
    MUTED_ASFF,
    MUTED_CSV,
    MUTED_OCSF,
    PLAIN_ASFF,
    PLAIN_CSV,
    PLAIN_OCSF,
    signatures,
)
from verifier.inputs.findings import load_findings
from verifier.model import Finding, Status

RUNS = {"plain": (PLAIN_OCSF, PLAIN_CSV, PLAIN_ASFF), "muted": (MUTED_OCSF, MUTED_CSV, MUTED_ASFF)}


def read(path: Path) -> tuple[Finding, ...]:
    return load_findings([path]).findings


@pytest.mark.parametrize("run", sorted(RUNS))
def test_ocsf_and_csv_agree_on_everything(run: str) -> None:
    ocsf, csv, _ = RUNS[run]

    def comparable(f: Finding) -> tuple[object, ...]:
        return (f.check_id, f.status, f.muted, f.account, f.region, f.resource_uid, f.finding_uid, f.time)

    assert sorted(map(comparable, read(ocsf))) == sorted(map(comparable, read(csv)))
    assert {f.prowler_version for f in read(ocsf)} == {f.prowler_version for f in read(csv)}


@pytest.mark.parametrize("run", sorted(RUNS))
def test_asff_agrees_except_for_manual_findings(run: str) -> None:
    # ASFF drops MANUAL results and has its own finding ids; the rest must match.
    ocsf, _, asff = RUNS[run]
    without_manual = [f for f in read(ocsf) if f.status is not Status.MANUAL]
    assert signatures(read(asff)) == signatures(without_manual)
    assert {(f.account, f.region, f.time) for f in read(asff)} == {
        (f.account, f.region, f.time) for f in read(ocsf)
    }


def test_the_muted_run_differs_from_the_plain_run_only_by_the_mute() -> None:
    plain = {(f.check_id, f.resource_uid): f for f in read(PLAIN_OCSF)}
    muted = {(f.check_id, f.resource_uid): f for f in read(MUTED_OCSF)}
    assert plain.keys() == muted.keys()
    changed = [key for key in plain if plain[key].muted != muted[key].muted]
    assert changed == [("s3_bucket_default_encryption", "arn:aws:s3:::cui-legacy-unencrypted")]
    assert all(plain[key].status == muted[key].status for key in plain)


@pytest.mark.parametrize("path", [PLAIN_OCSF, PLAIN_CSV, PLAIN_ASFF, CMMC_COMPLIANCE_CSV])
def test_every_format_names_the_provider_it_was_scanned_with(path: Path) -> None:
    # Account ids are unique only within a provider, so each finding carries its provider from the file.
    assert {f.provider for f in read(path)} == {"aws"}

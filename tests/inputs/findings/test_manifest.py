"""When a scan manifest proves its scan complete: only Prowler arguments ``poam scan`` passes itself."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from verifier.inputs.findings.manifest import ScanManifest, parse_manifest
from verifier.inputs.prowler_install import ProwlerInstall
from verifier.model import ScopeTarget
from verifier.pipeline.provider_commands import AuthChoice, target_argv
from verifier.pipeline.scan import Target, prowler_argv
from verifier.providers import PROVIDERS

RECORDED = Path(__file__).resolve().parents[2] / "fixtures" / "supersession" / "newer" / "scan-manifest.json"
CHECK = "s3_bucket_default_encryption"
REGION = "us-east-1"
PROWLER = ProwlerInstall(Path("/opt/prowler/bin/prowler"))


def _manifest(
    args: tuple[str, ...] | None, *, provider: str = "aws", regions: tuple[str, ...] = (REGION,)
) -> ScanManifest:
    moment = datetime(2026, 12, 1, tzinfo=UTC)
    return ScanManifest(
        location="scan/scan-manifest.json",
        directory="scan/",
        provider=provider,
        account=None,
        regions=regions,
        checks=(CHECK,),
        prowler_version="5.46.0",
        exit_status=0,
        succeeded=True,
        started=moment,
        ended=moment,
        prowler_args=args,
        outputs=(),
    )


def _poam_scan_args(target: Target, regions: tuple[str, ...] = (REGION,)) -> tuple[str, ...]:
    return tuple(prowler_argv(PROWLER, target, (CHECK,), regions, Path("out/.default.partial"))[1:])


def test_the_recorded_poam_scan_manifest_is_complete() -> None:
    manifest = parse_manifest(RECORDED.read_bytes(), str(RECORDED))
    assert manifest.prowler_args is not None and manifest.prowler_args[0] == "aws"
    assert manifest.incompleteness() is None


@pytest.mark.parametrize(
    "target",
    [
        Target("default", None, (), "aws"),
        Target("profile-audit", None, ("-p", "audit"), "aws"),
        Target("123456789012", "123456789012", ("-R", "arn:aws:iam::123456789012:role/Audit"), "aws"),
    ],
)
def test_every_aws_command_of_poam_scan_is_complete(target: Target) -> None:
    assert _manifest(_poam_scan_args(target)).incompleteness() is None
    # Without regions Prowler scans every region: complete for the manifest's "every region" too.
    assert _manifest(_poam_scan_args(target, ()), regions=()).incompleteness() is None


@pytest.mark.parametrize(
    ("provider", "method"),
    [(name, method) for name, spec in PROVIDERS.items() for method in spec.command.auth],
)
def test_every_other_provider_command_of_poam_scan_is_complete(provider: str, method: str) -> None:
    command = PROVIDERS[provider].command
    value = "/keys/value" if command.auth[method].value_flag else ""
    scope = ScopeTarget(provider=provider, accounts=("00000000-0000-0000-0000-000000000001",))
    args = target_argv(scope, AuthChoice(provider, method, value))
    target = Target(f"{provider}-x", None, args, provider, ())
    manifest = _manifest(_poam_scan_args(target, ()), provider=provider, regions=())
    assert manifest.incompleteness() is None


COMPLETE = ("aws", "-f", REGION, "--checks", CHECK, "-M", "json-ocsf", "csv", "-o", "out", "--no-banner")


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        (("--status", "PASS"), "--status"),
        (("--status=PASS",), "--status"),
        (("--resource-arn", "arn:aws:s3:::cui-data"), "--resource-arn"),
        (("--resource-tag", "Environment=prod"), "--resource-tag"),
        (("--excluded-service", "s3"), "--excluded-service"),
        (("--excluded-services", "s3"), "--excluded-services"),
        (("-e", CHECK), "-e"),
        (("--severity", "critical"), "--severity"),
        (("--service", "ec2"), "--service"),
        (("--mutelist-file", "mute.yaml"), "--mutelist-file"),
        (("--STATUS", "PASS"), "--STATUS"),  # Prowler would refuse it; never harmless here
    ],
)
def test_a_filter_makes_the_scan_incomplete(extra: tuple[str, ...], named: str) -> None:
    gap = _manifest((*COMPLETE, *extra)).incompleteness()
    assert gap is not None and named in gap


def test_a_stray_argument_makes_the_scan_incomplete() -> None:
    gap = _manifest(("aws", "PASS", *COMPLETE[1:])).incompleteness()
    assert gap is not None and "'PASS'" in gap


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (None, "records no Prowler arguments"),
        ((), "do not scan aws"),
        (("azure", *COMPLETE[1:]), "do not scan aws"),
        (("aws", "-f", REGION, "--checks", "s3_bucket_public_access"), "every check"),
        (("aws", "-f", "eu-west-1", "--checks", CHECK), "every region"),
    ],
)
def test_arguments_that_do_not_match_the_manifest_prove_nothing(
    args: tuple[str, ...] | None, says: str
) -> None:
    gap = _manifest(args).incompleteness()
    assert gap is not None and says in gap


def test_a_region_filter_under_an_every_region_manifest_is_incomplete() -> None:
    assert _manifest(COMPLETE, regions=()).incompleteness() is not None


def test_a_failed_scan_is_never_complete() -> None:
    assert replace(_manifest(COMPLETE), succeeded=False).incompleteness() is not None


def test_the_arguments_round_trip_through_the_manifest_file() -> None:
    manifest = _manifest(COMPLETE)
    again = parse_manifest(json.dumps(manifest.to_json()).encode(), "scan/scan-manifest.json")
    assert again.prowler_args == COMPLETE and again.incompleteness() is None
    old = manifest.to_json()
    del old["prowler_args"]  # a manifest of an older poam scan
    assert parse_manifest(json.dumps(old).encode(), "x/scan-manifest.json").prowler_args is None


def test_a_manifest_without_output_digests_proves_nothing() -> None:
    gap = replace(_manifest(COMPLETE), outputs=None).incompleteness()
    assert gap is not None and "digests of its output files" in gap


def test_the_output_digests_round_trip_and_name_the_very_bytes() -> None:
    digest = "0" * 64
    manifest = replace(_manifest(COMPLETE), outputs=(("prowler-output-default.csv", digest),))
    again = parse_manifest(json.dumps(manifest.to_json()).encode(), "scan/scan-manifest.json")
    assert again.outputs == manifest.outputs
    assert again.recorded("prowler-output-default.csv", digest)
    assert not again.recorded("prowler-output-default.csv", "1" * 64)
    assert not again.recorded("prowler-output-default.ocsf.json", digest)

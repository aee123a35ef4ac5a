"""The recorded Prowler outputs under ``tests/fixtures/prowler`` (see its README) and raw views of them.

The raw views parse the files independently of the readers under test, so a test can compare what a
reader produced with what the file actually says.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from verifier.model import Finding, Status

PROWLER = Path(__file__).resolve().parents[2] / "fixtures" / "prowler"
PLAIN = PROWLER / "plain"
MUTED = PROWLER / "muted"
CMMC = PROWLER / "cmmc"

PLAIN_OCSF = PLAIN / "plain.ocsf.json"
PLAIN_CSV = PLAIN / "plain.csv"
PLAIN_ASFF = PLAIN / "plain.asff.json"
MUTED_OCSF = MUTED / "muted.ocsf.json"
MUTED_CSV = MUTED / "muted.csv"
MUTED_ASFF = MUTED / "muted.asff.json"
CMMC_CSV = CMMC / "cmmc.csv"
CMMC_COMPLIANCE_CSV = CMMC / "compliance" / "cmmc_cmmc_2.0.csv"
CMMC_COMPLIANCE_OCSF_GZ = CMMC / "compliance" / "cmmc_cmmc_2.0.ocsf.json.gz"

ACCOUNT = "123456789012"
REGION = "us-east-1"
PROWLER_VERSION = "5.46.0"
MUTED_BUCKET_ARN = "arn:aws:s3:::cui-legacy-unencrypted"
CHECKS = {
    "s3_bucket_default_encryption",
    "kms_cmk_rotation_enabled",
    "iam_password_policy_minimum_length_14",
    "cloudtrail_log_file_validation_enabled",
    "account_maintain_current_contact_details",
}

Signature = tuple[str, Status, bool, str]


def raw_json(path: Path) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return records


def raw_rows(path: Path) -> list[dict[str, str]]:
    text = path.read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))


def signatures(findings: Iterable[Finding]) -> set[Signature]:
    """What a verdict depends on, per finding: comparable across formats."""
    return {(f.check_id, f.status, f.muted, f.resource_uid) for f in findings}


COMPLIANCE_CSV_HEAD = CMMC_COMPLIANCE_CSV.read_bytes()[:4096]

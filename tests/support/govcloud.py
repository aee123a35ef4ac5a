"""A simulated AWS GovCloud (us-gov-west-1) account on the moto server, and a POA&M scoped to it.

Shared by the GovCloud live test and ``examples/record_govcloud.py``. moto serves us-gov-west-1 and answers
STS in the ``aws-us-gov`` partition, so real Prowler assuming ``arn:aws-us-gov:iam::…:role/ProwlerScan``
writes GovCloud ARNs, as it would in a real GovCloud account.

* ``cui-records``: default SSE (AES256) — compliant;
* ``cui-legacy-exports``: no default encryption — not compliant.
"""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config

from tests.support.moto import ACCOUNT_ID, TEST_CREDENTIALS, aws_env

GOV_REGION = "us-gov-west-1"
ROLE_NAME = "ProwlerScan"
COMPLIANT_BUCKET = "cui-records"
NONCOMPLIANT_BUCKET = "cui-legacy-exports"
CHECK = "s3_bucket_default_encryption"


def govcloud_env(endpoint: str) -> dict[str, str]:
    """``aws_env`` with GovCloud as the default region (what configure-aws-credentials sets in a workflow)."""
    return {**aws_env(endpoint), "AWS_DEFAULT_REGION": GOV_REGION, "AWS_REGION": GOV_REGION}


def seed_govcloud_account(endpoint: str) -> None:
    """Create the two CUI buckets in us-gov-west-1, one with default encryption and one without."""
    s3 = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=GOV_REGION,
        aws_access_key_id=TEST_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=TEST_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        config=Config(proxies={}),
    )
    for bucket in (COMPLIANT_BUCKET, NONCOMPLIANT_BUCKET):
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": GOV_REGION})
    default_sse = {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}
    s3.put_bucket_encryption(Bucket=COMPLIANT_BUCKET, ServerSideEncryptionConfiguration=default_sse)


def govcloud_target() -> dict[str, Any]:
    """The scope target: one GovCloud account, its region, and the role every scan assumes in it."""
    return {"provider": "aws", "accounts": [ACCOUNT_ID], "regions": [GOV_REGION], "role_name": ROLE_NAME}


def govcloud_entries() -> list[dict[str, Any]]:
    """Two entries on one check, told apart by the buckets they are about."""
    return [
        _entry("GOV-001", COMPLIANT_BUCKET, "CUI records bucket lacked default encryption at rest."),
        _entry("GOV-002", NONCOMPLIANT_BUCKET, "Legacy CUI export bucket has no default encryption at rest."),
    ]


def _entry(entry_id: str, bucket: str, finding: str) -> dict[str, Any]:
    return {
        "id": entry_id,
        "practice_id": "SC.L2-3.13.16",
        "finding": f"{finding} (s3://{bucket}, us-gov-west-1)",
        "root_cause": "Buckets created before the enclave baseline required default encryption.",
        "owner": {"name": "Dana Whitfield", "role": "Cloud Security Engineer"},
        "milestones": [
            {"title": "Enable default SSE on the bucket", "due": "2026-12-15", "status": "in_progress"}
        ],
        "verification": {"checks": [CHECK], "scope": {"resources": [f"arn:aws-us-gov:s3:::{bucket}"]}},
        "status": "open",
        "created": "2026-09-14",
    }


def govcloud_poam() -> dict[str, Any]:
    """A schema_version 2 POA&M whose only scope target is the GovCloud account."""
    return {
        "schema_version": 2,
        "organization": "Ridgeline Avionics, Inc.",
        "system": "Program Delta CUI Enclave (AWS GovCloud)",
        "assessment": {
            "level": 2,
            "type": "c3pao",
            "assessment_date": "2026-09-14",
            "conditional_status_date": "2026-09-28",
        },
        "scope": [govcloud_target()],
        "entries": govcloud_entries(),
    }

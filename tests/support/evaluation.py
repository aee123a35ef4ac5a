"""The findings, entries, scope and mapping that evaluation tests build on: one AWS account and region, the
CloudTrail practice AU.L2-3.3.8 and its two checks, findings stamped as Prowler 5.46.0 writes them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

from verifier.inputs.mapping import CheckMapping
from verifier.model import Entry, EntryStatus, Finding, Scope, ScopeTarget, Status, Verification

AS_OF = date(2026, 11, 20)
SCANNED = datetime(2026, 11, 19, 14, 0, tzinfo=UTC)
ACCOUNT = "123456789012"
SECOND_ACCOUNT = "111111111111"
OUTSIDE_ACCOUNT = "999999999999"
REGION = "us-east-1"
OTHER_REGION = "us-west-2"
KMS = "cloudtrail_kms_encryption_enabled"
VALIDATION = "cloudtrail_log_file_validation_enabled"
S3_ENCRYPTION = "s3_bucket_default_encryption"
PRACTICE = "AU.L2-3.3.8"


def aws_target(*accounts: str, regions: tuple[str, ...] = ()) -> ScopeTarget:
    """The POA&M's scope as the loader gives it: one AWS target (a version 1 scope object reads as this)."""
    return ScopeTarget(provider="aws", accounts=accounts, regions=regions, partition="aws")


POAM_TARGET = aws_target(ACCOUNT, regions=(REGION,))
# The two CloudTrail checks evidence 3.3.8[a] (access) and [b] (modification); nothing evidences [c]-[f].
MAPPING = CheckMapping(
    practices={
        PRACTICE: {"aws": (KMS, VALIDATION, S3_ENCRYPTION)},
        "SC.L2-3.13.11": {"aws": (KMS, VALIDATION)},
    },
    objectives={
        PRACTICE: {"3.3.8[a]": {"aws": (KMS, S3_ENCRYPTION)}, "3.3.8[b]": {"aws": (VALIDATION,)}},
        "SC.L2-3.13.11": {"3.13.11[a]": {"aws": (KMS, VALIDATION)}},
    },
)
# What the assessment found NOT MET in the default entry: the objectives its two checks evidence.
CHECKED = ("3.3.8[a]", "3.3.8[b]")


def make_finding(
    check: str = KMS,
    status: Status = Status.PASS,
    *,
    muted: bool = False,
    account: str = ACCOUNT,
    region: str = REGION,
    resource: str | None = None,
    time: datetime = SCANNED,
    uid: str | None = None,
) -> Finding:
    """A normalised finding; the uid is stable per check, account, region and resource, as Prowler's is."""
    resource = resource or f"arn:aws:cloudtrail:{region}:{account}:trail/org-trail"
    return Finding(
        check_id=check,
        status=status,
        muted=muted,
        account=account,
        region=region,
        resource_uid=resource,
        finding_uid=uid if uid is not None else f"prowler-aws-{check}-{account}-{region}-{resource}",
        time=time,
        prowler_version="5.46.0",
        source_file="scan.ocsf.json",
        status_extended="",
        severity="",
        provider="aws",
    )


def make_entry(
    checks: Sequence[str] | None = (KMS, VALIDATION),
    *,
    scope: Scope | None = None,
    practice_id: str = PRACTICE,
    entry_id: str = "POAM-001",
    objectives: Sequence[str] | None = CHECKED,
) -> Entry:
    return Entry(
        id=entry_id,
        practice_id=practice_id,
        finding="CloudTrail logs are not encrypted or integrity-validated.",
        root_cause="Template predates the logging baseline.",
        owner=None,
        milestones=(),
        resources=None,
        verification=Verification(checks=tuple(checks) if checks is not None else None, scope=scope),
        status=EntryStatus.OPEN,
        created=None,
        objectives=tuple(objectives) if objectives is not None and practice_id == PRACTICE else None,
    )

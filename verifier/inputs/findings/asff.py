"""Prowler's AWS Security Finding Format output (``*.asff.json``): one JSON array of ASFF findings.

ASFF loses two things the other formats keep: MANUAL findings are dropped by Prowler, and a muted
finding's status is replaced by WARNING whatever it was. WARNING is therefore read as a muted FAIL,
the reading that can never make a practice look better than it is.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any

import msgspec

from verifier.errors import FindingsFormatError
from verifier.inputs.findings.normalize import (
    dotted,
    first_time,
    lookup,
    optional_text,
    require_identity,
    required_text,
)
from verifier.inputs.findings.typed import JsonArrayReader, TypedFormat, typed_time
from verifier.model import DEFAULT_PROVIDER, Finding, FindingRow, Status
from verifier.providers import identity_fault

_GENERATOR_PREFIX = "prowler-"
# Compliance.Status → (status, muted); see prowler/lib/outputs/asff/asff.py generate_status.
_COMPLIANCE_STATUS = {
    "PASSED": (Status.PASS, False),
    "FAILED": (Status.FAIL, False),
    "WARNING": (Status.FAIL, True),
    "NOT_AVAILABLE": (Status.MANUAL, False),
}


FORMAT = "asff"


# --- typed decoding: exactly the fields ``_finding`` reads ------------------------------------------------

NonEmpty = Annotated[str, msgspec.Meta(min_length=1)]


class _Compliance(msgspec.Struct, rename="pascal"):
    status: str | None = None


class _Resource(msgspec.Struct, rename="pascal"):
    id: NonEmpty
    region: str | None = None


class _ProductFields(msgspec.Struct, rename="pascal"):
    provider_version: str | None = None


class _Severity(msgspec.Struct, rename="pascal"):
    label: str | None = None


class AsffRecord(msgspec.Struct, rename="pascal"):
    """The fields of an ASFF finding a verdict uses; every other field is skipped unbuilt."""

    generator_id: NonEmpty
    compliance: _Compliance
    aws_account_id: NonEmpty
    resources: Annotated[list[_Resource], msgspec.Meta(min_length=1)]
    id: NonEmpty
    updated_at: str | int | float | None = None
    created_at: str | int | float | None = None
    product_fields: _ProductFields | None = None
    description: str | None = None
    severity: _Severity | None = None


def from_record(record: AsffRecord, source: str, location: tuple[int, int, int]) -> FindingRow | None:
    """The ``Finding`` row of a typed record found at ``location``, or None when ``_finding`` must judge it
    (and word any error)."""
    mapped = _COMPLIANCE_STATUS.get(record.compliance.status or "")
    check_id = record.generator_id.removeprefix(_GENERATOR_PREFIX)
    region = record.resources[0].region
    when = typed_time(record.updated_at, record.created_at)
    if mapped is None or check_id == record.generator_id or not check_id or not region or when is None:
        return None  # a top-level Region instead of the resource's, or anything _finding refuses
    if identity_fault(DEFAULT_PROVIDER, record.aws_account_id, region) is not None:
        return None
    status, muted = mapped
    fields, severity = record.product_fields, record.severity
    # In ``Finding``'s field order (see ``_finding``, which names them): positional is the fast call.
    return FindingRow(
        check_id,
        status,
        muted,
        record.aws_account_id,
        region,
        record.resources[0].id,
        record.id,
        when,
        (fields.provider_version or "") if fields is not None else "",
        source,
        record.description or "",
        (severity.label or "").lower() if severity is not None else "",
        DEFAULT_PROVIDER,
        location,
    )


def _finding(record: Any, where: str, source: str) -> Finding:
    if not isinstance(record, dict):
        raise FindingsFormatError(f"{where}: expected a JSON object (an ASFF finding)")
    status, muted = _compliance_status(record, where)
    check_id = _check_id(record, where)
    account, region = _identity(record, where)
    return Finding(
        check_id=check_id,
        status=status,
        muted=muted,
        account=account,
        region=region,
        resource_uid=required_text(record, ("Resources", 0, "Id"), where),
        finding_uid=required_text(record, ("Id",), where),
        time=first_time(record, ("UpdatedAt", "CreatedAt"), where),
        prowler_version=optional_text(record, ("ProductFields", "ProviderVersion"), where),
        source_file=source,
        status_extended=optional_text(record, ("Description",), where),
        severity=optional_text(record, ("Severity", "Label"), where).lower(),
        provider=DEFAULT_PROVIDER,  # ASFF is AWS Security Hub's format: it names no provider
    )


def _compliance_status(record: dict[str, Any], where: str) -> tuple[Status, bool]:
    if not isinstance(record.get("Compliance"), dict):
        raise FindingsFormatError(f"{where}: Compliance is missing, so the finding has no status")
    value = lookup(record, ("Compliance", "Status"))
    mapped = _COMPLIANCE_STATUS.get(value) if isinstance(value, str) else None
    if mapped is None:
        expected = ", ".join(_COMPLIANCE_STATUS)
        raise FindingsFormatError(f"{where}: unknown Compliance.Status {value!r} (expected {expected})")
    return mapped


def _check_id(record: dict[str, Any], where: str) -> str:
    generator = required_text(record, ("GeneratorId",), where)
    check_id = generator.removeprefix(_GENERATOR_PREFIX)
    if check_id == generator or not check_id:
        raise FindingsFormatError(f"{where}: GeneratorId {generator!r} is not 'prowler-<check id>'")
    return check_id


def _identity(record: dict[str, Any], where: str) -> tuple[str, str]:
    """The finding's AWS account and region, each exactly as Prowler writes them (ASFF is AWS only)."""
    # Prowler writes the region on the resource; a top-level Region is honoured if a tool adds one.
    region_path = _RESOURCE_REGION
    if lookup(record, _RESOURCE_REGION) is None and "Region" in record:
        region_path = ("Region",)
    identity = (
        DEFAULT_PROVIDER,
        required_text(record, _ACCOUNT, where),
        required_text(record, region_path, where),
    )
    require_identity(identity, ("provider", dotted(_ACCOUNT), dotted(region_path)), where)
    return identity[1], identity[2]


_ACCOUNT = ("AwsAccountId",)
_RESOURCE_REGION: tuple[str | int, ...] = ("Resources", 0, "Region")


TYPED: TypedFormat[AsffRecord] = TypedFormat(AsffRecord, convert=from_record, judge=_finding)

AsffReader = partial(JsonArrayReader, FORMAT, ".asff.json", (b'"SchemaVersion"', b'"GeneratorId"'), TYPED)
"""Reads Prowler's ASFF JSON findings: ``*.asff.json``, or any ``*.json`` whose start looks like one of its findings."""

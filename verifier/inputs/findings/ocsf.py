"""Prowler's OCSF output (``*.ocsf.json``): one JSON array of OCSF Detection Findings (class 2004).

The primary format: it carries everything a verdict needs, including the exact scan time
(``time``, epoch seconds) and the mute state (``status`` "Suppressed").
"""

from __future__ import annotations

from functools import partial
from sys import intern
from typing import Annotated, Any, Literal

import msgspec

from verifier.errors import FindingsFormatError
from verifier.inputs.findings.normalize import (
    first_time,
    lookup,
    optional_text,
    parse_status,
    require_identity,
    required_text,
)
from verifier.inputs.findings.typed import JsonArrayReader, TypedFormat, typed_time
from verifier.model import DEFAULT_PROVIDER, Finding, FindingRow, Status
from verifier.providers import identity_fault

_DETECTION_FINDING = 2004
_COMPLIANCE_FINDING = 2003
_SUPPRESSED = "Suppressed"
_STATUS = {status.value: status for status in Status}
_PROVIDER = ("cloud", "provider")
_ACCOUNT = ("cloud", "account", "uid")
_REGION = ("cloud", "region")
_IDENTITY_FIELDS = ("cloud.provider", "cloud.account.uid", "cloud.region")


FORMAT = "ocsf"


# --- typed decoding: exactly the fields ``_finding`` reads ------------------------------------------------

NonEmpty = Annotated[str, msgspec.Meta(min_length=1)]


class _Account(msgspec.Struct):
    uid: NonEmpty


class _Cloud(msgspec.Struct):
    account: _Account
    region: NonEmpty
    provider: str | None = None


class _Product(msgspec.Struct):
    version: str | None = None


class _Metadata(msgspec.Struct):
    event_code: NonEmpty
    product: _Product | None = None


class _Resource(msgspec.Struct):
    uid: NonEmpty


class _FindingInfo(msgspec.Struct):
    uid: NonEmpty


class _Unmapped(msgspec.Struct):
    muted: bool | None = None


class OcsfRecord(msgspec.Struct):
    """The fields of an OCSF Detection Finding a verdict uses; every other field is skipped unbuilt."""

    metadata: _Metadata
    status_code: Literal["PASS", "FAIL", "MANUAL"]
    cloud: _Cloud
    resources: Annotated[list[_Resource], msgspec.Meta(min_length=1)]
    finding_info: _FindingInfo
    class_uid: int = _DETECTION_FINDING
    status: str | None = None
    unmapped: _Unmapped | None = None
    time: int | float | str | None = None
    time_dt: str | None = None
    status_detail: str | None = None
    severity: str | None = None


def from_record(record: OcsfRecord, source: str, location: tuple[int, int, int]) -> FindingRow | None:
    """The ``Finding`` row of a typed record found at ``location``, or None when ``_finding`` must judge it
    (and word any error)."""
    when = typed_time(record.time, record.time_dt)
    cloud = record.cloud
    # Absent (files written before other providers were supported) means AWS; present, it must be exact.
    provider = DEFAULT_PROVIDER if cloud.provider is None else cloud.provider
    if (
        record.class_uid != _DETECTION_FINDING
        or when is None
        or identity_fault(provider, cloud.account.uid, cloud.region) is not None
    ):
        return None
    product = record.metadata.product
    unmapped = record.unmapped
    # In ``Finding``'s field order (see ``_finding``, which names them): positional is the fast call.
    return FindingRow(
        intern(record.metadata.event_code),
        _STATUS[record.status_code],
        record.status == _SUPPRESSED or (unmapped is not None and unmapped.muted is True),
        intern(cloud.account.uid),
        intern(cloud.region),
        record.resources[0].uid,
        record.finding_info.uid,
        when,
        intern(product.version or "") if product is not None else "",
        source,
        intern(record.status_detail or ""),
        intern((record.severity or "").lower()),
        intern(provider),
        location,
    )


def _finding(record: Any, where: str, source: str) -> Finding:
    _require_detection_finding(record, where)
    check_id = required_text(record, ("metadata", "event_code"), where)
    status = parse_status(record.get("status_code"), f"{where}: status_code")
    provider, account, region = _identity(record, where)
    # Texts that repeat across findings are interned: a million findings are held at once, and
    # sharing one copy of each check id, account, region, version and message halves their memory.
    return Finding(
        check_id=intern(check_id),
        status=status,
        muted=_muted(record, where),
        account=intern(account),
        region=intern(region),
        resource_uid=required_text(record, ("resources", 0, "uid"), where),
        finding_uid=required_text(record, ("finding_info", "uid"), where),
        # ``time`` (epoch seconds) is exact; ``time_dt`` is the scanner's naive local time, so it is
        # only the fallback (and, like every naive time, taken as UTC).
        time=first_time(record, ("time", "time_dt"), where),
        prowler_version=intern(optional_text(record, ("metadata", "product", "version"), where)),
        source_file=source,
        status_extended=intern(optional_text(record, ("status_detail",), where)),
        severity=intern(optional_text(record, ("severity",), where).lower()),
        provider=intern(provider),
    )


def _identity(record: Any, where: str) -> tuple[str, str, str]:
    """The finding's (provider, account, region), each exactly as a Prowler scan writes it."""
    # Absent (files written before other providers were supported) means AWS; present, it must be exact.
    absent = lookup(record, _PROVIDER) is None
    provider = DEFAULT_PROVIDER if absent else optional_text(record, _PROVIDER, where)
    identity = (provider, required_text(record, _ACCOUNT, where), required_text(record, _REGION, where))
    require_identity(identity, _IDENTITY_FIELDS, where)
    return identity


def _require_detection_finding(record: Any, where: str) -> None:
    if not isinstance(record, dict):
        raise FindingsFormatError(f"{where}: expected a JSON object (an OCSF finding)")
    class_uid = record.get("class_uid", _DETECTION_FINDING)
    if class_uid == _COMPLIANCE_FINDING:
        # Prowler's compliance/*.ocsf.json repeats the findings per requirement; reading it as
        # findings would double-count, so it is refused with a pointer to what to use instead.
        raise FindingsFormatError(
            f"{where}: an OCSF Compliance Finding (class 2003), not a Detection Finding; "
            "pass Prowler's findings .ocsf.json or the compliance CSV instead"
        )
    if class_uid != _DETECTION_FINDING:
        raise FindingsFormatError(f"{where}: class_uid {class_uid!r} is not an OCSF Detection Finding (2004)")


def _muted(record: dict[str, Any], where: str) -> bool:
    status = optional_text(record, ("status",), where)
    unmapped = record.get("unmapped")
    explicit = unmapped.get("muted") if isinstance(unmapped, dict) else None
    if explicit is not None and not isinstance(explicit, bool):
        raise FindingsFormatError(f"{where}: unmapped.muted is not true/false ({explicit!r})")
    return status == _SUPPRESSED or explicit is True


TYPED: TypedFormat[OcsfRecord] = TypedFormat(OcsfRecord, convert=from_record, judge=_finding)

OcsfReader = partial(JsonArrayReader, FORMAT, ".ocsf.json", (b'"event_code"', b'"status_code"'), TYPED)
"""Reads Prowler's OCSF JSON findings: ``*.ocsf.json``, or any ``*.json`` whose start looks like one of its findings."""

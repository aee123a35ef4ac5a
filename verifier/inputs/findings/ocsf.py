"""Prowler's OCSF output (``*.ocsf.json``): one JSON array of OCSF Detection Findings (class 2004).

The primary format: it carries everything a verdict needs, including the exact scan time
(``time``, epoch seconds) and the mute state (``status`` "Suppressed").
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from sys import intern
from typing import Any

from verifier.errors import FindingsFormatError
from verifier.inputs.findings.normalize import (
    json_elements,
    optional_text,
    parse_status,
    required_text,
    unnamed_json,
    utc_time,
)
from verifier.model import Finding

_DETECTION_FINDING = 2004
_COMPLIANCE_FINDING = 2003
_SUPPRESSED = "Suppressed"


class OcsfReader:
    """Reads Prowler's OCSF JSON findings."""

    format_name = "ocsf"

    def accepts(self, name: str, head: bytes) -> bool:
        """``*.ocsf.json``, or any ``*.json`` whose start looks like an OCSF finding."""
        if name.endswith(".ocsf.json"):
            return True
        return unnamed_json(name) and b'"event_code"' in head and b'"status_code"' in head

    def read(self, data: bytes, source: str) -> Iterator[Finding]:
        """Yield one ``Finding`` per array element; any unreadable element stops the read."""
        return self.read_elements(json_elements(data, source), source)

    def read_elements(self, records: Iterable[Any], source: str) -> Iterator[Finding]:
        """One ``Finding`` per parsed element, for a file streamed element by element."""
        for index, record in enumerate(records):
            yield _finding(record, f"{source}, element {index}", source)


def _finding(record: Any, where: str, source: str) -> Finding:
    _require_detection_finding(record, where)
    # Texts that repeat across findings are interned: a million findings are held at once, and
    # sharing one copy of each check id, account, region, version and message halves their memory.
    return Finding(
        check_id=intern(required_text(record, ("metadata", "event_code"), where)),
        status=parse_status(record.get("status_code"), f"{where}: status_code"),
        muted=_muted(record, where),
        account=intern(required_text(record, ("cloud", "account", "uid"), where)),
        region=intern(required_text(record, ("cloud", "region"), where)),
        resource_uid=required_text(record, ("resources", 0, "uid"), where),
        finding_uid=required_text(record, ("finding_info", "uid"), where),
        time=_time(record, where),
        prowler_version=intern(optional_text(record, ("metadata", "product", "version"), where)),
        source_file=source,
        status_extended=intern(optional_text(record, ("status_detail",), where)),
        severity=intern(optional_text(record, ("severity",), where).lower()),
        provider=intern(optional_text(record, ("cloud", "provider"), where) or "aws"),
    )


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


def _time(record: dict[str, Any], where: str) -> datetime:
    # ``time`` (epoch seconds) is exact; ``time_dt`` is the scanner's naive local time, so it is
    # only the fallback (and, like every naive time, taken as UTC).
    for key in ("time", "time_dt"):
        value = record.get(key)
        if value is not None:
            return utc_time(value, f"{where}: {key}")
    raise FindingsFormatError(f"{where}: time and time_dt are both missing")

"""Scan manifests (``scan-manifest.json``): what one ``poam scan`` target ran, written beside its output.

Ingest reads them next to findings (directories, zips, S3 prefixes). A manifest tells which
(provider, account, region, check) keys a scan covered even where it found nothing, and when it
started: the two facts supersession needs to let a newer scan retire an older finding of a resource
that no longer exists. A failed scan covers nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from verifier.inputs.jsondoc import parse_json, validate

MANIFEST_NAME = "scan-manifest.json"
MANIFEST_VERSION = 1
_UTC_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


@dataclass(frozen=True, slots=True)
class OrganizationListing:
    """An AWS Organization's accounts as listed at scan time, and how they were listed."""

    accounts: tuple[str, ...]
    method: str
    listed_at: datetime
    ou_ids: tuple[str, ...] = ()
    exclude_accounts: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "accounts": list(self.accounts),
            "method": self.method,
            "listed_at": utc_text(self.listed_at),
            "ou_ids": list(self.ou_ids),
            "exclude_accounts": list(self.exclude_accounts),
        }


@dataclass(frozen=True, slots=True)
class ScanManifest:
    """One target's scan. ``location`` names the manifest; ``directory`` is where its findings lie."""

    location: str
    directory: str
    provider: str
    account: str | None
    regions: tuple[str, ...]
    checks: tuple[str, ...]
    prowler_version: str
    exit_status: int | None
    succeeded: bool
    started: datetime
    ended: datetime
    target: str = ""
    error: str | None = None
    shard: str | None = None
    organization: OrganizationListing | None = None

    def to_json(self) -> dict[str, Any]:
        """The manifest document as ``poam scan`` writes it."""
        return {
            "manifest_version": MANIFEST_VERSION,
            "provider": self.provider,
            "target": self.target,
            "account": self.account,
            "regions": list(self.regions),
            "checks": list(self.checks),
            "prowler_version": self.prowler_version,
            "exit_status": self.exit_status,
            "status": "succeeded" if self.succeeded else "failed",
            "error": self.error,
            "started": utc_text(self.started),
            "ended": utc_text(self.ended),
            "shard": self.shard,
            "organization": self.organization.to_json() if self.organization else None,
        }


def is_manifest_name(name: str) -> bool:
    """Whether a file or key's last part is a scan manifest."""
    return name.rsplit("/", 1)[-1] == MANIFEST_NAME


def parent_of(location: str) -> str:
    """The directory (or prefix, or zip folder) a file lies in, with a trailing ``/``."""
    head, _, _ = location.rpartition("/")
    return head + "/"


def parse_manifest(data: bytes, location: str) -> ScanManifest:
    """A manifest from its bytes; anything malformed is an ``InputError`` naming the file."""
    document = parse_json(data, location)
    validate(document, "scan-manifest.schema.json", location)
    organization = document.get("organization")
    return ScanManifest(
        location=location,
        directory=parent_of(location),
        provider=document["provider"],
        account=document["account"],
        regions=tuple(document["regions"]),
        checks=tuple(document["checks"]),
        prowler_version=document["prowler_version"],
        exit_status=document["exit_status"],
        succeeded=document["status"] == "succeeded",
        started=parse_utc(document["started"]),
        ended=parse_utc(document["ended"]),
        target=document.get("target", ""),
        error=document.get("error"),
        shard=document.get("shard"),
        organization=_organization(organization) if organization else None,
    )


def _organization(raw: dict[str, Any]) -> OrganizationListing:
    return OrganizationListing(
        accounts=tuple(raw["accounts"]),
        method=raw["method"],
        listed_at=parse_utc(raw["listed_at"]),
        ou_ids=tuple(raw.get("ou_ids", ())),
        exclude_accounts=tuple(raw.get("exclude_accounts", ())),
    )


def listed_accounts(manifests: Sequence[ScanManifest]) -> tuple[str, ...] | None:
    """Every account an organization listing recorded (union: shards listed it separately), or None."""
    listings = [m.organization for m in manifests if m.organization is not None]
    if not listings:
        return None
    return tuple(sorted({a for listing in listings for a in listing.accounts}))


def organization_evidence(manifests: Sequence[ScanManifest]) -> list[dict[str, Any]]:
    """How each recorded account list was obtained, for the evidence."""
    return [
        {"manifest": m.location, **m.organization.to_json()} for m in manifests if m.organization is not None
    ]


def utc_text(moment: datetime) -> str:
    """``2026-01-02T03:04:05Z``: a manifest's times, to the second like Prowler's findings."""
    return moment.astimezone(UTC).strftime(_UTC_FORMAT)


def parse_utc(text: str) -> datetime:
    return datetime.strptime(text, _UTC_FORMAT).replace(tzinfo=UTC)

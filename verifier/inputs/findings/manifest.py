"""Scan manifests (``scan-manifest.json``): what one ``poam scan`` target ran, written beside its output.

Ingest reads them next to findings (directories, zips, S3 prefixes). A manifest tells which
(provider, account, region, check) keys a scan covered even where it found nothing, and when it
started: the two facts supersession needs to let a newer scan retire an older finding of a resource
that no longer exists. A failed scan covers nothing.

Only a *complete* scan proves a resource gone: Prowler's output does not record its filters, so a scan
run with ``--status PASS`` or ``--resource-arn`` looks like any other. A manifest records the exact
Prowler arguments (``prowler_args``) and the digest of every file the scan wrote (``outputs``); a scan
is complete for its keys only when those are the arguments ``poam scan`` passes itself
(``incompleteness``), and only for files it wrote, unchanged (``recorded``: a file trimmed by hand
beside its manifest proves nothing). A manifest without them (written before they were recorded)
proves nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from verifier.inputs.jsondoc import parse_json, validate
from verifier.providers import PROVIDERS

MANIFEST_NAME = "scan-manifest.json"
MANIFEST_VERSION = 1
_UTC_FORMAT = "%Y-%m-%dT%H:%M:%SZ"

# Every flag ``poam scan`` itself passes (the output flags, and per provider its ``ProviderSpec.command``'s):
# none of them leaves a resource of a scanned (account, region, check) unreported. Anything else might
# (--status, --severity, --resource-arn, --resource-tag, --excluded-service, --service, --category,
# --compliance, a mutelist or config file...), so it is never taken as complete.
_OUTPUT_FLAGS = frozenset({"--checks", "-M", "-o", "--output-filename", "--no-banner"})


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
    # Prowler's arguments after the executable; None: not recorded (a manifest of an older poam scan).
    prowler_args: tuple[str, ...] | None = None
    # (path under ``directory``, sha256) of every file the scan wrote; None: not recorded.
    outputs: tuple[tuple[str, str], ...] | None = None

    def incompleteness(self) -> str | None:
        """Why this scan cannot prove it reported every resource of its checks and regions; None when it can.

        Complete means: it succeeded, and its recorded Prowler arguments are only those ``poam scan`` passes
        itself, running every check and region the manifest lists.
        """
        if not self.succeeded:
            return "its scan-manifest.json says it failed"
        if self.prowler_args is None:
            return (
                "its scan-manifest.json records no Prowler arguments (written before poam scan recorded them)"
            )
        if self.outputs is None:
            return "its scan-manifest.json records no digests of its output files"
        return _argument_gap(self.provider, self.prowler_args, self.checks, self.regions)

    def recorded(self, name: str, sha256: str) -> bool:
        """Whether the scan wrote the file ``name`` (its path under ``directory``) with these very bytes."""
        return (name, sha256) in set(self.outputs or ())

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
            "prowler_args": list(self.prowler_args) if self.prowler_args is not None else None,
            "outputs": dict(self.outputs) if self.outputs is not None else None,
        }


def _argument_gap(
    provider: str, args: Sequence[str], checks: Sequence[str], regions: Sequence[str]
) -> str | None:
    """Why Prowler run with ``args`` might leave a resource of ``checks`` in ``regions`` unreported, or None."""
    if not args or args[0] != provider:
        return f"its recorded Prowler arguments do not scan {provider}"
    flags = _flags(args[1:])
    spec = PROVIDERS.get(provider)
    allowed = _OUTPUT_FLAGS | spec.command.flags if spec else frozenset()
    foreign = [flag for flag in flags if flag not in allowed]
    if foreign:
        named = foreign[0] or f"the stray argument {flags[''][0]!r}"
        return f"its Prowler arguments include {named}, which may leave resources unreported"
    if not set(checks) <= set(flags.get("--checks", ())):
        return "its Prowler arguments do not run every check its manifest lists"
    region_flag = spec.command.region_flag if spec else ""
    if region_flag and region_flag in flags and not (regions and set(regions) <= set(flags[region_flag])):
        return "its Prowler arguments do not scan every region its manifest lists"
    return None


def _flags(args: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """Each flag (``--x`` or ``-x``, ``--x=v`` split) with the values that follow it; a stray value is a flag
    of its own (``""``), so an argument this cannot place never passes as harmless."""
    flags: dict[str, list[str]] = {}
    current = ""
    for arg in args:
        if arg.startswith("-"):
            current, _, value = arg.partition("=")
            flags.setdefault(current, [])
            if value:
                flags[current].append(value)
        else:
            flags.setdefault(current, []).append(arg)
    return {flag: tuple(values) for flag, values in flags.items()}


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
        prowler_args=_optional_tuple(document.get("prowler_args")),
        outputs=tuple(sorted(outputs.items())) if (outputs := document.get("outputs")) is not None else None,
    )


def _optional_tuple(values: list[str] | None) -> tuple[str, ...] | None:
    return tuple(values) if values is not None else None


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

"""Prowler findings already in AWS Security Hub: ``--findings securityhub://REGION[?accounts=ID,ID]``.

Prowler's ``--security-hub`` imports each result as an ASFF finding, so records are read with the ASFF
file reader's mapping (``GeneratorId`` ``prowler-<check>``, ``Compliance.Status``; WARNING = muted;
MANUAL is never sent). Only ACTIVE Prowler records count: Prowler archives a finding whose resource
was absent from its latest run, so ARCHIVED means "no longer reported", never PASS. The filters are
sent to ``GetFindings`` and applied again here, since not every Security Hub (moto, for one) honours
them. A hub fed with ``--send-sh-only-fails`` holds no PASS, so it can show NOT_MET but never MET.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

import orjson
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

from verifier.errors import EnvError, UsageError
from verifier.inputs.findings.asff import AsffReader
from verifier.inputs.findings.findings_set import SourceFile
from verifier.inputs.findings.manifest import ScanManifest
from verifier.inputs.findings.s3 import s3_error
from verifier.inputs.jsondoc import sha256_hex
from verifier.model import Finding
from verifier.providers import PROVIDERS

if TYPE_CHECKING:
    from mypy_boto3_securityhub import SecurityHubClient

SCHEME = "securityhub://"
# The URL names AWS regions and accounts as the provider table does (and as the findings must carry them).
_AWS = PROVIDERS["aws"]
# GetFindings takes at most 20 values per filter attribute.
_MAX_FILTER_VALUES = 20
_PROWLER_PRODUCT = "/product/prowler/prowler"
_ACTIVE = "ACTIVE"
FORMAT_NAME = "securityhub-asff"


@dataclass(frozen=True, slots=True)
class SecurityHubUrl:
    """A parsed ``securityhub://REGION?accounts=…``; no accounts means every account the hub shows."""

    region: str
    accounts: tuple[str, ...]

    def __str__(self) -> str:
        query = f"?accounts={','.join(self.accounts)}" if self.accounts else ""
        return f"{SCHEME}{self.region}{query}"


def is_securityhub_url(location: str) -> bool:
    # pathlib collapses "securityhub://r" to "securityhub:/r"
    return location.startswith("securityhub:/")


def parse_securityhub_url(location: str) -> SecurityHubUrl:
    """Parse and check the region and account ids; a bad URL is a usage error."""
    text = location if location.startswith(SCHEME) else location.replace("securityhub:/", SCHEME, 1)
    parts = urlsplit(text)
    region = parts.netloc
    if not _AWS.region_pattern.fullmatch(region) or parts.path not in ("", "/"):
        raise UsageError(f"{location}: expected securityhub://REGION[?accounts=ID,ID]")
    query = parse_qs(parts.query, keep_blank_values=True)
    unknown = sorted(set(query) - {"accounts"})
    if unknown:
        raise UsageError(f"{location}: unknown parameter {unknown[0]!r} (only accounts=ID,ID)")
    accounts = tuple(a for value in query.get("accounts", []) for a in value.split(",") if a)
    bad = [a for a in accounts if not _AWS.account_pattern.fullmatch(a)]
    if bad:
        raise UsageError(f"{location}: {bad[0]!r} is not a 12-digit AWS account id")
    return SecurityHubUrl(region, tuple(sorted(set(accounts))))


def read_securityhub(
    location: str, client: SecurityHubClient | None = None
) -> tuple[list[tuple[SourceFile, list[Finding]]], list[ScanManifest]]:
    """The ACTIVE Prowler findings of the hub as one source (Security Hub keeps no scan manifests)."""
    url = parse_securityhub_url(location)
    hub = client or _client(url)
    try:
        records = _unique(r for r in _pages(hub, url) if is_active_prowler(r, url.accounts))
    except (BotoCoreError, ClientError) as exc:
        raise s3_error("read", str(url), exc) from exc
    data = orjson.dumps(records)
    findings = list(AsffReader().read(data, str(url)))
    return [(SourceFile(str(url), sha256_hex(data), FORMAT_NAME, len(findings)), findings)], []


def is_active_prowler(record: Any, accounts: Sequence[str]) -> bool:
    """A current Prowler result of an account asked for (the filters, applied on our side too)."""
    if not isinstance(record, dict) or record.get("RecordState") != _ACTIVE:
        return False
    product = str(record.get("ProductArn", ""))
    fields = record.get("ProductFields")
    provider = fields.get("ProviderName") if isinstance(fields, dict) else None
    if not (product.endswith(_PROWLER_PRODUCT) or provider == "Prowler"):
        return False
    if not str(record.get("GeneratorId", "")).startswith("prowler-"):
        return False
    return not accounts or record.get("AwsAccountId") in accounts


def _pages(hub: SecurityHubClient, url: SecurityHubUrl) -> Iterator[Any]:
    groups = [
        url.accounts[i : i + _MAX_FILTER_VALUES] for i in range(0, len(url.accounts), _MAX_FILTER_VALUES)
    ]
    for group in groups or [()]:
        paginator = hub.get_paginator("get_findings")
        for page in paginator.paginate(Filters=_filters(group), PaginationConfig={"PageSize": 100}):
            yield from page.get("Findings", [])


def _filters(accounts: Sequence[str]) -> Any:
    filters: dict[str, Any] = {
        "ProductName": [{"Value": "Prowler", "Comparison": "EQUALS"}],
        "RecordState": [{"Value": _ACTIVE, "Comparison": "EQUALS"}],
        "GeneratorId": [{"Value": "prowler-", "Comparison": "PREFIX"}],
    }
    if accounts:
        filters["AwsAccountId"] = [{"Value": a, "Comparison": "EQUALS"} for a in accounts]
    return filters


def _unique(records: Iterator[Any]) -> list[Any]:
    """Each finding once (by Id), in Id order: a page boundary may repeat one, and order must not matter."""
    by_id: dict[str, Any] = {}
    for record in records:
        by_id.setdefault(str(record.get("Id", "")), record)
    return [by_id[key] for key in sorted(by_id)]


def _client(url: SecurityHubUrl) -> SecurityHubClient:
    import boto3  # deferred: boto3 is slow to import and only this source needs it

    try:
        return boto3.session.Session().client("securityhub", region_name=url.region)
    except (BotoCoreError, NoCredentialsError) as exc:
        raise EnvError(f"cannot set up the Security Hub client for {url}: {exc}") from exc

"""Prowler's compliance CSVs (``compliance/*_<framework>.csv``): one row per requirement × finding.

Rows are folded back into findings: one per check, account, region, resource and finding id. The
file has no finding id, so Prowler's own id formula is rebuilt from the row (it then equals the id in
the OCSF and CSV outputs of the same scan). Requirements with no checks appear as MANUAL rows with
check id ``manual``; they say nothing about any check and are skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from verifier.errors import FindingsFormatError
from verifier.inputs.findings.normalize import (
    SemicolonTable,
    first_line,
    optional_cell,
    parse_flag,
    parse_status,
    required_cell,
    row_identity,
    utc_time,
)
from verifier.model import Finding, Status
from verifier.providers import PROVIDERS

KIND = "compliance CSV"
REQUIRED_COLUMNS = (
    "REQUIREMENTS_ID",
    "STATUS",
    "CHECKID",
    "RESOURCEID",
    "MUTED",
    "ACCOUNTID",
    "REGION",
    "ASSESSMENTDATE",
)
# Prowler heads the account and location columns per provider (AccountId/Region for AWS,
# SubscriptionId/Location, TenantId/Location, ProjectId/Location): the first pair the header has is read.
_LOCATION_COLUMNS = tuple(dict.fromkeys(spec.compliance_columns for spec in PROVIDERS.values()))
# Prowler's placeholder check id on the rows of requirements that have no checks.
_MANUAL_CHECK_IDS = frozenset({"", "manual"})
# When rows of one finding disagree (Prowler turns a PASS into FAIL for a requirement whose scan
# configuration is too loose), the worst status is kept: it can only make a verdict stricter.
_STRICTNESS = {Status.PASS: 0, Status.MANUAL: 1, Status.FAIL: 2}

_Identity = tuple[str, str, str, str]  # check, account, region, resource


class ComplianceCsvReader:
    """Reads Prowler's per-framework compliance CSV."""

    format_name = "compliance-csv"

    def accepts(self, name: str, head: bytes) -> bool:
        """A ``*.csv`` whose header has Prowler's requirement and check columns."""
        header = first_line(head)
        return name.endswith(".csv") and b"REQUIREMENTS_ID" in header and b"CHECKID" in header

    def read(self, data: bytes, source: str) -> Iterator[Finding]:
        """Yield one ``Finding`` per distinct (check, account, region, resource, finding id), in file order."""
        account, location = _location_columns(first_line(data[:_HEADER_PEEK]))
        required = tuple({"ACCOUNTID": account, "REGION": location}.get(c, c) for c in REQUIRED_COLUMNS)
        table = SemicolonTable(data, source, required, KIND)
        columns = _Columns(table.columns, account, location)
        merged: dict[tuple[str, ...], Finding] = {}
        for where, cells in table.rows():
            finding = columns.finding(cells, where, source)
            if finding is None:
                continue
            # The finding id joins the key so that two findings Prowler tells apart on one resource
            # (different resource names) stay two.
            key = (
                finding.check_id,
                finding.account,
                finding.region,
                finding.resource_uid,
                finding.finding_uid,
            )
            earlier = merged.get(key)
            merged[key] = finding if earlier is None else _merge(earlier, finding)
        yield from merged.values()


_HEADER_PEEK = 64 * 1024


def _location_columns(header: bytes) -> tuple[str, str]:
    names = set(header.rstrip(b"\r").decode("utf-8", "replace").lstrip("\ufeff").split(";"))
    found = (pair for pair in _LOCATION_COLUMNS if set(pair) <= names)
    return next(found, _LOCATION_COLUMNS[0])


def _merge(earlier: Finding, later: Finding) -> Finding:
    """One finding from two rows of it: the worse status wins, and it is muted only if both are."""
    worse = later if _STRICTNESS[later.status] > _STRICTNESS[earlier.status] else earlier
    if worse.muted and not (earlier.muted and later.muted):
        return replace(worse, muted=False)
    return worse


class _Columns:
    """Column positions, looked up once per file rather than once per row."""

    def __init__(self, positions: dict[str, int], account: str, location: str) -> None:
        self.status = positions["STATUS"]
        self.check_id = positions["CHECKID"]
        self.resource = positions["RESOURCEID"]
        self.muted = positions["MUTED"]
        self.account_column, self.region_column = account, location
        self.account = positions[account]
        self.region = positions[location]
        self.time = positions["ASSESSMENTDATE"]
        self.provider = positions.get("PROVIDER")
        self.resource_name = positions.get("RESOURCENAME")
        self.status_extended = positions.get("STATUSEXTENDED")

    def finding(self, cells: list[str], where: str, source: str) -> Finding | None:
        """The row's finding, or None for a requirement that has no check."""
        status = parse_status(cells[self.status], f"{where}: STATUS")
        check_id = optional_cell(cells, self.check_id)
        if check_id in _MANUAL_CHECK_IDS:
            if status is not Status.MANUAL:
                raise FindingsFormatError(f"{where}: a {status} row without a check id")
            return None
        return self._checked(cells, check_id, status, where, source)

    def _checked(self, cells: list[str], check_id: str, status: Status, where: str, source: str) -> Finding:
        provider, account, region = self._identity(cells, where)
        resource = required_cell(cells, self.resource, "RESOURCEID", where)
        return Finding(
            check_id=check_id,
            status=status,
            muted=parse_flag(cells[self.muted], f"{where}: MUTED"),
            account=account,
            region=region,
            resource_uid=resource,
            finding_uid=self._finding_uid(cells, (check_id, account, region, resource)),
            time=utc_time(cells[self.time], f"{where}: ASSESSMENTDATE"),
            prowler_version="",  # compliance CSVs do not record it
            source_file=source,
            status_extended=optional_cell(cells, self.status_extended),
            severity="",  # compliance CSVs do not record it
            provider=provider,
        )

    def _identity(self, cells: list[str], where: str) -> tuple[str, str, str]:
        # No PROVIDER column means AWS (as in the findings CSV); an empty or odd cell in it is refused.
        identity = row_identity(
            cells,
            self.provider,
            (self.account, self.account_column),
            (self.region, self.region_column),
            where,
        )
        provider = identity[0]
        heads = PROVIDERS[provider].compliance_columns
        if heads != (self.account_column, self.region_column):
            # A file whose columns are another provider's was mixed up, not written by Prowler.
            raise FindingsFormatError(
                f"{where}: PROVIDER {provider!r}, but the header has {self.account_column}/{self.region_column} "
                f"(Prowler heads {provider}'s columns {heads[0]}/{heads[1]})"
            )
        return identity

    def _finding_uid(self, cells: list[str], identity: _Identity) -> str:
        check_id, account, region, resource = identity
        provider = optional_cell(cells, self.provider)
        if provider and self.resource_name is not None:
            # Prowler's formula (prowler/lib/outputs/finding.py): the id OCSF and CSV carry.
            resource_name = optional_cell(cells, self.resource_name)
            return f"prowler-{provider}-{check_id}-{account}-{region}-{resource_name}"
        return f"compliance-{check_id}-{account}-{region}-{resource}"

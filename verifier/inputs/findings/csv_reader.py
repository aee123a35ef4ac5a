"""Prowler's CSV output (``*.csv``): ``;``-separated, upper-case header, quoted multi-line cells.

Read with the csv module rather than pandas: it reports every row's width, so a row cut short by a
truncated file is caught (pandas silently fills the missing cells with "").
"""

from __future__ import annotations

from collections.abc import Iterator

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
from verifier.model import Finding

KIND = "findings CSV"
REQUIRED_COLUMNS = (
    "CHECK_ID",
    "STATUS",
    "MUTED",
    "ACCOUNT_UID",
    "REGION",
    "RESOURCE_UID",
    "TIMESTAMP",
    "FINDING_UID",
)
# Any of these in a header line means "this is meant to be a Prowler findings CSV": it is then read
# (and refused with the missing columns named) rather than passed over as some unrelated CSV.
_SIGNATURE = (b"CHECK_ID", b"FINDING_UID", b"RESOURCE_UID", b"PROWLER_VERSION", b"STATUS_EXTENDED")


class CsvReader:
    """Reads Prowler's ``;`` findings CSV."""

    format_name = "csv"

    def accepts(self, name: str, head: bytes) -> bool:
        """A ``*.csv`` whose header names at least one Prowler findings column."""
        header = first_line(head)
        return name.endswith(".csv") and any(column in header for column in _SIGNATURE)

    def read(self, data: bytes, source: str) -> Iterator[Finding]:
        """Yield one ``Finding`` per data row; any unreadable row stops the read."""
        table = SemicolonTable(data, source, REQUIRED_COLUMNS, KIND)
        column = _Columns(table.columns)
        for where, cells in table.rows():
            yield column.finding(cells, where, source)


class _Columns:
    """Column positions, looked up once per file rather than once per row."""

    def __init__(self, positions: dict[str, int]) -> None:
        self.check_id = positions["CHECK_ID"]
        self.status = positions["STATUS"]
        self.muted = positions["MUTED"]
        self.account = positions["ACCOUNT_UID"]
        self.region = positions["REGION"]
        self.resource = positions["RESOURCE_UID"]
        self.time = positions["TIMESTAMP"]
        self.uid = positions["FINDING_UID"]
        self.version = positions.get("PROWLER_VERSION")
        self.status_extended = positions.get("STATUS_EXTENDED")
        self.severity = positions.get("SEVERITY")
        self.provider = positions.get("PROVIDER")

    def finding(self, cells: list[str], where: str, source: str) -> Finding:
        check_id = required_cell(cells, self.check_id, "CHECK_ID", where)
        status = parse_status(cells[self.status], f"{where}: STATUS")
        provider, account, region = row_identity(
            cells, self.provider, (self.account, "ACCOUNT_UID"), (self.region, "REGION"), where
        )
        return Finding(
            check_id=check_id,
            status=status,
            muted=parse_flag(cells[self.muted], f"{where}: MUTED"),
            account=account,
            region=region,
            resource_uid=required_cell(cells, self.resource, "RESOURCE_UID", where),
            finding_uid=required_cell(cells, self.uid, "FINDING_UID", where),
            time=utc_time(cells[self.time], f"{where}: TIMESTAMP"),
            prowler_version=optional_cell(cells, self.version),
            source_file=source,
            status_extended=optional_cell(cells, self.status_extended),
            severity=optional_cell(cells, self.severity).lower(),
            provider=provider,
        )

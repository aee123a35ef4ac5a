"""What every POA&M source reader returns: rows of cells keyed by the schema field they belong to.

A reader only locates and reads; it never decides a practice id or a status. ``entries.py`` turns the cells
into entries, so every format shares one set of rules for dates, milestones, practice ids and statuses.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from verifier.errors import InputError


class ImportFormat(enum.StrEnum):
    """``poam import --format``."""

    AUTO = "auto"
    FEDRAMP = "fedramp"
    EMASS = "emass"
    CSV = "csv"
    OSCAL = "oscal"
    XLSX = "xlsx"  # any other workbook: a home-made sheet, or this tool's own export


class Field(enum.StrEnum):
    """The POA&M fields a source column can feed (``--columns 'HEADER=field'``)."""

    ID = "id"
    PRACTICE_ID = "practice_id"
    FINDING = "finding"
    ROOT_CAUSE = "root_cause"
    OWNER = "owner"
    MILESTONES = "milestones"
    COMPLETION_DATE = "completion_date"
    STATUS = "status"
    STATUS_DATE = "status_date"
    RESOURCES = "resources"
    CREATED = "created"
    CHECKS = "checks"
    COMMENTS = "comments"
    # The 800-171A objectives found NOT MET (``3.3.8[a]; 3.3.8[b]``); empty: all of the practice's.
    OBJECTIVES = "objectives"
    # "operational" for an operational plan of action (32 CFR 170.4); empty: a POA&M item.
    KIND = "kind"


class PoamImportError(InputError):
    """A source file cannot be read as a POA&M: the message names the file and what is missing."""


# A cell as read: text, a number (an Excel serial date, or a plain number), a date, or empty.
Cell = str | int | float | object | None


@dataclass(frozen=True, slots=True)
class MilestoneCell:
    """A milestone a structured source (OSCAL) already split: due may still be free text."""

    title: str
    due: str
    status: str = ""
    status_date: str = ""


@dataclass(frozen=True, slots=True)
class SourceRow:
    """One item of the source, with the cells that have a home in the schema and those that have none.

    ``milestones`` are extra milestone cells from continuation rows (eMASS puts one milestone per row
    under its item); ``default_status`` is what the sheet itself says (FedRAMP's Closed sheet); ``columns``
    the fields the sheet has a column for, empty cells included (``cells`` holds only the filled ones).
    """

    sheet: str
    row: int
    cells: Mapping[Field, Cell]
    source_columns: Mapping[str, Cell]
    milestones: tuple[Cell, ...] = ()
    default_status: str | None = None
    columns: frozenset[Field] = frozenset()


@dataclass(frozen=True, slots=True)
class SkippedRow:
    sheet: str
    row: int
    reason: str


@dataclass(frozen=True, slots=True)
class SheetNotRead:
    """A sheet of a workbook that holds something but was not read, and why: nothing is passed over unsaid."""

    sheet: str
    reason: str


@dataclass(frozen=True, slots=True)
class HeaderRow:
    """A header row as found: where, and its column names as written (to name them back to the user)."""

    sheet: str
    row: int
    names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SourceDocument:
    """Everything read from one file: rows to import, rows skipped and why, and header metadata found."""

    file: Path
    format: ImportFormat
    rows: tuple[SourceRow, ...]
    skipped: tuple[SkippedRow, ...] = ()
    metadata: Mapping[str, str] = field(default_factory=dict)
    # The workbook's date system: Excel serials count from 1899-12-30 or (Mac) 1904-01-01.
    epoch_1904: bool = False
    headers: tuple[HeaderRow, ...] = ()
    sheets_not_read: tuple[SheetNotRead, ...] = ()
    # Entry id → the 800-171A objectives an objectives sheet (this tool's XLSX export) lists for it.
    objectives: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """What the user told us about the source: one sheet only, and explicit header → field pairs."""

    sheet: str | None = None
    columns: Mapping[str, Field] = field(default_factory=dict)

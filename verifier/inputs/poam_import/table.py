"""Find the header row of a sheet by its column names and cut the rows below it into ``SourceRow``s.

Columns are matched by normalised header text (trimmed, spaces collapsed, case-insensitive), never by
letter: the FedRAMP template has its header at A5 (v2.1) or B5 (v3.0), eMASS at row 7 with stray spaces.
Rows that are the template's own guidance, format hints or examples are skipped and reported: FedRAMP
v2.1 marks them by their content, v3.0 labels them in column A ("Guidance", "Examples", "Mandatory or
Situational"), and a row repeating such a row's text is skipped too. Empty rows (FedRAMP's formulas run to
row 4022) are passed over silently, however many there are: a row after a long gap is still read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from verifier.inputs.poam_import.rows import Cell, Field, SkippedRow, SourceRow

HEADER_SEARCH_ROWS = 30
MIN_HEADER_MATCHES = 3

# Known header texts (normalised) per field: FedRAMP v2.1/v3.0, eMASS, this tool's export, common synonyms.
SYNONYMS: Mapping[Field, tuple[str, ...]] = {
    Field.ID: ("poam id", "poa&m id", "poa&m item id", "poam item id", "item id", "id", "weakness id"),
    Field.PRACTICE_ID: (
        "controls",
        "control",
        "control id",
        "security control number (nc/na controls only)",
        "security control number",
        "requirement",
        "requirements",
        "requirement id",
        "practice",
        "practice id",
        "cmmc practice",
        "security requirement",
    ),
    Field.FINDING: (
        "weakness description",
        "control vulnerability description",
        "finding",
        "description",
        "weakness",
        "deficiency",
        "gap",
    ),
    Field.ROOT_CAUSE: ("root cause",),
    Field.OWNER: ("point of contact", "poc", "owner", "office/org", "responsible party", "responsible"),
    Field.MILESTONES: (
        "planned milestones",
        "milestone with completion dates",
        "milestones",
        "remediation plan",
    ),
    Field.COMPLETION_DATE: (
        "scheduled completion date",
        "completion date",
        "planned completion date",
        "due date",
    ),
    Field.STATUS: ("status",),
    Field.STATUS_DATE: ("status date",),
    Field.RESOURCES: ("resources required", "resources", "estimated cost"),
    Field.CREATED: (
        "original detection date",
        "detection date",
        "date identified",
        "discovery date",
        "created",
    ),
    Field.CHECKS: ("checks", "prowler checks", "check ids"),
    Field.COMMENTS: ("comments", "remarks", "notes"),
    # Never "objective": that is a column of this tool's Objectives sheet (one objective per row).
    Field.OBJECTIVES: ("objectives", "assessment objectives", "objectives not met"),
    Field.KIND: ("kind", "entry kind", "item kind", "poa&m kind"),
}
_BY_HEADER = {header: f for f, headers in SYNONYMS.items() for header in headers}
_KEY_FIELDS = frozenset({Field.ID, Field.PRACTICE_ID, Field.FINDING})
_DATE_FIELDS = (Field.CREATED, Field.COMPLETION_DATE, Field.STATUS_DATE)
_HINT_PREFIXES = ("date", "permanent column")
# Column A labels of FedRAMP v3.0's teaching rows (on the Open and PL-2 sheets, and above the header).
TEACHING_LABELS = frozenset({"guidance", "examples", "example", "mandatory or situational"})
# The POAM ID cells of FedRAMP's guidance and example rows, known even when column A's label is gone.
_TEACHING_IDS = (
    "assign a unique identifier to each poa&m item",  # v3.0 guidance
    "unique identifier for each poam item",  # v2.1 guidance
    "vs-001-ac(2)",  # v3.0 example
)
_REQUIREMENT_WORDS = ("mandatory", "situational")
_REQUIREMENT_PREFIXES = (
    "mandatory (",
    "situational (",
)  # PL-2: "Situational (enter when actions are complete)"


def normalise(text: object) -> str:
    """Header text as compared: trimmed, inner whitespace collapsed, lower case."""
    return " ".join(str(text).split()).casefold() if text is not None else ""


def is_empty(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


@dataclass(frozen=True, slots=True)
class Header:
    """The header row: its 1-based row number, field → column indexes, and the columns with no field."""

    row: int
    fields: Mapping[Field, tuple[int, ...]]
    others: Mapping[int, str]
    texts: frozenset[str]
    names: tuple[str, ...] = ()  # every header cell as written, left to right

    @property
    def first_column(self) -> int:
        return min(self._columns())

    @property
    def width(self) -> int:
        """Columns to read: up to the last header column. Cells further right have no name to be read by."""
        return max(self._columns()) + 1

    def _columns(self) -> list[int]:
        return [*(c for cols in self.fields.values() for c in cols), *self.others]


def find_header(grid: Sequence[Sequence[Cell]], columns: Mapping[str, Field]) -> Header | None:
    """The first row (within the first 30) naming at least three known columns, one of them a key."""
    explicit = {normalise(k): v for k, v in columns.items()}
    for index, cells in enumerate(grid[:HEADER_SEARCH_ROWS]):
        header = _header_at(index + 1, cells, explicit)
        if header is not None:
            return header
    return None


def _header_at(row: int, cells: Sequence[Cell], explicit: Mapping[str, Field]) -> Header | None:
    fields: dict[Field, list[int]] = {}
    others: dict[int, str] = {}
    for column, cell in enumerate(cells):
        text = normalise(cell)
        if not text or not isinstance(cell, str):
            continue
        found = explicit.get(text) or _BY_HEADER.get(text)
        if found is None:
            others[column] = " ".join(cell.split())
        else:
            fields.setdefault(found, []).append(column)
    matched = sum(len(v) for v in fields.values())
    if matched < MIN_HEADER_MATCHES and not (explicit and matched >= 1):
        return None
    if not _KEY_FIELDS & fields.keys():
        return None
    names = tuple(" ".join(c.split()) for c in cells if isinstance(c, str) and c.strip())
    texts = frozenset(normalise(name) for name in names)
    return Header(row, {k: tuple(v) for k, v in fields.items()}, others, texts, names)


def _value(cells: Sequence[Cell], columns: tuple[int, ...]) -> Cell:
    # Two columns with the same header (eMASS has two "Control Vulnerability Description"): the first filled.
    for column in columns:
        if column < len(cells) and not is_empty(cells[column]):
            return cells[column]
    return None


def teaching_label(cells: Sequence[Cell], first_column: int) -> str | None:
    """A FedRAMP v3.0 teaching row's label: column A, or any cell left of the header, says what it is."""
    for cell in cells[: max(1, first_column)]:
        if normalise(cell) in TEACHING_LABELS:
            return " ".join(str(cell).split())
    return None


def _repeats_header(cells: Sequence[Cell], header: Header) -> bool:
    """The header again (a sheet laid out for printing repeats it on every page)."""
    texts = {normalise(c) for c in cells}
    return len(texts) >= MIN_HEADER_MATCHES and texts <= header.texts


def _requirement_row(cells: Iterable[Cell]) -> bool:
    """Every filled cell says only Mandatory or Situational: the template's own requirement row."""
    texts = [normalise(c) for c in cells if not is_empty(c)]
    return bool(texts) and all(t in _REQUIREMENT_WORDS or t.startswith(_REQUIREMENT_PREFIXES) for t in texts)


@dataclass(slots=True)
class TeachingRows:
    """The key texts of the template's teaching rows seen so far in a document, to know their copies.

    Shared by every sheet of a workbook: FedRAMP's guidance sits on the Open sheet only, but a copy of it
    pasted onto another sheet (or under the header with its column A label lost) is the same guidance.
    """

    texts: dict[tuple[Field, str], int] = field(default_factory=dict)

    def remember(self, number: int, fields: Mapping[Field, Cell]) -> None:
        for name in (Field.ID, Field.FINDING):
            if (text := normalise(fields.get(name))) and (name, text) not in self.texts:
                self.texts[(name, text)] = number

    def repeated(self, fields: Mapping[Field, Cell]) -> int | None:
        """The row whose guidance text this row repeats, if any."""
        for name in (Field.ID, Field.FINDING):
            if (found := self.texts.get((name, normalise(fields.get(name))))) is not None:
                return found
        return None


def _template_row_reason(cells: Mapping[Field, Cell]) -> str | None:
    identifier = cells.get(Field.ID)
    if isinstance(identifier, str) and "example" in identifier.casefold():
        return f"example row ({' '.join(identifier.split())!r})"
    for name in _DATE_FIELDS:
        value = cells.get(name)
        if isinstance(value, str) and normalise(value).startswith(_HINT_PREFIXES):
            return "template guidance or format-hint row"
    if normalise(identifier).startswith(_TEACHING_IDS):
        return "template guidance or example row"
    return None


@dataclass(slots=True)
class _Pending:
    row: int
    cells: dict[Field, Cell]
    source: dict[str, Cell]
    milestones: list[Cell]


def cut_rows(
    below: Iterable[Sequence[Cell]],
    header: Header,
    sheet: str,
    default_status: str | None,
    teaching: TeachingRows | None = None,
) -> tuple[list[SourceRow], list[SkippedRow]]:
    """Every item in the rows ``below`` the header; a row with only a milestone continues the item above.

    Every row is read to the end of the sheet: empty rows are passed over, never taken as its end.
    ``teaching`` carries the template's teaching rows from one sheet to the next.
    """
    teaching = teaching if teaching is not None else TeachingRows()
    items: list[_Pending] = []
    skipped: list[SkippedRow] = []
    for offset, cells in enumerate(below):
        if cells.count(None) == len(cells):  # the common empty row, told apart in C: sheets run long
            continue
        number = header.row + 1 + offset
        fields = {f: v for f, cols in header.fields.items() if not is_empty(v := _value(cells, cols))}
        source = {
            name: cells[col]
            for col, name in header.others.items()
            if col < len(cells) and not is_empty(cells[col])
        }
        if not fields and not source:
            continue
        reason = _skip_reason(cells, fields, source, header, teaching)
        if reason is not None:
            teaching.remember(number, fields)
            skipped.append(SkippedRow(sheet, number, reason))
        elif (copied := teaching.repeated(fields)) is not None:
            skipped.append(
                SkippedRow(sheet, number, f"repeats the template's guidance or example (row {copied})")
            )
        elif _KEY_FIELDS & fields.keys():
            items.append(_Pending(number, fields, source, []))
        elif Field.MILESTONES in fields and items:
            items[-1].milestones.append(fields[Field.MILESTONES])
        else:
            skipped.append(SkippedRow(sheet, number, "no id, practice or finding"))
    columns = frozenset(header.fields)
    rows = [
        SourceRow(sheet, p.row, p.cells, p.source, tuple(p.milestones), default_status, columns)
        for p in items
    ]
    return rows, skipped


def _skip_reason(
    cells: Sequence[Cell],
    fields: Mapping[Field, Cell],
    source: Mapping[str, Cell],
    header: Header,
    teaching: TeachingRows,
) -> str | None:
    """Why a row is the template's own teaching material (and so no item), or None."""
    label = teaching_label(cells, header.first_column)
    if label is not None:
        return f"template {label!r} row"
    if _requirement_row([*fields.values(), *source.values()]):
        return "template 'Mandatory or Situational' row"
    if _repeats_header([*fields.values(), *source.values()], header):
        return "repeats the header row"
    return _template_row_reason(fields)


def sheet_status(sheet: str) -> str | None:
    """What a sheet's name says about its items (FedRAMP: Open / Closed POA&M Items)."""
    name = normalise(sheet)
    if re.search(r"\bclosed\b", name):
        return "closed"
    if re.search(r"\bopen\b", name):
        return "open"
    return None


def as_text(cell: Cell) -> str:
    """A cell as one trimmed string (dates as ISO)."""
    if cell is None:
        return ""
    if isinstance(cell, datetime):
        return cell.date().isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()

"""Source rows into POA&M entries (plain JSON objects, schema version 1's entry shape) and what to report.

Each entry keeps where it came from under ``import`` (file, sheet, row, and every source column that has
no home in the schema), so nothing the source said is lost. A row naming several practices becomes one
entry per practice; a row naming none (or only NIST SP 800-53 controls) keeps the source text as its
``practice_id``, which no POA&M loader accepts: it is reported, never guessed.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from verifier.catalog import objectives_by_id
from verifier.inputs.poam_import.milestones import milestones
from verifier.inputs.poam_import.rows import Cell, Field, SourceDocument, SourceRow
from verifier.inputs.poam_import.table import as_text
from verifier.inputs.poam_import.values import (
    MappedKind,
    entry_kind,
    entry_status,
    objective_ids,
    parse_date,
    practice_ids,
)
from verifier.model import OPERATIONAL_KIND

UNRESOLVED = "UNRESOLVED"
_CHECK_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
# Every pattern here runs on cells of any size (a pasted log of a megabyte): each is linear. The key is
# matched alone and the value stripped in Python: "(.*?)\s*$" rescans trailing spaces from every start.
_RESOURCE_KEY = re.compile(r"\s*(budget|fte|tooling)\s*:", re.IGNORECASE)
# "[^\S\n]" is a space within one line: "^\s*" under MULTILINE would rescan a run of blank lines from each.
_ROOT_CAUSE_LINE = re.compile(r"^[^\S\n]*root cause:[^\S\n]*(\S.*)$", re.IGNORECASE | re.MULTILINE)

JsonObject = dict[str, Any]


@dataclass(frozen=True, slots=True)
class ImportedEntry:
    """One entry to write, with the notes the import report lists for it."""

    document: JsonObject
    sheet: str
    row: int
    unresolved: str = ""
    split_into: tuple[str, ...] = ()
    free_text_status: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)
    # The source has a Kind column and this row's says "POA&M item": a merge --update clears an existing
    # entry's operational kind (an empty cell is dropped before the row is built, so only the column says it).
    says_poam_item: bool = False

    @property
    def id(self) -> str:
        return str(self.document["id"])


def entries(source: SourceDocument) -> list[ImportedEntry]:
    """Every row's entries, in source order."""
    return [entry for row in source.rows for entry in row_entries(source, row)]


def row_entries(source: SourceDocument, row: SourceRow) -> list[ImportedEntry]:
    base, notes = _base_entry(source, row)
    status = entry_status(row.cells.get(Field.STATUS), row.default_status)
    base["status"] = status.status
    free_text = "" if status.exact else as_text(row.cells.get(Field.STATUS))
    if free_text:
        base["import"]["original_status"] = free_text
    ids = practice_ids(row.cells.get(Field.PRACTICE_ID))
    named = objective_ids(
        row.cells.get(Field.OBJECTIVES),
        row.cells.get(Field.PRACTICE_ID),
        row.cells.get(Field.FINDING),
        *_objectives_sheet_rows(source, row),
    )
    mapped = entry_kind(row.cells.get(Field.KIND))
    kind = _kind(base, mapped, row.cells.get(Field.KIND))
    says_item = Field.KIND in row.columns and mapped.kind == "poam"
    if not ids.found:
        base["practice_id"] = as_text(row.cells.get(Field.PRACTICE_ID)) or UNRESOLVED
        base["import"]["unresolved_practice"] = ids.problem
        problem = "; ".join(p for p in (ids.problem, kind) if p)
        return [ImportedEntry(_ordered(base), row.sheet, row.row, problem, (), free_text, notes)]
    if len(ids.found) == 1:
        base["practice_id"] = ids.found[0]
        return [
            ImportedEntry(
                _ordered(_with_objectives(base, named)),
                row.sheet,
                row.row,
                kind,
                (),
                free_text,
                notes,
                says_item,
            )
        ]
    split_ids = tuple(f"{base['id']}.{n}" for n in range(1, len(ids.found) + 1))
    return [
        ImportedEntry(
            _ordered(
                _with_objectives(
                    {
                        **base,
                        "id": new_id,
                        "practice_id": practice,
                        "import": {**base["import"], "split_from": base["id"]},
                    },
                    named,
                )
            ),
            row.sheet,
            row.row,
            kind,
            split_ids,
            free_text,
            notes,
            says_item,
        )
        for new_id, practice in zip(split_ids, ids.found, strict=True)
    ]


def _objectives_sheet_rows(source: SourceDocument, row: SourceRow) -> tuple[str, ...]:
    """The objectives an Objectives sheet lists for the row's entry, unless the row has an Objectives column:
    that column is then the entry's own list (empty: judged on all), where the sheet lists every objective
    the entry is judged on (all of them for an entry that names none)."""
    if Field.OBJECTIVES in row.columns:
        return ()
    return source.objectives.get(as_text(row.cells.get(Field.ID)), ())


def _kind(entry: JsonObject, mapped: MappedKind, cell: Cell) -> str:
    """Sets ``kind`` on an operational plan of action (a POA&M item has none: the default) and returns "";
    a cell naming no kind is kept as written, which no POA&M loader accepts, and its problem returned: the
    row is reported and nothing is written, as for an unresolved practice."""
    if mapped.kind == OPERATIONAL_KIND:
        entry["kind"] = OPERATIONAL_KIND
    elif mapped.kind is None:
        entry["kind"] = as_text(cell)
    return mapped.problem


def _with_objectives(entry: JsonObject, named: tuple[str, ...]) -> JsonObject:
    """The entry with the objectives of its practice the source names (the ones found NOT MET), if any."""
    known = objectives_by_id()
    own = [objective for objective in named if known[objective].practice_id == entry["practice_id"]]
    return {**entry, "objectives": own} if own else entry


_ORDER = (
    "id",
    "practice_id",
    "objectives",
    "finding",
    "root_cause",
    "owner",
    "milestones",
    "resources",
    "verification",
    "status",
    "kind",
    "created",
    "comments",
    "import",
)


def _ordered(entry: JsonObject) -> JsonObject:
    return {key: entry[key] for key in _ORDER if key in entry}


def _base_entry(source: SourceDocument, row: SourceRow) -> tuple[JsonObject, tuple[str, ...]]:
    cells = row.cells
    notes: list[str] = []
    columns = {name: _json_cell(value) for name, value in row.source_columns.items()}
    entry: JsonObject = {"id": as_text(cells.get(Field.ID)) or f"ROW-{row.row}"}
    if not as_text(cells.get(Field.ID)):
        notes.append(f"no id in the source: named {entry['id']}")
    entry["finding"] = as_text(cells.get(Field.FINDING))
    root_cause = as_text(cells.get(Field.ROOT_CAUSE)) or _root_cause_from_plan(row)
    if root_cause:
        entry["root_cause"] = root_cause
    if owner := _owner(cells.get(Field.OWNER)):
        entry["owner"] = owner
    found = milestones(
        [c for c in (cells.get(Field.MILESTONES), *row.milestones) if c is not None], source.epoch_1904
    )
    completion = _date_or_text(cells.get(Field.COMPLETION_DATE), source.epoch_1904)
    if completion:
        columns["Scheduled Completion Date"] = completion
        if not found:
            found = [{"title": "Scheduled completion", "due": completion, "status": "planned"}]
    entry["milestones"] = found
    if (resources := _resources(cells.get(Field.RESOURCES))) is not None:
        entry["resources"] = resources
    if checks := _checks(cells.get(Field.CHECKS), columns):
        entry["verification"] = {"checks": checks}
    created = _date_or_text(cells.get(Field.CREATED), source.epoch_1904)
    if created and parse_date(cells.get(Field.CREATED), source.epoch_1904) is not None:
        entry["created"] = created
    elif created:
        columns["Original Detection Date"] = created
    _status_date(found, cells.get(Field.STATUS_DATE), source.epoch_1904, columns)
    if comments := as_text(cells.get(Field.COMMENTS)):
        entry["comments"] = comments
    record: JsonObject = {"file": source.file.name, "format": source.format.value}
    if row.sheet:
        record["sheet"] = row.sheet
    record["row"] = row.row
    record["source_columns"] = columns
    entry["import"] = record
    return entry, tuple(notes)


def _status_date(milestones: list[JsonObject], cell: Cell, epoch_1904: bool, columns: dict[str, Any]) -> None:
    """FedRAMP's Status Date (when the item was last changed) dates every milestone's status that has
    none of its own; text that is no date, or a date with no milestone to carry it, stays a source column."""
    parsed = parse_date(cell, epoch_1904)
    if parsed is None or not milestones:
        if text := _date_or_text(cell, epoch_1904):
            columns["Status Date"] = text
        return
    for milestone in milestones:
        milestone.setdefault("status_date", parsed.value.isoformat())


def _json_cell(cell: Cell) -> str | int | float | bool:
    if isinstance(cell, bool | int) or (isinstance(cell, float) and math.isfinite(cell)):
        return cell
    return as_text(cell)  # inf and nan have no JSON form


def _date_or_text(cell: Cell, epoch_1904: bool) -> str:
    parsed = parse_date(cell, epoch_1904)
    return parsed.value.isoformat() if parsed else as_text(cell)


def _root_cause_from_plan(row: SourceRow) -> str:
    # This tool's export writes "Root cause: …" as the first line of the Overall Remediation Plan.
    plan = row.source_columns.get("Overall Remediation Plan")
    match = _ROOT_CAUSE_LINE.search(as_text(plan))
    return match.group(1).strip() if match else ""


def _owner(cell: Cell) -> JsonObject | None:
    text = " ".join(as_text(cell).split())
    if not text:
        return None
    name, _, role = text.partition(", ")
    return {"name": name.strip(), "role": role.strip()}


def _resources(cell: Cell) -> JsonObject | str | None:
    if isinstance(cell, int | float) and not isinstance(cell, bool) and math.isfinite(cell):
        return {"budget_usd": cell}
    text = as_text(cell)
    if not text:
        return None
    parts = [_resource_part(p) for p in text.split(";")]
    if not all(parts):
        return text
    resources: JsonObject = {}
    for part in parts:
        assert part is not None  # noqa: S101 - checked by all() above
        key, value = part
        if key == "tooling":
            resources["tooling"] = [t.strip() for t in value.split(",") if t.strip()]
        else:
            resources["budget_usd" if key == "budget" else "fte"] = _number(value.removeprefix("USD").strip())
    return resources


def _resource_part(text: str) -> tuple[str, str] | None:
    """``Budget: USD 1200`` as ("budget", "USD 1200"); the value is one line."""
    match = _RESOURCE_KEY.match(text)
    if match is None:
        return None
    value = text[match.end() :].strip()
    return None if "\n" in value else (match.group(1).casefold(), value)


def _number(text: str) -> float | int | str:
    try:
        number = float(text.replace(",", ""))
    except ValueError:
        return text
    if not math.isfinite(number):
        return text
    return int(number) if number.is_integer() and "." not in text else number


def _checks(cell: Cell, columns: dict[str, Any]) -> list[str]:
    words = [w for w in re.split(r"[\s,;]+", as_text(cell)) if w]
    checks = [w for w in words if _CHECK_ID.match(w)]
    if len(checks) != len(words):
        columns["Checks"] = as_text(cell)
        return []
    return list(dict.fromkeys(checks))

"""Spreadsheet exports of one run: the POA&M as assessors and eMASS/FedRAMP templates lay it out.

One row per entry with the template's columns (POA&M ID, Controls, Weakness Name ... Comments), then the
verifier's own (verdict, when, the evidence file with its SHA-256, the same digest ``verify`` writes, and
Kind: ``operational`` for an operational plan of action (32 CFR 170.4), empty for a POA&M item).
``xlsx`` splits the rows into an "Open" sheet (open and ready for closeout) and a "Closed" sheet, and adds an
"Objectives" sheet (entry × 800-171A objective: verdict, basis, checks, attestations, reasons) where entries
were judged per objective; ``csv`` holds every entry row (it is one table) with one more column, "Objectives":
the 800-171A objectives the entry names as NOT MET (``3.3.8[a]; 3.3.8[b]``, empty: all of its practice's),
which ``poam import`` reads back. The status is the one after this run's transition (``next_status``).

Cell text is user input (findings, root causes, milestone titles): text that a spreadsheet would read as
a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is neutralised — a leading
apostrophe in CSV, an explicit string cell with Excel's quote prefix in XLSX.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import assert_never

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from verifier.catalog import practices
from verifier.model import (
    OPERATIONAL_KIND,
    Entry,
    EntryResult,
    EntryStatus,
    Milestone,
    MilestoneStatus,
    Resources,
    next_status,
)
from verifier.outputs import evidence
from verifier.outputs.objectives import objective_text
from verifier.outputs.poam_json import EvidenceRef
from verifier.outputs.reasons import render, rendered
from verifier.outputs.run import VerificationRun, timestamp
from verifier.rules.timeline import is_overdue
from verifier.scope import poam_entry_scope

# A verifier column: "operational" for an operational plan of action (32 CFR 170.4), empty for a POA&M
# item, so ``poam import`` of the export keeps an operational plan out of the score and the closeout.
KIND_COLUMN = "Kind"
# The entry's own objectives (the ones found NOT MET), "; "-separated; empty: judged on all of its practice's.
# ``poam import`` reads it back as written (the XLSX Objectives sheet lists every objective judged, all of them
# for an entry that names none, so it cannot say which entries named none).
OBJECTIVES_COLUMN = "Objectives"
OBJECTIVES_SEPARATOR = "; "
# (header, XLSX column width in characters), in the order the templates use, then the verifier's columns.
COLUMN_WIDTHS: tuple[tuple[str, int], ...] = (
    ("POA&M ID", 12),
    ("Controls", 18),
    ("Weakness Name", 40),
    ("Weakness Description", 60),
    ("Detector Source", 22),
    ("Asset Identifier", 40),
    ("Point of Contact", 28),
    ("Resources Required", 32),
    ("Overall Remediation Plan", 60),
    ("Original Detection Date", 14),
    ("Scheduled Completion Date", 14),
    ("Planned Milestones", 60),
    ("Milestone Changes", 40),
    ("Status Date", 14),
    ("Status", 18),
    ("Comments", 60),
    ("Verdict", 14),
    ("Verified At", 22),
    ("Evidence File", 32),
    ("Evidence SHA-256", 66),
    (KIND_COLUMN, 12),
    (OBJECTIVES_COLUMN, 40),
)
COLUMNS: tuple[str, ...] = tuple(header for header, _ in COLUMN_WIDTHS)
OPEN_SHEET = "Open"
CLOSED_SHEET = "Closed"
# The entry × objective matrix, one row per 800-171A objective an entry is judged on (XLSX only).
OBJECTIVES_SHEET = "Objectives"
OBJECTIVE_COLUMN_WIDTHS: tuple[tuple[str, int], ...] = (
    ("POA&M ID", 12),
    ("Controls", 18),
    ("Objective", 12),
    ("Objective Text", 60),
    ("Verdict", 14),
    ("Basis", 12),
    ("Checks", 40),
    ("Attestations", 40),
    ("Reasons", 80),
)

_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# XML 1.0 forbids these control characters; openpyxl refuses them rather than write a broken file.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(frozen=True, slots=True)
class PoamRow:
    """One entry's cells, in ``COLUMNS`` order, and its status after this run (which picks the sheet)."""

    status: EntryStatus
    cells: tuple[str, ...]


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet would read ``text`` as a formula (or a DDE payload) if typed in a cell."""
    return text.startswith(_FORMULA_TRIGGERS)


def csv_safe(text: str) -> str:
    """``text`` with a leading apostrophe when a spreadsheet would otherwise evaluate it."""
    return f"'{text}" if is_formula_like(text) else text


def status_label(status: EntryStatus) -> str:
    """The Status column's wording of an entry status."""
    match status:
        case EntryStatus.OPEN:
            return "Open"
        case EntryStatus.READY_FOR_CLOSEOUT:
            return "Ready for closeout"
        case EntryStatus.CLOSED:
            return "Closed"
        case _:
            assert_never(status)


# --- rows ------------------------------------------------------------------------------------------


def rows(run: VerificationRun) -> tuple[PoamRow, ...]:
    """One row per entry, in the POA&M's order."""
    refs = evidence.entry_files(run).refs
    entries = {entry.id: entry for entry in run.poam.poam.entries}
    return tuple(_row(run, entries[r.entry_id], r, refs[r.entry_id]) for r in run.results)


def _row(run: VerificationRun, entry: Entry, result: EntryResult, ref: EvidenceRef) -> PoamRow:
    status = next_status(entry.status, result.verdict)
    practice = practices()[entry.practice_id]
    as_of = run.context.as_of
    cells = (
        entry.id,
        f"{entry.practice_id} (NIST SP 800-171 {practice.nist_id})",
        practice.title,
        entry.finding,
        _detector_source(run, result),
        _asset_identifier(run, entry, result),
        f"{entry.owner.name}, {entry.owner.role}" if entry.owner is not None else "",
        _resources_required(entry.resources),
        _remediation_plan(entry),
        entry.created.isoformat() if entry.created is not None else "",
        _scheduled_completion(entry.milestones),
        "\n".join(f"{n}. {_milestone_text(m)}" for n, m in enumerate(entry.milestones, start=1)),
        "\n".join(_milestone_change(m, as_of) for m in _changed(entry.milestones, as_of)),
        _status_date(entry.milestones),
        status_label(status),
        "\n".join(rendered(result)),
        result.verdict.value,
        timestamp(run.context.verified_at),
        ref.path,
        ref.sha256,
        "" if entry.is_poam_item else OPERATIONAL_KIND,
        OBJECTIVES_SEPARATOR.join(entry.objectives or ()),
    )
    return PoamRow(status=status, cells=cells)


def _detector_source(run: VerificationRun, result: EntryResult) -> str:
    if not result.checks:
        return "Attestation"
    deciding = sorted({f.prowler_version for f in result.evidence if f.prowler_version})
    versions = ", ".join(deciding or run.findings.prowler_versions)
    return f"Prowler {versions} via poam-verifier" if versions else "Prowler via poam-verifier"


def _asset_identifier(run: VerificationRun, entry: Entry, result: EntryResult) -> str:
    # The scope's named resources; else the resources the deciding findings were about; else the accounts.
    scope = poam_entry_scope(run.poam.poam, entry).union()
    scanned = sorted({f.resource_uid for f in result.evidence if f.resource_uid})
    return "\n".join(scope.resources or scanned or scope.accounts)


def _resources_required(resources: Resources | None) -> str:
    if resources is None:
        return ""
    parts = []
    if resources.budget_usd is not None:
        parts.append(f"Budget: USD {_number(resources.budget_usd)}")
    if resources.fte is not None:
        parts.append(f"FTE: {_number(resources.fte)}")
    if resources.tooling:
        parts.append(f"Tooling: {', '.join(resources.tooling)}")
    return "; ".join(parts)


def _number(value: float | str) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _remediation_plan(entry: Entry) -> str:
    lines = [f"Root cause: {entry.root_cause}"] if entry.root_cause else []
    if entry.milestones:
        lines.append("Milestones: " + "; ".join(m.title for m in entry.milestones))
    return "\n".join(lines)


def _due(milestone: Milestone) -> str:
    return milestone.due.isoformat() if milestone.due is not None else (milestone.due_text or "no due date")


def _milestone_text(milestone: Milestone) -> str:
    return f"{milestone.title} — {_due(milestone)} ({milestone.status.value})"


def _scheduled_completion(milestones: tuple[Milestone, ...]) -> str:
    dates = [m.due for m in milestones if m.due is not None]
    if dates:
        return max(dates).isoformat()
    return milestones[-1].due_text if milestones else ""


def _changed(milestones: Iterable[Milestone], as_of: date) -> list[Milestone]:
    return [m for m in milestones if m.status is MilestoneStatus.MISSED or is_overdue(m, as_of)]


def _milestone_change(milestone: Milestone, as_of: date) -> str:
    if milestone.status is MilestoneStatus.MISSED:
        return f"{milestone.title} — due {_due(milestone)} (missed)"
    return f"{milestone.title} — due {_due(milestone)}, not done as of {as_of.isoformat()} ({milestone.status.value})"


def _status_date(milestones: tuple[Milestone, ...]) -> str:
    """The latest milestone status date, or empty: a date no milestone carries would be read back
    (``poam import``) as the status date of every milestone."""
    dates = [m.status_date for m in milestones if m.status_date is not None]
    return max(dates).isoformat() if dates else ""


def objective_rows(run: VerificationRun) -> tuple[tuple[str, ...], ...]:
    """One row per objective of each entry judged per objective, in ``OBJECTIVE_COLUMN_WIDTHS`` order."""
    return tuple(
        (
            result.entry_id,
            result.practice_id,
            objective.objective_id,
            objective_text(objective.objective_id),
            objective.verdict.value,
            objective.basis.value,
            "\n".join(objective.checks),
            "\n".join(objective.attestations),
            "\n".join(render(reason) for reason in objective.reasons),
        )
        for result in run.results
        for objective in result.objectives
    )


# --- CSV -------------------------------------------------------------------------------------------


def render_csv(run: VerificationRun) -> bytes:
    """``--format csv``: every entry, RFC 4180 (CRLF, every field quoted), UTF-8 with a BOM for Excel."""
    buffer = io.StringIO()
    # Every field is quoted: Excel in a locale whose list separator is ";" splits an unquoted
    # "a;=1+1" into two cells and evaluates the second, past the apostrophe that guards the first.
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerow(COLUMNS)
    writer.writerows([csv_safe(cell) for cell in row.cells] for row in rows(run))
    return buffer.getvalue().encode("utf-8-sig")


# --- XLSX ------------------------------------------------------------------------------------------


def render_xlsx(run: VerificationRun) -> bytes:
    """``--format xlsx``: an "Open" and a "Closed" sheet, and an "Objectives" sheet where entries were
    judged per 800-171A objective; the same run renders the same bytes."""
    workbook = Workbook()
    for sheet in workbook.worksheets:  # the default "Sheet"
        workbook.remove(sheet)
    open_sheet: Worksheet = workbook.create_sheet(OPEN_SHEET)
    closed_sheet: Worksheet = workbook.create_sheet(CLOSED_SHEET)
    all_rows = rows(run)
    _fill(open_sheet, COLUMN_WIDTHS, [r.cells for r in all_rows if r.status is not EntryStatus.CLOSED])
    _fill(closed_sheet, COLUMN_WIDTHS, [r.cells for r in all_rows if r.status is EntryStatus.CLOSED])
    objectives = objective_rows(run)
    if objectives:
        _fill(workbook.create_sheet(OBJECTIVES_SHEET), OBJECTIVE_COLUMN_WIDTHS, list(objectives))
    return _save(workbook, run.context.verified_at)


def _fill(
    sheet: Worksheet, column_widths: tuple[tuple[str, int], ...], sheet_rows: list[tuple[str, ...]]
) -> None:
    wrap = Alignment(wrap_text=True, vertical="top")
    for column, (header, _) in enumerate(column_widths, start=1):
        cell = sheet.cell(row=1, column=column, value=header)
        cell.font = Font(bold=True)
        cell.alignment = wrap
    for row_number, cells in enumerate(sheet_rows, start=2):
        for column, text in enumerate(cells, start=1):
            _write_text(sheet, row_number, column, text, wrap)
    for column, (_, width) in enumerate(column_widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(column_widths))}{len(sheet_rows) + 1}"


def _write_text(sheet: Worksheet, row: int, column: int, text: str, alignment: Alignment) -> None:
    cell = sheet.cell(row=row, column=column)
    cell.value = _ILLEGAL_XML.sub("\ufffd", text)
    cell.alignment = alignment
    if is_formula_like(text):
        # openpyxl stores text starting with "=" as a formula; force a string cell, and the quote
        # prefix keeps Excel from evaluating it once someone edits the cell.
        cell.data_type = "s"
        cell.quotePrefix = True


def _save(workbook: Workbook, moment: datetime) -> bytes:
    # openpyxl's save_workbook stamps "modified" with the wall clock and zips with it: write through
    # ExcelWriter with the run's time, then re-zip every member with that time.
    stamp = moment.astimezone(UTC).replace(tzinfo=None, microsecond=0)
    workbook.properties.created = stamp
    workbook.properties.modified = stamp
    workbook.properties.creator = "poam-verifier"
    buffer = io.BytesIO()
    ExcelWriter(workbook, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)).save()
    return _restamp(buffer.getvalue(), stamp)


def _restamp(data: bytes, stamp: datetime) -> bytes:
    date_time = (max(stamp.year, 1980), stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for member in source.infolist():
            info = zipfile.ZipInfo(member.filename, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(member.filename))
    return out.getvalue()

"""``assessment-results.xlsx``: the closeout's results per requirement and per objective.

The CMMC eMASS template (``CMMC_AssessmentResults_Template.xlsx``) is not public; the sheets and columns
follow a public reconstruction (Assessment, Requirements, Objectives, SSP). They live in ``SHEETS`` alone, so
a user who must match another template changes one table. Every sheet is one header row and data rows, so
pandas reads each with ``read_excel(sheet_name=...)``. Text a spreadsheet would run as a formula is stored
as a string cell with Excel's quote prefix.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import UTC

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from verifier.outputs.closeout_report import CloseoutFacts
from verifier.outputs.closeout_results import CloseoutResults, ObjectiveRow, RequirementRow
from verifier.outputs.hashing_log import ALGORITHM, ARTIFACTS_LOG
from verifier.outputs.spreadsheet import is_formula_like

WORKBOOK_FILE = "assessment-results.xlsx"
ASSESSMENT, REQUIREMENTS, OBJECTIVES, SSP = "Assessment", "Requirements", "Objectives", "SSP"
# Sheet → column names, in order: the one place the workbook's shape is defined.
SHEETS: dict[str, tuple[str, ...]] = {
    ASSESSMENT: (
        "Status",
        "OSC Name",
        "Assessment Type",
        "Assessment Start Date",
        "Assessment End Date",
        "Lead Assessor CPN",
        "Executive Summary",
        "Hash Value",
        "Hashed Data List File Name",
        "QA Assessor CPN",
        "Standards Acceptance",
        "Hash Algorithm",
        "Hash Date",
        "Conditional Status Date",
        "Closeout Deadline",
        "SPRS Score Before",
        "SPRS Score After",
        "Retain Until",
    ),
    REQUIREMENTS: (
        "CMMC ID",
        "NIST ID",
        "Requirement",
        "Determination",
        "POA&M Allowed",
        "Current POA&M Status",
        "POA&M Entries",
        "Operational Plan of Action",
    ),
    OBJECTIVES: (
        "Objective ID",
        "CMMC ID",
        "Objective",
        "Determination",
        "Artifacts",
        "Examine",
        "Interview",
        "Test",
    ),
    SSP: ("SSP Name", "Version", "Date"),
}
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def render(facts: CloseoutFacts, results: CloseoutResults, hash_value: str) -> bytes:
    """The workbook's bytes; its document properties carry the closeout's time, never the wall clock."""
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    rows: dict[str, list[tuple[str, ...]]] = {
        ASSESSMENT: [_assessment_row(facts, hash_value)],
        REQUIREMENTS: [_requirement_row(r) for r in results.requirements],
        OBJECTIVES: [_objective_row(o) for o in results.objectives],
        SSP: [(f"{facts.system} System Security Plan", "", "")],
    }
    for name, columns in SHEETS.items():
        _fill(workbook.create_sheet(name), columns, rows[name])
    stamp = facts.created.astimezone(UTC).replace(tzinfo=None, microsecond=0)
    workbook.properties.created = stamp
    workbook.properties.modified = stamp
    workbook.properties.creator = "poam-verifier"
    workbook.properties.title = f"POA&M closeout {facts.status}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _assessment_row(facts: CloseoutFacts, hash_value: str) -> tuple[str, ...]:
    csd = facts.conditional_status_date.isoformat() if facts.conditional_status_date else ""
    summary = (
        f"{'DRAFT ' if facts.draft else ''}POA&M closeout of {facts.system}, as of {facts.as_of.isoformat()} "
        f"(day {facts.day} of 180)"
    )
    return (
        facts.status,
        facts.organization,
        "Level 2 (Self)" if facts.assessment == "self" else "Level 2 (C3PAO)",
        facts.assessment_date.isoformat(),
        facts.as_of.isoformat(),
        "",
        summary,
        hash_value,
        ARTIFACTS_LOG,
        "",
        "",
        ALGORITHM,
        facts.created.astimezone(UTC).date().isoformat(),
        csd,
        facts.deadline.isoformat(),
        "" if facts.score_before is None else str(facts.score_before),
        "" if facts.score_after is None else str(facts.score_after),
        facts.retain_until.isoformat(),
    )


def _requirement_row(row: RequirementRow) -> tuple[str, ...]:
    return (
        row.practice.practice_id,
        row.practice.nist_id,
        row.statement,
        row.determination.value,
        row.practice.poam_eligibility.value,
        row.poam_status,
        ", ".join(row.entries),
        ", ".join(row.operational),
    )


def _objective_row(row: ObjectiveRow) -> tuple[str, ...]:
    return (
        row.objective_id,
        row.practice_id,
        row.text,
        row.determination.value,
        ", ".join(row.artifacts),
        row.examine,
        row.interview,
        row.test,
    )


def _fill(sheet: Worksheet, columns: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    sheet.append(list(columns))
    for row_number, values in enumerate(rows, start=2):
        for column, text in enumerate(values, start=1):
            cell = sheet.cell(row=row_number, column=column)
            cell.value = _ILLEGAL_XML.sub("\ufffd", text)
            if is_formula_like(text):
                cell.data_type = "s"
                cell.quotePrefix = True
    sheet.freeze_panes = "A2"

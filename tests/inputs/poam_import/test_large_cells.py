"""Cells of any size convert in time linear in their length: each cell here is 200 KB of the text that
made a pattern rescan itself from every start (each took minutes before, a megabyte hours)."""

from __future__ import annotations

from pathlib import Path

from verifier.inputs.poam_import.entries import row_entries
from verifier.inputs.poam_import.rows import Field, ImportFormat, SourceDocument, SourceRow

SIZE = 200_000
DOCUMENT = SourceDocument(Path("large.xlsx"), ImportFormat.XLSX, ())


def _entry(cells: dict[Field, object], source: dict[str, object] | None = None) -> dict[str, object]:
    row = SourceRow("Open", 9, {Field.ID: "P-1", Field.PRACTICE_ID: "3.1.1", **cells}, source or {})
    (entry,) = row_entries(DOCUMENT, row)
    return entry.document


def test_a_resources_cell_with_a_long_run_of_spaces_reads_its_value() -> None:
    assert _entry({Field.RESOURCES: "Budget:" + " " * SIZE + "x y"})["resources"] == {"budget_usd": "x y"}
    multiline = "Budget: 5" + " " * SIZE + "\nmore"
    assert _entry({Field.RESOURCES: multiline})["resources"] == multiline  # a value is one line
    assert _entry({Field.RESOURCES: "Budget:" + " " * SIZE})["resources"] == {"budget_usd": ""}
    assert _entry({Field.RESOURCES: "FTE: 0.5" + " " * SIZE + "; Tooling: Prowler"})["resources"] == {
        "fte": 0.5,
        "tooling": ["Prowler"],
    }


def test_a_remediation_plan_of_blank_lines_gives_no_root_cause() -> None:
    plan = "\n" * SIZE + "not a root cause"
    assert "root_cause" not in _entry({}, {"Overall Remediation Plan": plan})
    found = _entry({}, {"Overall Remediation Plan": " \n" * SIZE + "  Root cause:   No baseline  \n"})
    assert found["root_cause"] == "No baseline"


def test_a_milestone_with_a_long_run_of_spaces_before_its_end() -> None:
    (milestone,) = _entry({Field.MILESTONES: "Encrypt" + " " * SIZE + "x"})["milestones"]
    assert milestone["due"] is None and milestone["title"].startswith("Encrypt")
    (done,) = _entry({Field.MILESTONES: "Encrypt 2026-10-01" + " " * SIZE + "(done)"})["milestones"]
    assert (done["title"], done["due"], done["status"]) == ("Encrypt", "2026-10-01", "done")


def test_a_megabyte_cell_in_every_field_converts() -> None:
    for unit in (" ", "\n", "Budget: "):
        text = unit * (1_000_000 // len(unit))
        cells = {name: text for name in Field if name not in (Field.ID, Field.PRACTICE_ID)}
        assert _entry(cells, {"Overall Remediation Plan": text})["id"] == "P-1"

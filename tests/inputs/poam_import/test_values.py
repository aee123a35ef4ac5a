"""Dates, practice ids, statuses and milestone cells as spreadsheets actually hold them."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from verifier.inputs.poam_import.entries import row_entries
from verifier.inputs.poam_import.milestones import milestones, split_items
from verifier.inputs.poam_import.rows import Field, ImportFormat, SourceDocument, SourceRow
from verifier.inputs.poam_import.values import (
    entry_kind,
    entry_status,
    objective_ids,
    parse_date,
    practice_ids,
)


@pytest.mark.parametrize(
    ("cell", "epoch_1904", "expected"),
    [
        (datetime(2026, 11, 27, 0, 0), False, date(2026, 11, 27)),
        (date(2026, 11, 27), False, date(2026, 11, 27)),
        (46353, False, date(2026, 11, 27)),  # Excel 1900 date system
        (46353.0, False, date(2026, 11, 27)),
        (44891, True, date(2026, 11, 27)),  # Mac 1904 date system: 1462 days fewer
        ("46353", False, date(2026, 11, 27)),  # a serial that went through CSV
        ("2026-11-27", False, date(2026, 11, 27)),
        ("2014/05/23", False, date(2014, 5, 23)),
        ("11/27/2026", False, date(2026, 11, 27)),
        ("Completed 11/13/2018", False, date(2018, 11, 13)),
    ],
)
def test_dates_in_every_form_a_poam_holds_them(cell: object, epoch_1904: bool, expected: date) -> None:
    parsed = parse_date(cell, epoch_1904)
    assert parsed is not None and parsed.value == expected


@pytest.mark.parametrize("cell", ["TBD", "Ongoing", "Q3 2026", "", None, 12, "13/45/2026"])
def test_what_is_not_a_date_stays_undated(cell: object) -> None:
    assert parse_date(cell) is None


def test_completed_marks_the_date_as_done() -> None:
    parsed = parse_date("Completed 11/13/2018")
    assert parsed is not None and parsed.done
    assert not (parse_date("11/13/2018") or parse_date("x")).done  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("AC.L2-3.1.1", ("AC.L2-3.1.1",)),
        ("ac.l2-3.1.1", ("AC.L2-3.1.1",)),
        ("3.1.1", ("AC.L2-3.1.1",)),
        ("NIST SP 800-171 3.13.16", ("SC.L2-3.13.16",)),
        ("SC.L2-3.13.16 (NIST SP 800-171 3.13.16)", ("SC.L2-3.13.16",)),  # this tool's export
        ("3.1.1, 3.1.2\n3.5.3", ("AC.L2-3.1.1", "AC.L2-3.1.2", "IA.L2-3.5.3")),
        ("sp800-171r2-3.4.2", ("CM.L2-3.4.2",)),  # an OSCAL control id
    ],
)
def test_practice_ids_resolve_to_cmmc_ids(cell: str, expected: tuple[str, ...]) -> None:
    assert practice_ids(cell).found == expected


@pytest.mark.parametrize(
    ("cell", "problem"),
    [
        ("AC-3", "names only NIST SP 800-53 controls (AC-3)"),
        ("AC-2 (4), SI-4", "names only NIST SP 800-53 controls (AC-2 (4), SI-4)"),
        ("", "no practice named"),
        ("3.99.1", "3.99.1: not a CMMC Level 2 practice"),
        ("AC.L1-3.1.1", "AC.L1-3.1.1: not a CMMC Level 2 practice"),
        ("see the SSP", "names no CMMC practice"),
    ],
)
def test_unresolvable_practices_are_never_guessed(cell: str, problem: str) -> None:
    ids = practice_ids(cell)
    assert ids.found == ()
    assert problem in ids.problem


@pytest.mark.parametrize(
    ("cell", "default", "status", "exact"),
    [
        ("Ongoing", None, "open", True),
        ("Completed", None, "closed", True),
        ("Completed 11/13/2018", None, "closed", False),
        ("Risk Accepted", None, "open", False),
        ("Not Applicable", None, "open", False),
        ("Archived", None, "closed", True),
        ("Ready for closeout", None, "ready_for_closeout", True),
        ("waiting on the vendor", None, "open", False),
        ("", "closed", "closed", True),  # FedRAMP's Closed sheet
        ("", None, "open", False),
    ],
)
def test_statuses_fail_to_open_unless_the_source_says_done(
    cell: str, default: str | None, status: str, exact: bool
) -> None:
    mapped = entry_status(cell, default)
    assert (mapped.status, mapped.exact) == (status, exact)


FEDRAMP_CELL = "(1) 2014/05/23: Milestone Description\n\n(2) 2014-06-12: Milestone \nDescription"


def test_fedramp_numbered_milestone_lines_split_and_join_wrapped_text() -> None:
    assert split_items(FEDRAMP_CELL) == [
        "(1) 2014/05/23: Milestone Description",
        "(2) 2014-06-12: Milestone Description",
    ]
    assert milestones([FEDRAMP_CELL], False) == [
        {"title": "Milestone Description", "due": "2014-05-23", "status": "planned"},
        {"title": "Milestone Description", "due": "2014-06-12", "status": "planned"},
    ]


def test_the_exports_own_milestone_lines_read_back_with_status() -> None:
    cell = (
        "1. Enable TLS — 2026-10-15 (done)\n2. Review — TBD (planned)\n3. Retire — no due date (in_progress)"
    )
    assert milestones([cell], False) == [
        {"title": "Enable TLS", "due": "2026-10-15", "status": "done"},
        {"title": "Review", "due": "TBD", "status": "planned"},
        {"title": "Retire", "due": None, "status": "in_progress"},
    ]


def test_emass_milestones_one_per_cell_and_completed_ones() -> None:
    cells = ["Implement Procedure A 10/25/2018", "Completed 11/13/2018 Procedure B", "Ongoing"]
    assert milestones(cells, False) == [
        {"title": "Implement Procedure A", "due": "2018-10-25", "status": "planned"},
        {"title": "Procedure B", "due": "2018-11-13", "status": "done"},
        {"title": "Ongoing", "due": None, "status": "planned"},
    ]


def test_a_date_cell_is_a_milestone_with_only_a_due_date() -> None:
    assert milestones([datetime(2026, 12, 1)], False) == [
        {"title": "Milestone 1", "due": "2026-12-01", "status": "planned"}
    ]


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (("AU.L2-3.3.8[a], 3.3.8[b]", ""), ("3.3.8[a]", "3.3.8[b]")),
        (("3.3.8 [C]", "audit logs can be deleted (3.3.8[c])"), ("3.3.8[c]",)),
        (("AU.L2-3.3.8", "objective 3.3.8[z] of the assessment"), ()),  # not an 800-171A objective
        (("AU.L2-3.3.8", "logs are not protected"), ()),
    ],
)
def test_objective_ids_are_read_as_the_catalog_spells_them(
    cells: tuple[str, str], expected: tuple[str, ...]
) -> None:
    assert objective_ids(*cells) == expected


def _row(practice: str, finding: str) -> SourceRow:
    cells = {Field.ID: "P-1", Field.PRACTICE_ID: practice, Field.FINDING: finding}
    return SourceRow("POA&M", 2, cells, {})


def test_an_imported_entry_lists_the_objectives_of_its_practice_the_source_names() -> None:
    source = SourceDocument(Path("poam.csv"), ImportFormat.CSV, ())
    (entry,) = row_entries(source, _row("AU.L2-3.3.8[b]; AU.L2-3.3.8[a]", "logs can be altered"))
    assert entry.document["objectives"] == ["3.3.8[b]", "3.3.8[a]"]
    split = row_entries(source, _row("3.3.8[a], 3.3.9[b]", "audit trail"))
    assert [(e.document["practice_id"], e.document["objectives"]) for e in split] == [
        ("AU.L2-3.3.8", ["3.3.8[a]"]),
        ("AU.L2-3.3.9", ["3.3.9[b]"]),
    ]
    (whole,) = row_entries(source, _row("AU.L2-3.3.8", "logs can be altered"))
    assert "objectives" not in whole.document


@pytest.mark.parametrize(
    ("cell", "kind"),
    [
        (None, "poam"),
        ("", "poam"),
        ("  ", "poam"),
        ("POA&M item", "poam"),
        ("poam", "poam"),
        ("operational", "operational"),
        (" Operational  Plan of Action ", "operational"),
        ("OPERATIONAL_PLAN", "operational"),
    ],
)
def test_entry_kind_reads_a_poam_item_or_an_operational_plan(cell: str | None, kind: str) -> None:
    assert entry_kind(cell).kind == kind
    assert entry_kind(cell).problem == ""


@pytest.mark.parametrize("cell", ["operationl", "risk accepted", "operational; poam", "0", 7])
def test_entry_kind_names_no_kind_for_anything_else(cell: str | int) -> None:
    mapped = entry_kind(cell)
    assert mapped.kind is None
    assert repr(str(cell).strip()) in mapped.problem and "not an entry kind" in mapped.problem


def _kind_row(kind: str) -> SourceRow:
    cells = {Field.ID: "A-1", Field.PRACTICE_ID: "3.1.1; 3.1.2", Field.FINDING: "gap", Field.KIND: kind}
    return SourceRow("", 2, cells, {})


def test_an_unknown_kind_leaves_each_split_entry_unresolved_with_the_value_as_written() -> None:
    source = SourceDocument(Path("x.csv"), ImportFormat.CSV, ())
    split = row_entries(source, _kind_row("inherited"))
    assert [e.document["kind"] for e in split] == ["inherited", "inherited"]
    assert all("'inherited' is not an entry kind" in e.unresolved for e in split)
    operational = row_entries(source, _kind_row("operational"))
    assert [(e.document["kind"], e.unresolved) for e in operational] == [("operational", "")] * 2
    assert all("kind" not in e.document for e in row_entries(source, _kind_row("POA&M item")))

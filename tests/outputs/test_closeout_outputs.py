"""The closeout's formats: the Hashing Guide's log, the determinations per requirement and objective, retention."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests.rules.builders import entry
from verifier.catalog import assessment_procedures
from verifier.errors import InputError
from verifier.model import Basis, Entry, EntryResult, ObjectiveResult, Reason, ReasonCode, Verdict
from verifier.outputs.closeout_report import retain_until
from verifier.outputs.closeout_results import Determination, closeout_results
from verifier.outputs.hashing_log import ROW, parse_log, render_log, sha256_upper
from verifier.outputs.results_workbook import SHEETS

AUDIT = "AU.L2-3.3.8"
AUDIT_OBJECTIVES = tuple(o.objective_id for o in assessment_procedures()[AUDIT].objectives)


# --- the log -------------------------------------------------------------------------------------------


def test_the_log_is_powershells_table_and_reads_back() -> None:
    files = {"b/c.json": b"{}", "a.txt": b"hello"}
    data = render_log(files)
    lines = data.decode("ascii").split("\n")
    assert lines[:3] == [
        "",
        f"{'Algorithm':<15} {'Hash':<70} Path",
        f"{'---------':<15} {'----':<70} ----",
    ]
    assert lines[3] == f"{'SHA256':<15} {sha256_upper(b'hello'):<70} a.txt"  # sorted by path
    assert data.endswith(b"\n\n\n")
    assert {(r.path, r.sha256) for r in parse_log(data, "log")} == {
        (path, sha256_upper(content)) for path, content in files.items()
    }
    assert all(ROW.match(line) for line in lines if line.startswith("SHA256"))
    assert re.fullmatch(r"[0-9A-F]{64}", sha256_upper(b""))


def test_a_file_name_that_is_not_ascii_is_refused() -> None:
    with pytest.raises(InputError, match="ASCII"):
        render_log({"évidence.txt": b""})


def test_a_line_that_is_not_a_row_is_refused() -> None:
    data = render_log({"a.txt": b""}) + b"something else\n"
    with pytest.raises(InputError, match="line 7 is not a SHA256 row"):
        parse_log(data, "CMMCAssessmentArtifacts.log")


def test_retention_is_six_years_from_the_closeout_date() -> None:
    assert retain_until(date(2027, 1, 15)) == date(2033, 1, 15)
    assert retain_until(date(2028, 2, 29)) == date(2034, 2, 28)


def test_the_workbook_columns_are_one_table() -> None:
    assert list(SHEETS) == ["Assessment", "Requirements", "Objectives", "SSP"]
    assert {"Hash Value", "Hashed Data List File Name", "OSC Name"} <= set(SHEETS["Assessment"])
    assert SHEETS["SSP"] == ("SSP Name", "Version", "Date")


# --- determinations ------------------------------------------------------------------------------------


def _result(
    verdict: Verdict, objectives: dict[str, Verdict] | None = None, entry_id: str = "POAM-001"
) -> EntryResult:
    judged = tuple(
        ObjectiveResult(
            oid, v, Basis.CHECKS, (Reason(ReasonCode.MANUAL_RESULTS, {"check": "c", "count": 1}),), ("c",)
        )
        for oid, v in (objectives or {}).items()
    )
    return EntryResult(entry_id, AUDIT, verdict, (), objectives=judged)


def _rows(entries: list[Entry], results: list[EntryResult]) -> tuple[dict[str, str], dict[str, str]]:
    outcome = closeout_results(entries, results, {"POAM-001": "evidence/entries/POAM-001.json"}, "2026-09-14")
    requirements = {r.practice.practice_id: r.determination.value for r in outcome.requirements}
    objectives = {o.objective_id: o.determination.value for o in outcome.objectives}
    return requirements, objectives


def test_110_requirements_and_320_objectives_met_when_nothing_is_on_the_poam() -> None:
    outcome = closeout_results([], [], {}, "2026-09-14")
    assert len(outcome.requirements) == 110 and len(outcome.objectives) == 320
    assert {r.determination for r in outcome.requirements} == {Determination.MET}
    assert outcome.still_open == ()


def _judged_on_all() -> Entry:
    """The baseline entry judged on every objective of its practice (it names none)."""
    return entry(objectives=None)


def test_an_objective_without_a_result_is_not_verified_and_keeps_the_requirement_open() -> None:
    requirements, objectives = _rows([_judged_on_all()], [_result(Verdict.MET)])
    assert requirements[AUDIT] == "Not Met"
    assert {objectives[o] for o in AUDIT_OBJECTIVES} == {"Not Met"}
    outcome = closeout_results([_judged_on_all()], [_result(Verdict.MET)], {}, "2026-09-14")
    assert [o.verdict for o in outcome.entries[0].objectives] == [Verdict.NOT_VERIFIED] * len(
        AUDIT_OBJECTIVES
    )


def test_every_objective_met_closes_the_requirement() -> None:
    every = dict.fromkeys(AUDIT_OBJECTIVES, Verdict.MET)
    requirements, objectives = _rows([_judged_on_all()], [_result(Verdict.MET, every)])
    assert requirements[AUDIT] == "Met"
    assert {objectives[o] for o in AUDIT_OBJECTIVES} == {"Met"}


def test_an_entry_naming_some_objectives_is_judged_on_those_only() -> None:
    named = AUDIT_OBJECTIVES[:2]
    judged = dict.fromkeys(named, Verdict.MET) | {named[1]: Verdict.NOT_MET}
    requirements, objectives = _rows([entry(objectives=named)], [_result(Verdict.NOT_MET, judged)])
    assert requirements[AUDIT] == "Not Met"
    assert (objectives[named[0]], objectives[named[1]]) == ("Met", "Not Met")
    assert {objectives[o] for o in AUDIT_OBJECTIVES[2:]} == {"Met"}  # MET at the assessment, not on the POA&M


def test_a_met_entry_still_needs_its_objectives_and_says_which_are_open() -> None:
    judged = dict.fromkeys(AUDIT_OBJECTIVES, Verdict.MET) | {AUDIT_OBJECTIVES[-1]: Verdict.NOT_VERIFIED}
    outcome = closeout_results([_judged_on_all()], [_result(Verdict.MET, judged)], {}, "2026-09-14")
    (still_open,) = outcome.still_open
    (reason,) = still_open.open_reasons()
    assert reason.startswith(f"POAM-001 objective {AUDIT_OBJECTIVES[-1]} NOT_VERIFIED (")


def test_an_operational_plan_of_action_is_never_open_and_leaves_its_practice_met() -> None:
    outcome = closeout_results([entry(kind="operational")], [_result(Verdict.NOT_MET)], {}, "2026-09-14")
    assert outcome.still_open == ()
    (row,) = [r for r in outcome.requirements if r.practice.practice_id == AUDIT]
    assert row.determination is Determination.MET and row.operational == ("POAM-001",) and row.entries == ()

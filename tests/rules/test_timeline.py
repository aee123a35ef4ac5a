"""The 180-day closeout countdown: Day N, phase, checkpoints, entries at risk."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.rules.builders import ASSESSED, CERTIFIED, DEADLINE, day, entry, milestone, poam
from verifier.model import EntryStatus, MilestoneStatus, Owner, Verdict
from verifier.rules.timeline import (
    Basis,
    Phase,
    closeout_deadline,
    phase_for,
    phase_summary,
    timeline,
    timeline_json,
)


def test_day_deadline_and_days_remaining_count_from_the_conditional_status_date() -> None:
    report = timeline(poam(), day(58))
    assert (report.day, report.deadline, report.days_remaining) == (58, DEADLINE, 122)
    assert report.basis is Basis.CONDITIONAL_STATUS_DATE
    assert report.deadline == date(2027, 3, 27)


def test_before_certification_the_assessment_date_is_the_planning_basis() -> None:
    report = timeline(poam(conditional=None), ASSESSED + timedelta(days=10))
    assert report.basis is Basis.ASSESSMENT_DATE
    assert (report.day, report.deadline) == (10, ASSESSED + timedelta(days=180))
    assert report.phase is Phase.PRE_CERTIFICATION
    assert closeout_deadline(poam(conditional=None).assessment) == ASSESSED + timedelta(days=180)


@pytest.mark.parametrize(
    ("n", "phase"),
    [
        (-1, Phase.PRE_CERTIFICATION),
        (0, Phase.OWNERS_AND_RESOURCES),
        (30, Phase.OWNERS_AND_RESOURCES),
        (31, Phase.IMPLEMENTATION),
        (120, Phase.IMPLEMENTATION),
        (121, Phase.CLOSURE_EVIDENCE),
        (150, Phase.CLOSURE_EVIDENCE),
        (151, Phase.CLOSEOUT),
        (180, Phase.CLOSEOUT),
        (181, Phase.EXPIRED),
    ],
)
def test_phase_boundaries(n: int, phase: Phase) -> None:
    assert phase_for(n, Basis.CONDITIONAL_STATUS_DATE) is phase
    assert timeline(poam(), day(n)).phase is phase


def test_every_phase_is_reachable_and_summarised() -> None:
    reached = {phase_for(n, Basis.CONDITIONAL_STATUS_DATE) for n in range(-5, 200)}
    assert reached == set(Phase)
    assert all(phase_summary(phase) for phase in Phase)


def test_checkpoints_pass_once_their_day_is_over() -> None:
    on_day_30 = timeline(poam(), day(30)).checkpoints
    assert [(c.day, c.date, c.passed) for c in on_day_30] == [
        (30, day(30), False),
        (120, day(120), False),
        (150, day(150), False),
        (180, DEADLINE, False),
    ]
    assert [c.passed for c in timeline(poam(), day(151)).checkpoints] == [True, True, True, False]


def test_days_remaining_goes_negative_after_the_deadline() -> None:
    assert timeline(poam(), day(185)).days_remaining == -5


def test_overdue_milestones_put_an_entry_at_risk() -> None:
    late = milestone("Deploy", CERTIFIED + timedelta(days=40), MilestoneStatus.IN_PROGRESS)
    report = timeline(poam(entry(milestones=(late,))), day(41))
    (risk,) = report.at_risk
    assert risk.entry == "POAM-001"
    assert "was due" in risk.reasons[0]


def test_a_milestone_due_today_is_not_overdue() -> None:
    due_today = milestone("Deploy", day(41), MilestoneStatus.IN_PROGRESS)
    assert timeline(poam(entry(milestones=(due_today,))), day(41)).at_risk == ()


@pytest.mark.parametrize(("n", "at_risk"), [(30, False), (31, True)])
def test_no_owner_after_day_30_is_a_risk(n: int, at_risk: bool) -> None:
    report = timeline(poam(entry(owner=Owner("IT team", ""))), day(n))
    assert bool(report.at_risk) is at_risk


def test_no_resources_after_day_30_is_a_risk() -> None:
    (risk,) = timeline(poam(entry(resources=None)), day(31)).at_risk
    assert "resources" in risk.reasons[0]


@pytest.mark.parametrize(
    ("n", "verdicts", "status", "at_risk"),
    [
        (120, None, EntryStatus.OPEN, False),
        (121, None, EntryStatus.OPEN, True),
        (121, {"POAM-001": Verdict.NOT_VERIFIED}, EntryStatus.OPEN, True),
        (121, {"POAM-001": Verdict.MET}, EntryStatus.OPEN, False),
        (121, None, EntryStatus.READY_FOR_CLOSEOUT, False),
        (121, {"POAM-001": Verdict.NOT_MET}, EntryStatus.READY_FOR_CLOSEOUT, True),
        (121, None, EntryStatus.CLOSED, False),
    ],
)
def test_not_met_after_the_day_120_checkpoint_is_a_risk(
    n: int, verdicts: dict[str, Verdict] | None, status: EntryStatus, at_risk: bool
) -> None:
    # Milestones all done, so only the Day 120 rule can put the entry at risk.
    done = tuple(milestone(f"Step {i}", day(10 * i), MilestoneStatus.DONE, day(10 * i)) for i in range(1, 4))
    report = timeline(poam(entry(status=status, milestones=done)), day(n), verdicts)
    assert bool(report.at_risk) is at_risk


def test_closed_entries_are_never_at_risk() -> None:
    entry_ = entry(status=EntryStatus.CLOSED, owner=None, resources=None)
    assert timeline(poam(entry_), day(170)).at_risk == ()


def test_timeline_json_shape() -> None:
    document = timeline_json(timeline(poam(entry(resources=None)), day(58)))
    assert list(document) == ["day", "deadline", "days_remaining", "phase", "checkpoints", "at_risk", "basis"]
    assert document["deadline"] == "2027-03-27"
    assert document["phase"] == "Days 30–120: implementation"
    assert document["checkpoints"][0] == {
        "day": 30,
        "date": "2026-10-28",
        "name": "every entry has a named owner and committed resources",
        "passed": True,
    }
    assert document["at_risk"][0]["entry"] == "POAM-001"
    assert document["basis"] == "conditional_status_date"

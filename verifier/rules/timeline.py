"""Where a POA&M stands in its 180-day closeout window, as of a given date.

Day 0 is the Conditional CMMC Status Date (32 CFR § 170.21(b): closeout "within 180-days of the
Conditional CMMC Status Date"). Before certification there is no such date yet, so the assessment date is
the planning basis and ``basis`` says so. The phases and checkpoints are the practitioner guide's
countdown: owners and resources by Day 30, implementation to Day 120, closure evidence to Day 150, C3PAO
notification from Day 150, hard deadline at Day 180 with no automatic extension. Only POA&M items are on
that clock: an operational plan of action (``kind: operational``, 32 CFR 170.4) is never at risk here.

A checkpoint has *passed* once its day is over (``as_of`` is later than its date): Day 30's duties may
still be done on Day 30.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, assert_never

from verifier.model import Assessment, Entry, EntryStatus, Milestone, MilestoneStatus, Poam, Verdict
from verifier.rules.heuristics import owner_problem, resources_problem

CLOSEOUT_DAYS = 180
OWNERS_DAY = 30
INTERNAL_CHECKPOINT_DAY = 120
C3PAO_NOTIFICATION_DAY = 150
# The guide's practical rule: back every completion date up by 30 days; the last 30 are the C3PAO's.
C3PAO_BUFFER_DAYS = CLOSEOUT_DAYS - C3PAO_NOTIFICATION_DAY


class Basis(enum.StrEnum):
    """Which date Day 0 is counted from."""

    CONDITIONAL_STATUS_DATE = "conditional_status_date"
    ASSESSMENT_DATE = "assessment_date"  # before certification: the planning basis


class Phase(enum.StrEnum):
    """The guide's phases of the closeout window."""

    PRE_CERTIFICATION = "pre-certification"
    OWNERS_AND_RESOURCES = "Days 1–30: assign owners and resources"
    IMPLEMENTATION = "Days 30–120: implementation"
    CLOSURE_EVIDENCE = "Days 120–150: closure evidence"
    CLOSEOUT = "Days 150–180: C3PAO notification and closeout"
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A dated duty of the countdown."""

    day: int
    date: date
    name: str
    passed: bool


@dataclass(frozen=True, slots=True)
class AtRisk:
    """An entry that needs attention now, and every reason why."""

    entry: str
    practice_id: str
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Timeline:
    """The countdown as of ``as_of``. ``days_remaining`` is negative once the deadline has passed."""

    as_of: date
    day_zero: date
    basis: Basis
    day: int
    deadline: date
    days_remaining: int
    phase: Phase
    checkpoints: tuple[Checkpoint, ...]
    at_risk: tuple[AtRisk, ...]


def day_zero(assessment: Assessment) -> tuple[date, Basis]:
    """Day 0 of the window and what it is counted from."""
    if assessment.conditional_status_date is not None:
        return assessment.conditional_status_date, Basis.CONDITIONAL_STATUS_DATE
    return assessment.assessment_date, Basis.ASSESSMENT_DATE


def closeout_deadline(assessment: Assessment) -> date:
    """Day 180: the last day the C3PAO can confirm closeout."""
    return day_zero(assessment)[0] + timedelta(days=CLOSEOUT_DAYS)


def window_day(assessment: Assessment, as_of: date) -> int:
    """Which day of the window ``as_of`` is (Day 0 is ``day_zero``; negative before it)."""
    return (as_of - day_zero(assessment)[0]).days


def phase_for(day: int, basis: Basis) -> Phase:
    """The phase of a day of the window; no phase starts before certification."""
    if basis is Basis.ASSESSMENT_DATE or day < 0:
        return Phase.PRE_CERTIFICATION
    if day <= OWNERS_DAY:
        return Phase.OWNERS_AND_RESOURCES
    if day <= INTERNAL_CHECKPOINT_DAY:
        return Phase.IMPLEMENTATION
    if day <= C3PAO_NOTIFICATION_DAY:
        return Phase.CLOSURE_EVIDENCE
    if day <= CLOSEOUT_DAYS:
        return Phase.CLOSEOUT
    return Phase.EXPIRED


_CHECKPOINTS = (
    (OWNERS_DAY, "every entry has a named owner and committed resources"),
    (INTERNAL_CHECKPOINT_DAY, "internal checkpoint: anything not in final deployment escalates"),
    (C3PAO_NOTIFICATION_DAY, "begin C3PAO notification and evidence submission"),
    (CLOSEOUT_DAYS, "hard deadline: closeout confirmed by the C3PAO, no automatic extension"),
)


def checkpoints(start: date, as_of: date) -> tuple[Checkpoint, ...]:
    """The four checkpoints counted from ``start``, each marked passed once its day is over."""
    return tuple(_checkpoint(start, as_of, day, name) for day, name in _CHECKPOINTS)


def _checkpoint(start: date, as_of: date, day: int, name: str) -> Checkpoint:
    when = start + timedelta(days=day)
    return Checkpoint(day=day, date=when, name=name, passed=as_of > when)


def timeline(poam: Poam, as_of: date, verdicts: Mapping[str, Verdict] | None = None) -> Timeline:
    """The countdown as of ``as_of``.

    ``verdicts`` are the entries' latest verdicts (the document's ``result.verdict``); without one, an
    entry counts as MET only if it is ``closed`` or ``ready_for_closeout`` (which only a MET moves it to).
    """
    start, basis = day_zero(poam.assessment)
    day = window_day(poam.assessment, as_of)
    deadline = closeout_deadline(poam.assessment)
    marks = checkpoints(start, as_of)
    risks = (_entry_risks(entry, as_of, marks, verdicts) for entry in poam.entries)
    return Timeline(
        as_of=as_of,
        day_zero=start,
        basis=basis,
        day=day,
        deadline=deadline,
        days_remaining=(deadline - as_of).days,
        phase=phase_for(day, basis),
        checkpoints=marks,
        at_risk=tuple(risk for risk in risks if risk is not None),
    )


def _entry_risks(
    entry: Entry, as_of: date, marks: tuple[Checkpoint, ...], verdicts: Mapping[str, Verdict] | None
) -> AtRisk | None:
    if entry.status is EntryStatus.CLOSED or not entry.is_poam_item:
        return None  # history, or an operational plan of action: not on the 180-day clock
    passed = {mark.day for mark in marks if mark.passed}
    reasons = [f"milestone {m.title!r} was due {m.due} and is not done" for m in overdue(entry, as_of)]
    if OWNERS_DAY in passed:
        reasons += [f"after Day {OWNERS_DAY}: {why}" for why in _unassigned(entry)]
    if INTERNAL_CHECKPOINT_DAY in passed and not _is_met(entry, verdicts):
        reasons.append(
            f"not verified MET after the Day {INTERNAL_CHECKPOINT_DAY} internal checkpoint: escalate"
        )
    return AtRisk(entry.id, entry.practice_id, tuple(reasons)) if reasons else None


def is_overdue(milestone: Milestone, as_of: date) -> bool:
    """Due before ``as_of`` and not done (a milestone due today is not late yet)."""
    return (
        milestone.due is not None and milestone.due < as_of and milestone.status is not MilestoneStatus.DONE
    )


def overdue(entry: Entry, as_of: date) -> tuple[Milestone, ...]:
    """The entry's overdue milestones, in order."""
    return tuple(m for m in entry.milestones if is_overdue(m, as_of))


def _unassigned(entry: Entry) -> list[str]:
    problems = (owner_problem(entry.owner), resources_problem(entry.resources))
    return [problem for problem in problems if problem is not None]


def _is_met(entry: Entry, verdicts: Mapping[str, Verdict] | None) -> bool:
    if verdicts is not None and entry.id in verdicts:
        return verdicts[entry.id] is Verdict.MET
    return entry.status is not EntryStatus.OPEN


def timeline_json(report: Timeline) -> dict[str, Any]:
    """The countdown as JSON with a stable key order (dates as ISO text)."""
    return {
        "day": report.day,
        "deadline": report.deadline.isoformat(),
        "days_remaining": report.days_remaining,
        "phase": report.phase.value,
        "checkpoints": [
            {"day": c.day, "date": c.date.isoformat(), "name": c.name, "passed": c.passed}
            for c in report.checkpoints
        ],
        "at_risk": [
            {"entry": r.entry, "practice_id": r.practice_id, "reasons": list(r.reasons)}
            for r in report.at_risk
        ],
        "basis": report.basis.value,
    }


def phase_summary(phase: Phase) -> str:
    """What the guide says to do in a phase (one line, for reports)."""
    match phase:
        case Phase.PRE_CERTIFICATION:
            return "build the POA&M now: it is locked at Day 0"
        case Phase.OWNERS_AND_RESOURCES:
            return "assign every owner, confirm budget and resources, schedule milestone check-ins"
        case Phase.IMPLEMENTATION:
            return "implement; have milestone evidence ready before the C3PAO asks"
        case Phase.CLOSURE_EVIDENCE:
            return "close items, collect closure evidence, run automated verification"
        case Phase.CLOSEOUT:
            return "notify the C3PAO and submit evidence; do not wait for Day 179"
        case Phase.EXPIRED:
            return "the window has closed: Conditional status has lapsed without a confirmed closeout"
        case _:
            assert_never(phase)

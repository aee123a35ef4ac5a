"""An operational plan of action (``kind: operational``, 32 CFR 170.4) is not a POA&M item anywhere.

It deducts nothing from the score, is not judged for § 170.21 eligibility (POAM001-POAM002), and is not on the
180-day clock (POAM012-POAM014, the countdown's entries at risk). Each test sets the same entry once as a POA&M
item and once as an operational plan of action, so the kind is what changes the outcome.
"""

from __future__ import annotations

import pytest

from tests.rules.builders import BASE_MILESTONES, context, day, entry, milestone, poam, run
from verifier.model import Entry, Milestone, Owner, Verdict
from verifier.rules.credibility import (
    IneligiblePractice,
    MilestoneAfterDeadline,
    MilestoneInC3paoBuffer,
    MilestoneOverdue,
    MilestoneStatusStale,
    OperationalPlanOfAction,
    ScoreBelowThreshold,
    lint,
)
from verifier.rules.ruleset import Rule
from verifier.rules.score import Paragraph, score_poam, sprs_score
from verifier.rules.timeline import timeline

ACCESS_CONTROL = "AC.L2-3.1.1"  # 5 points: never on a Conditional POA&M (§ 170.21(a)(2)(ii))


def _as(kind: str, **changes: object) -> Entry:
    return entry(id="E-1", kind=kind, **changes)


def test_only_operational_is_not_a_poam_item() -> None:
    assert entry().is_poam_item
    assert entry(kind="poam").is_poam_item
    assert not entry(kind="operational").is_poam_item


@pytest.mark.parametrize(("kind", "score", "blocked"), [("poam", 105, True), ("operational", 110, False)])
def test_an_operational_entry_on_a_5_point_practice_deducts_nothing_and_does_not_block(
    kind: str, score: int, blocked: bool
) -> None:
    report = score_poam(poam(_as(kind, practice_id=ACCESS_CONTROL)))
    assert (report.score, report.projected_score) == (score, score)
    assert report.conditional_eligible is not blocked
    assert [(b.entry, b.paragraph) for b in report.blockers] == (
        [("E-1", Paragraph.POINT_VALUE)] if blocked else []
    )


@pytest.mark.parametrize(("kind", "flagged"), [("poam", True), ("operational", False)])
@pytest.mark.parametrize("practice_id", [ACCESS_CONTROL, "PE.L2-3.10.3"])  # (a)(2)(ii) and (a)(2)(iii)
def test_poam001_flags_only_a_poam_item(kind: str, flagged: bool, practice_id: str) -> None:
    problems = run(IneligiblePractice(), context(poam(_as(kind, practice_id=practice_id))))
    assert [p.entry for p in problems] == (["E-1"] if flagged else [])


def test_operational_entries_never_push_the_score_below_the_threshold() -> None:
    five_pointers = ("AC.L2-3.1.1", "AC.L2-3.1.2", "AU.L2-3.3.1", "CM.L2-3.4.1", "IA.L2-3.5.1")
    entries = [entry(id=f"O-{n}", practice_id=p) for n, p in enumerate(five_pointers)]
    assert sprs_score(entries) == 85
    assert run(ScoreBelowThreshold(), context(poam(*entries)))
    operational = [entry(id=e.id, practice_id=e.practice_id, kind="operational") for e in entries]
    assert sprs_score(operational) == 110
    assert run(ScoreBelowThreshold(), context(poam(*operational))) == []


def test_a_poam_item_for_the_same_practice_still_deducts() -> None:
    both = poam(
        entry(id="OPA", practice_id=ACCESS_CONTROL, kind="operational"),
        entry(id="ITEM", practice_id=ACCESS_CONTROL),
    )
    report = score_poam(both)
    assert report.score == 105
    assert [b.entry for b in report.blockers] == ["ITEM"]


@pytest.mark.parametrize(("item_partial", "deducted"), [(True, 3), (False, 5)])
def test_partial_credit_is_decided_by_the_poam_items_alone(item_partial: bool, deducted: int) -> None:
    # The operational entry's partial flag is the opposite of the item's: it must not change the deduction.
    mfa = "IA.L2-3.5.3"
    entries = (
        entry(id="OPA", practice_id=mfa, kind="operational", partial=not item_partial),
        entry(id="ITEM", practice_id=mfa, partial=item_partial),
    )
    assert sprs_score(entries) == 110 - deducted


def test_an_operational_ssp_entry_leaves_a_score() -> None:
    report = score_poam(poam(_as("operational", practice_id="CA.L2-3.12.4")))
    assert (report.score, report.explanation, report.blockers) == (110, None, ())


def _late(n: int) -> tuple[Milestone, ...]:
    return (*BASE_MILESTONES[:2], milestone("Verify", day(n)))


@pytest.mark.parametrize(
    ("rule", "milestones"),
    [
        (MilestoneAfterDeadline(), _late(181)),  # POAM012
        (MilestoneInC3paoBuffer(), _late(170)),  # POAM013
        (MilestoneOverdue(), (*BASE_MILESTONES[:2], milestone("Verify", day(30)))),  # POAM014, as of Day 58
    ],
    ids=["POAM012", "POAM013", "POAM014"],
)
def test_the_180_day_rules_skip_an_operational_entry(rule: Rule, milestones: tuple[Milestone, ...]) -> None:
    assert [p.entry for p in run(rule, context(poam(_as("poam", milestones=milestones))))] == ["E-1"]
    assert run(rule, context(poam(_as("operational", milestones=milestones)))) == []


def test_an_operational_entry_still_keeps_its_milestone_status_current() -> None:
    stale = (*BASE_MILESTONES[:2], milestone("Verify", day(100), status_date=None))
    assert [
        p.entry for p in run(MilestoneStatusStale(), context(poam(_as("operational", milestones=stale))))
    ] == ["E-1"]


def test_lint_of_a_mixed_poam_flags_only_the_poam_item_and_names_the_operational_one() -> None:
    late = _late(181)
    mixed = poam(
        entry(id="OPA", practice_id=ACCESS_CONTROL, kind="operational", milestones=late),
        entry(id="ITEM", practice_id="AC.L2-3.1.2", milestones=late),
    )
    by_rule = {(p.rule_id, p.entry) for p in lint(context(mixed))}
    assert {("POAM001", "ITEM"), ("POAM012", "ITEM"), ("POAM021", "OPA")} <= by_rule
    assert not {("POAM001", "OPA"), ("POAM012", "OPA")} & by_rule
    (problem,) = run(OperationalPlanOfAction(), context(mixed))
    assert "deducts nothing" in problem.message and "180-day deadline" in problem.message


@pytest.mark.parametrize(("kind", "at_risk"), [("poam", True), ("operational", False)])
def test_an_operational_entry_is_never_at_risk_on_the_countdown(kind: str, at_risk: bool) -> None:
    # Day 130: past the Day 120 checkpoint, NOT MET, a milestone overdue and no owner after Day 30.
    late = (*BASE_MILESTONES[:2], milestone("Verify", day(100)))
    document = poam(_as(kind, milestones=late, owner=Owner(name="", role="")))
    report = timeline(document, day(130), {"E-1": Verdict.NOT_MET})
    assert [r.entry for r in report.at_risk] == (["E-1"] if at_risk else [])

"""SPRS score (32 CFR § 170.24) and Conditional Level 2 eligibility (32 CFR § 170.21(a))."""

from __future__ import annotations

import pytest

from tests.rules.builders import entry, poam
from verifier.catalog import Eligibility, practices
from verifier.model import Entry, EntryStatus
from verifier.rules.score import (
    MAX_SCORE,
    THRESHOLD,
    Paragraph,
    deduction,
    entry_blockers,
    score_json,
    score_poam,
)

# Eligible 1-point practices, enough to push the score across the threshold one point at a time.
ONE_POINTERS = tuple(
    pid for pid, p in practices().items() if p.points == 1 and p.poam_eligibility is Eligibility.YES
)


def _one_point_entries(count: int) -> tuple[Entry, ...]:
    return tuple(entry(id=f"E{i:03}", practice_id=pid) for i, pid in enumerate(ONE_POINTERS[:count]))


def test_threshold_is_80_percent_of_110_exactly() -> None:
    assert MAX_SCORE == 110
    assert THRESHOLD == 88  # ceil(0.8 * 110); the float product 88.00000000000001 would give 89


def test_a_poam_with_only_closed_entries_scores_110_and_is_eligible() -> None:
    report = score_poam(poam(entry(status=EntryStatus.CLOSED)))
    assert (report.score, report.projected_score, report.conditional_eligible) == (110, 110, True)
    assert report.blockers == ()


@pytest.mark.parametrize(("deducted", "eligible"), [(22, True), (23, False)])
def test_score_88_is_eligible_and_87_is_not(deducted: int, eligible: bool) -> None:
    report = score_poam(poam(*_one_point_entries(deducted)))
    assert report.score == MAX_SCORE - deducted
    assert report.conditional_eligible is eligible
    assert [b.paragraph for b in report.blockers] == ([] if eligible else [Paragraph.SCORE])


def test_the_score_blocker_cites_a_2_i() -> None:
    report = score_poam(poam(*_one_point_entries(23)))
    (blocker,) = report.blockers
    assert (blocker.entry, blocker.practice_id, blocker.rule) == (None, None, "32 CFR § 170.21(a)(2)(i)")
    assert "87" in blocker.reason


def test_closed_entries_do_not_deduct_and_ready_ones_do_until_confirmed() -> None:
    report = score_poam(
        poam(
            entry(id="A", practice_id="AU.L2-3.3.8", status=EntryStatus.CLOSED),
            entry(id="B", practice_id="AU.L2-3.3.9", status=EntryStatus.READY_FOR_CLOSEOUT),
            entry(id="C", practice_id="CM.L2-3.4.3", status=EntryStatus.OPEN),
        )
    )
    assert (report.score, report.projected_score) == (108, 109)


def test_a_practice_on_several_entries_deducts_once() -> None:
    report = score_poam(poam(entry(id="A"), entry(id="B")))
    assert report.score == 109


@pytest.mark.parametrize(
    ("practice_id", "partial", "points"),
    [
        ("IA.L2-3.5.3", True, 3),
        ("IA.L2-3.5.3", False, 5),
        ("SC.L2-3.13.11", True, 3),
        ("SC.L2-3.13.11", False, 5),
        ("AC.L2-3.1.1", True, 5),  # partial on any other practice is ignored
        ("AU.L2-3.3.8", True, 1),
        ("CA.L2-3.12.4", False, None),
    ],
)
def test_partial_credit_only_for_mfa_and_fips_crypto(
    practice_id: str, partial: bool, points: int | None
) -> None:
    assert deduction(practice_id, partial) == points


def test_partial_credit_counts_in_the_score() -> None:
    on = score_poam(poam(entry(practice_id="SC.L2-3.13.11", partial=True)))
    off = score_poam(poam(entry(practice_id="SC.L2-3.13.11", partial=False)))
    assert (on.score, off.score) == (107, 105)


def test_a_practice_deducts_at_full_value_unless_every_entry_is_partial() -> None:
    mixed = poam(
        entry(id="A", practice_id="SC.L2-3.13.11", partial=True),
        entry(id="B", practice_id="SC.L2-3.13.11", partial=False),
    )
    assert score_poam(mixed).score == 105


def test_the_ssp_on_the_poam_means_no_score() -> None:
    report = score_poam(poam(entry(id="SSP-1", practice_id="CA.L2-3.12.4")))
    assert report.score is None
    assert report.projected_score is None
    assert report.explanation is not None and "cannot be completed" in report.explanation
    assert [(b.entry, b.paragraph) for b in report.blockers] == [("SSP-1", Paragraph.NEVER_ELIGIBLE)]
    assert report.conditional_eligible is False


def test_projected_score_exists_once_the_ssp_entry_is_ready_for_closeout() -> None:
    report = score_poam(poam(entry(practice_id="CA.L2-3.12.4", status=EntryStatus.READY_FOR_CLOSEOUT)))
    assert (report.score, report.projected_score) == (None, 110)


@pytest.mark.parametrize(
    "practice_id",
    ["AC.L2-3.1.20", "AC.L2-3.1.22", "CA.L2-3.12.4", "PE.L2-3.10.3", "PE.L2-3.10.4", "PE.L2-3.10.5"],
)
def test_the_never_list_blocks_under_a_2_iii(practice_id: str) -> None:
    (blocker,) = entry_blockers(entry(practice_id=practice_id))
    assert blocker.rule == "32 CFR § 170.21(a)(2)(iii)"
    assert blocker.practice_id == practice_id


@pytest.mark.parametrize(
    ("practice_id", "partial", "blocked"),
    [
        ("SC.L2-3.13.11", True, False),  # the one exception
        ("SC.L2-3.13.11", False, True),
        ("IA.L2-3.5.3", True, True),  # MFA is not excepted even at 3 points
        ("IA.L2-3.5.3", False, True),
        ("AC.L2-3.1.1", False, True),
        ("AU.L2-3.3.1", False, True),
        ("AU.L2-3.3.8", False, False),
    ],
)
def test_point_value_over_1_blocks_under_a_2_ii(practice_id: str, partial: bool, blocked: bool) -> None:
    blockers = entry_blockers(entry(practice_id=practice_id, partial=partial))
    assert [b.rule for b in blockers] == (["32 CFR § 170.21(a)(2)(ii)"] if blocked else [])


def test_blockers_agree_with_the_catalogs_eligibility_column() -> None:
    for pid, practice in practices().items():
        blocked = bool(entry_blockers(entry(practice_id=pid)))
        blocked_when_partial = bool(entry_blockers(entry(practice_id=pid, partial=True)))
        expected = {
            Eligibility.YES: (False, False),
            Eligibility.CONDITIONAL: (True, False),
            Eligibility.NO: (True, True),
        }
        assert (blocked, blocked_when_partial) == expected[practice.poam_eligibility], pid


def test_a_level_1_poam_is_never_allowed() -> None:
    report = score_poam(poam(level=1))
    assert [b.rule for b in report.blockers] == ["32 CFR § 170.21(a)(1)"]
    assert report.conditional_eligible is False


def test_closed_ineligible_entries_do_not_block() -> None:
    assert score_poam(poam(entry(practice_id="AC.L2-3.1.1", status=EntryStatus.CLOSED))).blockers == ()


def test_score_json_has_exactly_the_documented_keys() -> None:
    document = score_json(score_poam(poam(entry(id="X", practice_id="IA.L2-3.5.3", partial=True))))
    assert document == {
        "score": 107,
        "projected_score": 107,
        "max_score": 110,
        "threshold": 88,
        "conditional_eligible": False,
        "blockers": [
            {
                "entry": "X",
                "practice_id": "IA.L2-3.5.3",
                "rule": "32 CFR § 170.21(a)(2)(ii)",
                "reason": document["blockers"][0]["reason"],
            }
        ],
    }
    assert "MFA" in document["blockers"][0]["reason"]


def test_score_json_adds_the_explanation_only_when_there_is_no_score() -> None:
    document = score_json(score_poam(poam(entry(practice_id="CA.L2-3.12.4"))))
    assert document["score"] is None
    assert "System Security Plan" in document["explanation"]

"""The SPRS-style score of a POA&M and whether it supports Conditional Level 2 status.

Scoring follows 32 CFR § 170.24: 110 minus the value of every NOT MET requirement. An entry that is not
``closed`` is NOT MET ("a POA&M ... is not a substitute for a completed requirement"), so it deducts until
it is closed. A practice on several entries deducts once, at its highest value. Partial credit exists for
two practices only: IA.L2-3.5.3 (MFA for remote and privileged users only) and SC.L2-3.13.11 (encryption
employed but not FIPS-validated) deduct 3 when the entry says ``partial: true``; ``partial`` on any other
practice is ignored. CA.L2-3.12.4 (SSP) has no value: without a current SSP there is no score at all.

Conditional eligibility is 32 CFR § 170.21(a): each unmet condition is a ``Blocker`` naming its paragraph.
Closed entries are MET and no longer on the POA&M, so they neither deduct nor block. Nor does an operational
plan of action (``kind: operational``, 32 CFR 170.4): it is not a POA&M item and its practice can still be
MET, so it deducts nothing unless a POA&M item for the same practice does.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from verifier.catalog import practices
from verifier.model import Entry, EntryStatus, Poam

MAX_SCORE = 110
# § 170.21(a)(2)(i): score / 110 >= 0.8. Exact arithmetic: 0.8 * 110 in floats is 88.00000000000001.
THRESHOLD_RATIO = Fraction(4, 5)
THRESHOLD = -(-MAX_SCORE * THRESHOLD_RATIO.numerator // THRESHOLD_RATIO.denominator)

SSP = "CA.L2-3.12.4"
MFA = "IA.L2-3.5.3"
FIPS_CRYPTO = "SC.L2-3.13.11"
PARTIAL_CREDIT = frozenset({MFA, FIPS_CRYPTO})
# § 170.21(a)(2)(iii): never on a POA&M, whatever their point value.
NEVER_ON_A_POAM = (
    "AC.L2-3.1.20",
    "AC.L2-3.1.22",
    SSP,
    "PE.L2-3.10.3",
    "PE.L2-3.10.4",
    "PE.L2-3.10.5",
)


class Paragraph(enum.StrEnum):
    """The paragraph of 32 CFR § 170.21 a blocker fails."""

    LEVEL_1 = "(a)(1)"
    SCORE = "(a)(2)(i)"
    POINT_VALUE = "(a)(2)(ii)"
    NEVER_ELIGIBLE = "(a)(2)(iii)"


@dataclass(frozen=True, slots=True)
class Blocker:
    """One reason the POA&M cannot support Conditional status; ``entry`` is None for POA&M-wide ones."""

    entry: str | None
    practice_id: str | None
    paragraph: Paragraph
    reason: str

    @property
    def rule(self) -> str:
        """The citation, e.g. ``32 CFR § 170.21(a)(2)(ii)``."""
        return f"32 CFR § 170.21{self.paragraph.value}"


@dataclass(frozen=True, slots=True)
class ScoreReport:
    """The score now, the score once every ``ready_for_closeout`` entry is confirmed, and eligibility.

    ``score`` (and ``projected_score``) is None when the SSP is on the POA&M; ``explanation`` says why.
    """

    score: int | None
    projected_score: int | None
    conditional_eligible: bool
    blockers: tuple[Blocker, ...]
    explanation: str | None = None
    max_score: int = MAX_SCORE
    threshold: int = THRESHOLD


def deduction(practice_id: str, partial: bool) -> int | None:
    """Points one NOT MET practice costs (None for the SSP, which has no value)."""
    practice = practices()[practice_id]
    if partial and practice_id in PARTIAL_CREDIT:
        return practice.partial_points
    return practice.points


def sprs_score(entries: Iterable[Entry]) -> int | None:
    """110 minus each distinct practice's deduction; None if the SSP is among the entries.

    Only POA&M items deduct: an operational plan of action among ``entries`` is skipped.
    """
    partial_by_practice: dict[str, bool] = {}
    for entry in (e for e in entries if e.is_poam_item):
        # A practice deducts once, and only at partial value if every one of its entries is partial.
        partial_by_practice[entry.practice_id] = partial_by_practice.get(entry.practice_id, True) and (
            entry.partial
        )
    total = 0
    for practice_id, partial in partial_by_practice.items():
        points = deduction(practice_id, partial)
        if points is None:
            return None
        total += points
    return MAX_SCORE - total


def open_entries(poam: Poam) -> tuple[Entry, ...]:
    """Entries still on the POA&M: every POA&M item not ``closed`` (operational plans of action never are)."""
    return tuple(e for e in poam.entries if e.is_poam_item and e.status is not EntryStatus.CLOSED)


def score_poam(poam: Poam) -> ScoreReport:
    """Score the POA&M and decide Conditional Level 2 eligibility (§ 170.21(a))."""
    on_poam = open_entries(poam)
    score = sprs_score(on_poam)
    projected = sprs_score(e for e in on_poam if e.status is EntryStatus.OPEN)
    blockers = eligibility_blockers(poam, score)
    return ScoreReport(
        score=score,
        projected_score=projected,
        conditional_eligible=not blockers,
        blockers=blockers,
        explanation=_explanation(on_poam),
    )


def _explanation(on_poam: tuple[Entry, ...]) -> str | None:
    ssp_entries = [e.id for e in on_poam if e.practice_id == SSP]
    if not ssp_entries:
        return None
    return (
        f"{SSP} System Security Plan is on the POA&M ({', '.join(ssp_entries)}): without a current SSP "
        "the assessment cannot be completed, so there is no score (32 CFR § 170.24)"
    )


def eligibility_blockers(poam: Poam, score: int | None) -> tuple[Blocker, ...]:
    """Every § 170.21(a) condition the POA&M fails: POA&M-wide ones first, then by entry."""
    entry_level = [blocker for entry in open_entries(poam) for blocker in entry_blockers(entry)]
    return (*_poam_blockers(poam, score), *entry_level)


def _poam_blockers(poam: Poam, score: int | None) -> list[Blocker]:
    blockers = []
    if poam.assessment.level == 1:
        reason = "a POA&M is not permitted at any time for Level 1 self-assessments"
        blockers.append(Blocker(None, None, Paragraph.LEVEL_1, reason))
    # No score (the SSP is on the POA&M) is reported by that entry's (a)(2)(iii) blocker.
    if score is not None and score < THRESHOLD:
        reason = (
            f"score {score} of {MAX_SCORE} is below {THRESHOLD} (score / {MAX_SCORE} must be at least 0.8)"
        )
        blockers.append(Blocker(None, None, Paragraph.SCORE, reason))
    return blockers


def entry_blockers(entry: Entry) -> tuple[Blocker, ...]:
    """Why one practice may not stand on a Conditional POA&M (§ 170.21(a)(2)(ii) and (iii))."""
    practice = practices()[entry.practice_id]
    if entry.practice_id in NEVER_ON_A_POAM:
        reason = f"{entry.practice_id} {practice.title} may never be on a POA&M"
        return (Blocker(entry.id, entry.practice_id, Paragraph.NEVER_ELIGIBLE, reason),)
    if entry.practice_id == FIPS_CRYPTO and entry.partial:
        return ()  # the one exception: encryption employed, not FIPS-validated (3 points)
    points = practice.points or 0
    if points <= 1:
        return ()
    return (Blocker(entry.id, entry.practice_id, Paragraph.POINT_VALUE, _point_reason(entry, points)),)


def _point_reason(entry: Entry, points: int) -> str:
    value = deduction(entry.practice_id, entry.partial) or points
    reason = f"{entry.practice_id} is worth {value} points; only 1-point practices may be on a POA&M"
    if entry.practice_id == FIPS_CRYPTO:
        return reason + " (SC.L2-3.13.11 only with partial: true, encryption employed but not FIPS-validated)"
    if entry.practice_id == MFA:
        return reason + " (the SC.L2-3.13.11 exception does not extend to MFA, even in its 3-point state)"
    return reason


def blocker_json(blocker: Blocker) -> dict[str, Any]:
    """One blocker as JSON: entry, practice_id, rule (the citation) and reason."""
    return {
        "entry": blocker.entry,
        "practice_id": blocker.practice_id,
        "rule": blocker.rule,
        "reason": blocker.reason,
    }


def score_json(report: ScoreReport) -> dict[str, Any]:
    """The report as JSON with a stable key order; ``explanation`` only when there is one."""
    document: dict[str, Any] = {
        "score": report.score,
        "projected_score": report.projected_score,
        "max_score": report.max_score,
        "threshold": report.threshold,
        "conditional_eligible": report.conditional_eligible,
        "blockers": [blocker_json(b) for b in report.blockers],
    }
    if report.explanation is not None:
        document["explanation"] = report.explanation
    return document

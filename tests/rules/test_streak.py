"""The MET streak counts only over an unbroken scan record."""

from __future__ import annotations

from datetime import date, timedelta

from verifier.model import Verdict
from verifier.rules.streak import Observation, histories, streak_text

START = date(2026, 10, 1)


def _days(*pairs: tuple[int, Verdict]) -> list[Observation]:
    return [Observation(START + timedelta(days=d), "POAM-001", v) for d, v in pairs]


def test_daily_met_scans_make_a_streak() -> None:
    observations = _days(*[(d, Verdict.MET) for d in range(0, 91)])
    history = histories(observations, START + timedelta(days=90), max_gap=7)["POAM-001"]
    assert (history.met_since, history.met_days) == (START, 90)
    assert streak_text(history) == f"MET continuously for 90 days (since {START.isoformat()})"


def test_a_gap_longer_than_allowed_restarts_the_streak() -> None:
    observations = _days((0, Verdict.MET), (7, Verdict.MET), (15, Verdict.MET), (20, Verdict.MET))
    history = histories(observations, START + timedelta(days=20), max_gap=7)["POAM-001"]
    assert history.met_since == START + timedelta(days=15)  # 7 → 15 is an 8-day gap
    assert [(g.start, g.days) for g in history.gaps] == [(START + timedelta(days=7), 8)]


def test_a_stale_last_scan_means_no_current_streak() -> None:
    observations = _days((0, Verdict.MET), (5, Verdict.MET))
    history = histories(observations, START + timedelta(days=13), max_gap=7)["POAM-001"]
    assert history.met_since is None
    assert history.gaps[-1].end == START + timedelta(days=13)
    assert streak_text(history) == "not currently MET on a continuous scan record"


def test_a_failure_breaks_the_streak_and_is_a_regression() -> None:
    observations = _days((0, Verdict.MET), (3, Verdict.NOT_MET), (6, Verdict.MET), (9, Verdict.MET))
    history = histories(observations, START + timedelta(days=9), max_gap=7)["POAM-001"]
    assert history.met_since == START + timedelta(days=6)
    assert history.regressions == (START + timedelta(days=3),)


def test_not_verified_breaks_a_streak_too() -> None:
    observations = _days((0, Verdict.MET), (2, Verdict.NOT_VERIFIED), (4, Verdict.MET))
    history = histories(observations, START + timedelta(days=4), max_gap=7)["POAM-001"]
    assert (history.met_since, history.met_days) == (START + timedelta(days=4), 0)


def test_the_last_verdict_of_a_day_stands_for_the_day() -> None:
    observations = _days((0, Verdict.NOT_MET), (0, Verdict.MET))
    history = histories(observations, START, max_gap=7)["POAM-001"]
    assert history.timeline == ((START, Verdict.MET),)

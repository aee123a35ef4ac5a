"""The continuous-MET streak: how long each entry has been MET with no gap in scanning.

The guide's promise is "a signed pipeline artifact showing the control has been continuously MET for
90 days"; a streak only counts while consecutive scans are at most ``max_gap`` days apart and the
latest is no more than ``max_gap`` days before ``as_of``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from verifier.model import Verdict


@dataclass(frozen=True, slots=True)
class Observation:
    """One verdict for one entry on one as-of date (a ledger line or the current run)."""

    as_of: date
    entry: str
    verdict: Verdict


@dataclass(frozen=True, slots=True)
class Gap:
    """Days without a scan longer than the allowed gap."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days


@dataclass(frozen=True, slots=True)
class EntryHistory:
    """An entry's verdict timeline and its current MET streak."""

    entry: str
    timeline: tuple[tuple[date, Verdict], ...]
    met_since: date | None
    met_days: int
    gaps: tuple[Gap, ...]
    regressions: tuple[date, ...]


def histories(observations: Iterable[Observation], as_of: date, max_gap: int) -> dict[str, EntryHistory]:
    """Every entry's history; the last observation of a day stands for that day."""
    by_entry: dict[str, dict[date, Verdict]] = defaultdict(dict)
    for item in observations:
        by_entry[item.entry][item.as_of] = item.verdict
    return {entry: _history(entry, sorted(days.items()), as_of, max_gap) for entry, days in by_entry.items()}


def _history(entry: str, timeline: Sequence[tuple[date, Verdict]], as_of: date, max_gap: int) -> EntryHistory:
    dates = [day for day, _ in timeline]
    gaps = [Gap(a, b) for a, b in zip(dates, dates[1:], strict=False) if (b - a).days > max_gap]
    if dates and (as_of - dates[-1]).days > max_gap:
        gaps.append(Gap(dates[-1], as_of))
    regressions = [
        day
        for (_, before), (day, after) in zip(timeline, timeline[1:], strict=False)
        if before is Verdict.MET and after is Verdict.NOT_MET
    ]
    since = _streak_start(timeline, as_of, max_gap)
    met_days = (dates[-1] - since).days if since else 0
    return EntryHistory(entry, tuple(timeline), since, met_days, tuple(gaps), tuple(regressions))


def _streak_start(timeline: Sequence[tuple[date, Verdict]], as_of: date, max_gap: int) -> date | None:
    """The first day of the unbroken run of MET days that reaches the latest scan, if it is current."""
    if not timeline or timeline[-1][1] is not Verdict.MET or (as_of - timeline[-1][0]).days > max_gap:
        return None
    since = timeline[-1][0]
    for day, verdict in reversed(timeline[:-1]):
        if verdict is not Verdict.MET or (since - day).days > max_gap:
            break
        since = day
    return since


def streak_text(history: EntryHistory | None) -> str:
    """A one-line statement an assessor can read; never claims continuity it cannot show."""
    if history is None or history.met_since is None:
        return "not currently MET on a continuous scan record"
    return f"MET continuously for {history.met_days} days (since {history.met_since.isoformat()})"


def history_json(history: EntryHistory) -> dict[str, Any]:
    return {
        "entry": history.entry,
        "met_since": history.met_since.isoformat() if history.met_since else None,
        "met_days": history.met_days,
        "streak": streak_text(history),
        "timeline": [{"as_of": d.isoformat(), "verdict": v.value} for d, v in history.timeline],
        "gaps": [
            {"start": g.start.isoformat(), "end": g.end.isoformat(), "days": g.days} for g in history.gaps
        ],
        "regressions": [d.isoformat() for d in history.regressions],
    }

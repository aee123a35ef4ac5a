"""A single self-contained HTML page of one run: score, the 180-day countdown, verdicts (per 800-171A
objective too, where entries were judged per objective) and MET streaks.

The page must open offline on an assessor's laptop and must not call home: CSS is inline, the two charts
are inline SVG, and there are no scripts, fonts, images or links. A Content-Security-Policy of
``default-src 'none'`` makes the browser refuse anything else that slipped in.

Every piece of text that comes from the POA&M, the mapping or the findings is user input and goes through
``html.escape`` (``_text``); nothing is interpolated raw. The output depends on the run alone (its
``verified_at`` comes from the injected clock), so the same run always renders the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from html import escape
from typing import assert_never

from verifier.model import EntryResult, ObjectiveResult, Verdict
from verifier.outputs import evidence
from verifier.outputs.objectives import any_objectives, objective_text
from verifier.outputs.poam_json import EvidenceRef
from verifier.outputs.reasons import render, rendered
from verifier.outputs.run import VerificationRun, timestamp
from verifier.rules.score import ScoreReport
from verifier.rules.streak import EntryHistory, streak_text
from verifier.rules.timeline import CLOSEOUT_DAYS, Basis, Timeline

_CSP = "default-src 'none'; style-src 'unsafe-inline'"

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:1200px;
color:#1f2328;line-height:1.4;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #d0d7de}
.meta{color:#59636e;margin-top:0}
.cards{display:flex;gap:1rem;flex-wrap:wrap}
.card{border:1px solid #d0d7de;border-radius:6px;padding:.8rem 1.2rem;min-width:12rem}
.card .value{font-size:2rem;font-weight:600}.card .label{color:#59636e;font-size:.85rem}
.ok{color:#1a7f37}.bad{color:#cf222e}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{border:1px solid #d0d7de;padding:.4rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}
td ul{margin:0;padding-left:1.1rem}
.finding{color:#59636e;font-size:.85rem}
.practice{white-space:nowrap}
.badge{display:inline-block;border-radius:1rem;padding:.1rem .6rem;color:#fff;font-weight:600;font-size:.8rem;
white-space:nowrap}
.v-MET{background:#1a7f37}.v-NOT_MET{background:#cf222e}.v-NOT_VERIFIED{background:#9a6700}
code{font-size:.8rem;word-break:break-all}
svg text{font-family:inherit}
"""

_VERDICT_COLOURS = {Verdict.MET: "#1a7f37", Verdict.NOT_MET: "#cf222e", Verdict.NOT_VERIFIED: "#9a6700"}
# The guide's phases of the window, as (first day, last day, fill) bands on the countdown bar.
_PHASE_BANDS = ((0, 30, "#ddf4ff"), (30, 120, "#dafbe1"), (120, 150, "#fff8c5"), (150, 180, "#ffebe9"))


def _text(value: object) -> str:
    """User text made safe for element content and quoted attributes."""
    return escape(str(value), quote=True)


def verdict_colour(verdict: Verdict) -> str:
    """The fill of a verdict's badge and streak dot."""
    match verdict:
        case Verdict.MET | Verdict.NOT_MET | Verdict.NOT_VERIFIED:
            return _VERDICT_COLOURS[verdict]
        case _:
            assert_never(verdict)


def render_html(run: VerificationRun) -> bytes:
    """The run as one UTF-8 HTML document with no external resources."""
    poam = run.poam.poam
    title = f"POA&M verification — {poam.organization} — {poam.system} — as of {run.context.as_of}"
    sections = (
        _header(run),
        _score_section(run.review.score),
        _countdown_section(run.review.timeline),
        _verdicts_section(run),
        _objectives_section(run),
        _streak_section(run),
    )
    body = "\n".join(section for section in sections if section)
    page = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_text(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )
    return page.encode("utf-8")


def _header(run: VerificationRun) -> str:
    poam = run.poam.poam
    return (
        f"<h1>{_text(poam.organization)} — {_text(poam.system)}</h1>\n"
        f'<p class="meta">CMMC Level {poam.assessment.level} POA&amp;M closure verification as of '
        f"<strong>{run.context.as_of.isoformat()}</strong> · verified at {timestamp(run.context.verified_at)}"
        f" · poam-verifier {_text(run.context.tool_version)}</p>"
    )


# --- score ---------------------------------------------------------------------------------------------


def _score_section(score: ScoreReport) -> str:
    eligible = "Eligible" if score.conditional_eligible else "Not eligible"
    cards = (
        _card("SPRS score", _score_value(score.score, score.max_score)),
        _card("Projected score", _score_value(score.projected_score, score.max_score)),
        _card(
            "Conditional Level 2",
            f'<span class="{"ok" if score.conditional_eligible else "bad"}">{eligible}</span>',
        ),
    )
    explanation = f"<p>{_text(score.explanation)}</p>" if score.explanation else ""
    return (
        f'<h2>Score</h2>\n<div class="cards">{"".join(cards)}</div>\n'
        f"<p>Conditional status needs at least {score.threshold} of {score.max_score}.</p>{explanation}\n"
        f"{_blockers(score)}"
    )


def _score_value(value: int | None, maximum: int) -> str:
    return "no score" if value is None else f'{value}<span class="label"> / {maximum}</span>'


def _card(label: str, value: str) -> str:
    return f'<div class="card"><div class="label">{_text(label)}</div><div class="value">{value}</div></div>'


def _blockers(score: ScoreReport) -> str:
    if not score.blockers:
        return "<p>No blockers to Conditional Level 2 status.</p>"
    items = "".join(
        f"<li><strong>{_text(b.rule)}</strong>"
        f"{' · ' + _text(b.entry) if b.entry else ''}"
        f"{' · ' + _text(b.practice_id) if b.practice_id else ''}: {_text(b.reason)}</li>"
        for b in score.blockers
    )
    return f'<h3>Blockers</h3>\n<ul class="blockers">{items}</ul>'


# --- countdown -----------------------------------------------------------------------------------------

_BAR_LEFT, _BAR_WIDTH, _BAR_TOP, _BAR_HEIGHT = 40, 920, 50, 28


def _day_x(day: int) -> float:
    clamped = min(max(day, 0), CLOSEOUT_DAYS)
    return _BAR_LEFT + _BAR_WIDTH * clamped / CLOSEOUT_DAYS


def _countdown_section(report: Timeline) -> str:
    basis = (
        "counted from the Conditional CMMC Status Date"
        if report.basis is Basis.CONDITIONAL_STATUS_DATE
        else "counted from the assessment date (planning basis: no Conditional status date yet)"
    )
    remaining = (
        f"{report.days_remaining} days remaining"
        if report.days_remaining >= 0
        else f"deadline passed {-report.days_remaining} days ago"
    )
    return (
        "<h2>180-day closeout countdown</h2>\n"
        f"<p>Day {report.day} · deadline <strong>{report.deadline.isoformat()}</strong> · "
        f"<strong>{remaining}</strong> · Day 0 is {report.day_zero.isoformat()}, {basis} · "
        f"phase: {_text(report.phase.value)}</p>\n{countdown_svg(report)}"
    )


def countdown_svg(report: Timeline) -> str:
    """A bar from Day 0 to Day 180 in the guide's phases, the checkpoints labelled and today marked."""
    bands = "".join(
        f'<rect x="{_day_x(start):.1f}" y="{_BAR_TOP}" width="{_day_x(end) - _day_x(start):.1f}" '
        f'height="{_BAR_HEIGHT}" fill="{fill}"/>'
        for start, end, fill in _PHASE_BANDS
    )
    outline = (
        f'<rect x="{_BAR_LEFT}" y="{_BAR_TOP}" width="{_BAR_WIDTH}" height="{_BAR_HEIGHT}" '
        'fill="none" stroke="#59636e"/>'
        f'<text x="{_BAR_LEFT}" y="{_BAR_TOP + _BAR_HEIGHT + 18}" text-anchor="middle" font-size="12">'
        f"Day 0</text>"
        f'<text x="{_BAR_LEFT}" y="{_BAR_TOP + _BAR_HEIGHT + 32}" text-anchor="middle" font-size="11" '
        f'fill="#59636e">{report.day_zero.isoformat()}</text>'
    )
    marks = "".join(_checkpoint_mark(c.day, c.date, c.name, c.passed) for c in report.checkpoints)
    return (
        f'<svg class="countdown" viewBox="0 0 1000 130" width="1000" height="130" role="img" '
        f'aria-label="Day {report.day} of {CLOSEOUT_DAYS}">'
        f"{bands}{outline}{marks}{_today_mark(report.day, report.as_of)}</svg>"
    )


def _checkpoint_mark(day: int, when: date, name: str, passed: bool) -> str:
    x = _day_x(day)
    bottom = _BAR_TOP + _BAR_HEIGHT
    colour = "#59636e" if passed else "#1f2328"
    return (
        f'<g class="checkpoint"><title>Day {day} ({when.isoformat()}): {_text(name)}</title>'
        f'<line x1="{x:.1f}" y1="{_BAR_TOP}" x2="{x:.1f}" y2="{bottom + 6}" stroke="{colour}" '
        'stroke-width="2"/>'
        f'<text x="{x:.1f}" y="{bottom + 18}" text-anchor="middle" font-size="12" fill="{colour}">'
        f"Day {day}</text>"
        f'<text x="{x:.1f}" y="{bottom + 32}" text-anchor="middle" font-size="11" fill="#59636e">'
        f"{when.isoformat()}</text></g>"
    )


def _today_mark(day: int, as_of: date) -> str:
    x = _day_x(day)
    label = f"Today: Day {day} ({as_of.isoformat()})"
    anchor = "start" if x < 500 else "end"
    return (
        f'<g class="today"><line x1="{x:.1f}" y1="{_BAR_TOP - 18}" x2="{x:.1f}" '
        f'y2="{_BAR_TOP + _BAR_HEIGHT}" stroke="#cf222e" stroke-width="3"/>'
        f'<polygon points="{x - 6:.1f},{_BAR_TOP - 24} {x + 6:.1f},{_BAR_TOP - 24} {x:.1f},{_BAR_TOP - 14}" '
        'fill="#cf222e"/>'
        f'<text x="{x + (8 if anchor == "start" else -8):.1f}" y="{_BAR_TOP - 14}" text-anchor="{anchor}" '
        f'font-size="13" font-weight="600" fill="#cf222e">{label}</text></g>'
    )


# --- verdicts ------------------------------------------------------------------------------------------


def _verdicts_section(run: VerificationRun) -> str:
    refs = evidence.entry_files(run).refs
    findings = {entry.id: entry.finding for entry in run.poam.poam.entries}
    rows = "\n".join(_verdict_row(r, findings.get(r.entry_id, ""), refs[r.entry_id]) for r in run.results)
    return (
        '<h2>Verdicts</h2>\n<table class="verdicts">\n<thead><tr><th>Entry</th><th>Practice</th>'
        "<th>Verdict</th><th>Reasons</th><th>Evidence</th></tr></thead>\n"
        f"<tbody>\n{rows}\n</tbody>\n</table>"
    )


def _verdict_row(result: EntryResult, finding: str, ref: EvidenceRef) -> str:
    reasons = "".join(f"<li>{_text(reason)}</li>" for reason in rendered(result))
    return (
        f'<tr id="entry-{_text(result.entry_id)}"><td><strong>{_text(result.entry_id)}</strong>'
        f'<div class="finding">{_text(finding)}</div></td>'
        f'<td class="practice">{_text(result.practice_id)}</td><td>{badge(result.verdict)}</td>'
        f"<td><ul>{reasons}</ul></td>"
        f"<td><code>{_text(ref.path)}</code><br><code>sha256:{_text(ref.sha256)}</code></td></tr>"
    )


# --- objectives ----------------------------------------------------------------------------------------


def _objectives_section(run: VerificationRun) -> str:
    """The entry × objective matrix: each 800-171A objective's verdict and what it rests on (nothing when
    no entry was judged per objective)."""
    if not any_objectives(run.results):
        return ""
    rows = "\n".join(_objective_rows(result) for result in run.results if result.objectives)
    return (
        "<h2>Objectives (NIST SP 800-171A)</h2>\n"
        "<p>An entry is MET only when every objective it is judged on is MET. Basis: the checks that judged "
        "the objective, a recorded attestation, or none (no evidence).</p>\n"
        '<table class="objectives">\n<thead><tr><th>Entry</th><th>Objective</th><th>Verdict</th>'
        "<th>Basis</th><th>Evidence</th><th>Reasons</th></tr></thead>\n"
        f"<tbody>\n{rows}\n</tbody>\n</table>"
    )


def _objective_rows(result: EntryResult) -> str:
    entry = (
        f'<td rowspan="{len(result.objectives)}"><strong>{_text(result.entry_id)}</strong>'
        f'<div class="practice">{_text(result.practice_id)}</div></td>'
    )
    return "\n".join(
        f'<tr class="objective">{entry if index == 0 else ""}{_objective_cells(objective)}</tr>'
        for index, objective in enumerate(result.objectives)
    )


def _objective_cells(objective: ObjectiveResult) -> str:
    evidence_items = [f"<li><code>{_text(check)}</code></li>" for check in objective.checks]
    evidence_items += [f"<li>attested: {_text(text)}</li>" for text in objective.attestations]
    listed = f"<ul>{''.join(evidence_items)}</ul>" if evidence_items else "none"
    reasons = "".join(f"<li>{_text(render(reason))}</li>" for reason in objective.reasons)
    return (
        f"<td><strong>{_text(objective.objective_id)}</strong>"
        f'<div class="finding">{_text(objective_text(objective.objective_id))}</div></td>'
        f"<td>{badge(objective.verdict)}</td><td>{_text(objective.basis.value)}</td>"
        f"<td>{listed}</td><td><ul>{reasons}</ul></td>"
    )


def badge(verdict: Verdict) -> str:
    """A verdict as a coloured label (the class carries the colour; the text carries the meaning)."""
    return f'<span class="badge v-{verdict.value}">{verdict.value}</span>'


# --- MET streaks ---------------------------------------------------------------------------------------

_LABEL_WIDTH, _STEP, _ROW, _TOP, _STREAK_WIDTH = 110, 22, 24, 30, 330


def _streak_section(run: VerificationRun) -> str:
    histories = [run.histories.get(r.entry_id) for r in run.results]
    legend = " ".join(f"{badge(v)}" for v in Verdict)
    return (
        "<h2>MET streak history</h2>\n"
        f"<p>One dot per verified as-of date, coloured by verdict: {legend}</p>\n"
        f"{streak_svg([r.entry_id for r in run.results], histories)}"
    )


def _as_of_dates(histories: Iterable[EntryHistory | None]) -> list[date]:
    return sorted({day for history in histories if history for day, _ in history.timeline})


def streak_svg(entry_ids: list[str], histories: list[EntryHistory | None]) -> str:
    """Per entry, a row of dots (one per as-of date, coloured by verdict) and its streak in words."""
    dates = _as_of_dates(histories)
    column = {day: index for index, day in enumerate(dates)}
    width = _LABEL_WIDTH + _STEP * max(len(dates), 1) + _STREAK_WIDTH
    height = _TOP + _ROW * len(entry_ids) + 10
    rows = "".join(
        _streak_row(index, entry_id, history, column)
        for index, (entry_id, history) in enumerate(zip(entry_ids, histories, strict=True))
    )
    return (
        f'<svg class="streaks" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="MET streak history">{_date_axis(dates)}{rows}</svg>'
    )


def _date_axis(dates: list[date]) -> str:
    if not dates:
        return (
            f'<text x="{_LABEL_WIDTH}" y="18" font-size="11" fill="#59636e">no verifications recorded</text>'
        )
    # Label the first and last date, and every seventh between, so long ledgers stay legible.
    shown = [i for i in range(len(dates)) if i in (0, len(dates) - 1) or i % 7 == 0]
    return "".join(
        f'<text x="{_LABEL_WIDTH + _STEP * i + _STEP / 2:.1f}" y="18" text-anchor="middle" font-size="10" '
        f'fill="#59636e">{dates[i].isoformat()}</text>'
        for i in shown
    )


def _streak_row(index: int, entry_id: str, history: EntryHistory | None, column: dict[date, int]) -> str:
    y = _TOP + _ROW * index + _ROW / 2
    timeline = history.timeline if history else ()
    dots = "".join(
        f'<circle cx="{_LABEL_WIDTH + _STEP * column[day] + _STEP / 2:.1f}" cy="{y:.1f}" r="7" '
        f'fill="{verdict_colour(verdict)}"><title>{_text(entry_id)} {day.isoformat()}: '
        f"{verdict.value}</title></circle>"
        for day, verdict in timeline
    )
    streak_x = _LABEL_WIDTH + _STEP * max(len(column), 1) + 10
    return (
        f'<g class="streak-row"><text x="0" y="{y + 4:.1f}" font-size="12" font-weight="600">'
        f"{_text(entry_id)}</text>{dots}"
        f'<text x="{streak_x}" y="{y + 4:.1f}" font-size="11" fill="#59636e">'
        f"{_text(streak_text(history))}</text></g>"
    )

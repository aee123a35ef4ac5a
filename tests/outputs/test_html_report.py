"""The ``html`` export: a self-contained page, checked as text and rendered by headless Chromium."""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import subprocess
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from tests.support.tools import required_tool
from verifier.choices import ExportFormat
from verifier.model import Verdict
from verifier.outputs import html_report
from verifier.outputs.run import VerificationRun
from verifier.pipeline.export import ExportOptions, render, run_export
from verifier.pipeline.verify import VerifyOptions, build_run
from verifier.rules.streak import Observation, histories

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_SCAN = REPO / "examples" / "prowler-output"
RECORDED_ON = date.fromisoformat((EXAMPLE_SCAN / "recorded-on.txt").read_text().strip())
FIXED_CLOCK = datetime(2026, 11, 25, 12, 0, 0, tzinfo=UTC)
SCRIPT = '<script>alert("pwned")</script>'
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def _verify_options(tmp_path: Path, poam: Path = Path("poam.json")) -> VerifyOptions:
    # Relative paths from the repository root: evidence digests cover the source file names.
    return VerifyOptions(
        poam=poam,
        mapping=Path("mappings/cmmc-l2-aws.json"),
        findings=(Path("examples/prowler-output"),),
        out=tmp_path / "out",
        as_of=RECORDED_ON,
        history=tmp_path / "history.jsonl",
    )


def _build(tmp_path: Path, poam: Path = Path("poam.json")) -> VerificationRun:
    with contextlib.chdir(REPO):
        return build_run(_verify_options(tmp_path, poam), lambda: FIXED_CLOCK, None)


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> VerificationRun:
    return _build(tmp_path_factory.mktemp("run"))


@pytest.fixture(scope="module")
def page(run: VerificationRun) -> str:
    return render(run, ExportFormat.HTML).decode("utf-8")


@pytest.fixture(scope="module")
def injected_page(tmp_path_factory: pytest.TempPathFactory) -> str:
    """POAM-004's finding is a script tag."""
    tmp_path = tmp_path_factory.mktemp("injected")
    document: dict[str, Any] = json.loads((REPO / "poam.json").read_text(encoding="utf-8"))
    next(e for e in document["entries"] if e["id"] == "POAM-004")["finding"] = SCRIPT
    poam = tmp_path / "poam.json"
    poam.write_text(json.dumps(document), encoding="utf-8")
    return html_report.render_html(_build(tmp_path, poam)).decode("utf-8")


class _Tags(HTMLParser):
    """Every start tag with its attributes, to check what the page would load."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _tags(text: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(text)
    return parser.tags


# --- content --------------------------------------------------------------------------------------------


def test_page_has_title_score_and_eligibility(run: VerificationRun, page: str) -> None:
    poam = run.poam.poam
    score = run.review.score
    assert page.startswith("<!DOCTYPE html>")
    assert f"<title>POA&amp;M verification — {poam.organization} — {poam.system}" in page
    assert f"as of {RECORDED_ON.isoformat()}" in page
    assert score.score is not None
    assert f'<div class="value">{score.score}<span' in page
    assert f'<div class="value">{score.projected_score}<span' in page
    assert ("Not eligible" in page) is not score.conditional_eligible
    for blocker in score.blockers:
        assert html_report.escape(blocker.reason) in page


def test_countdown_marks_today_checkpoints_and_deadline(run: VerificationRun, page: str) -> None:
    timeline = run.review.timeline
    svg = re.search(r'<svg class="countdown".*?</svg>', page, re.DOTALL)
    assert svg
    for checkpoint in timeline.checkpoints:
        assert f">Day {checkpoint.day}</text>" in svg.group()
        assert checkpoint.date.isoformat() in svg.group()
    assert f"Today: Day {timeline.day} ({RECORDED_ON.isoformat()})" in svg.group()
    assert timeline.deadline.isoformat() in page
    assert f"{timeline.days_remaining} days remaining" in page


def test_every_entry_has_a_row_with_its_verdict_and_evidence_digest(run: VerificationRun, page: str) -> None:
    for result in run.results:
        row = re.search(rf'<tr id="entry-{result.entry_id}">.*?</tr>', page, re.DOTALL)
        assert row, result.entry_id
        assert f'<span class="badge v-{result.verdict.value}">' in row.group()
        assert result.practice_id in row.group()
        assert f"evidence/entries/{result.entry_id}.json" in row.group()
        assert re.search(r"sha256:[0-9a-f]{64}", row.group())


def test_streak_chart_has_one_dot_per_entry_and_as_of_date(run: VerificationRun) -> None:
    days = [RECORDED_ON - timedelta(days=7 * weeks) for weeks in (3, 2, 1)]
    earlier = [Observation(day, r.entry_id, Verdict.MET) for day in days for r in run.results]
    current = [Observation(RECORDED_ON, r.entry_id, r.verdict) for r in run.results]
    with_history = replace(run, histories=histories(earlier + current, RECORDED_ON, 7))
    svg = re.search(r'<svg class="streaks".*?</svg>', html_report.render_html(with_history).decode())
    assert svg
    assert svg.group().count("<circle") == 4 * len(run.results)
    for result in run.results:
        assert f"{result.entry_id} {RECORDED_ON.isoformat()}: {result.verdict.value}</title>" in svg.group()
    met = next(r.entry_id for r in run.results if r.verdict is Verdict.MET)
    assert f"MET continuously for 21 days (since {days[0].isoformat()})" in svg.group()
    assert f"{met} {days[0].isoformat()}: MET" in svg.group()


def test_verdict_colours_are_exhaustive() -> None:
    assert {html_report.verdict_colour(v) for v in Verdict} == {"#1a7f37", "#cf222e", "#9a6700"}


# --- safety ---------------------------------------------------------------------------------------------


def test_user_text_is_escaped(injected_page: str) -> None:
    assert SCRIPT not in injected_page
    assert "<script" not in injected_page
    assert html_report.escape(SCRIPT) in injected_page


def test_page_loads_nothing_from_anywhere(page: str) -> None:
    assert "http://" not in page
    assert "https://" not in page
    assert "url(" not in page
    assert "@import" not in page
    tags = _tags(page)
    assert not [tag for tag, _ in tags if tag in {"script", "link", "img", "iframe", "object", "embed"}]
    assert not [attrs for _, attrs in tags if {"src", "href", "srcset", "xlink:href"} & set(attrs)]
    csp = next(a for t, a in tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert csp["content"] == "default-src 'none'; style-src 'unsafe-inline'"


# --- determinism and the pipeline -----------------------------------------------------------------------


def test_render_is_byte_identical(run: VerificationRun, tmp_path: Path) -> None:
    assert render(_build(tmp_path), ExportFormat.HTML) == render(run, ExportFormat.HTML)


def test_run_export_writes_the_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    options = ExportOptions(
        format=ExportFormat.HTML,
        poam=Path("poam.json"),
        mapping=Path("mappings/cmmc-l2-aws.json"),
        findings=(Path("examples/prowler-output"),),
        out=tmp_path / "export" / "report.html",
        as_of=RECORDED_ON,
    )
    written = run_export(options, lambda: FIXED_CLOCK)
    assert [p.name for p in written.parent.iterdir()] == ["report.html"]
    assert b"<!DOCTYPE html>" in written.read_bytes()


# --- in a real browser ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chromium() -> str:
    """Path of headless Chromium; skips locally when absent, fails in CI (``make test`` installs it)."""
    return required_tool(shutil.which("chromium"), "chromium", "chromium")


def _chromium(binary: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)  # noqa: S603


def test_chromium_renders_the_page(chromium: str, run: VerificationRun, tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    report.write_bytes(render(run, ExportFormat.HTML))
    dom = _chromium(chromium, tmp_path / "profile", "--dump-dom", report.as_uri()).stdout
    assert f"{run.review.score.score}<span" in dom
    assert '<svg class="countdown"' in dom
    for result in run.results:
        assert f'id="entry-{result.entry_id}"' in dom
    screenshot = tmp_path / "report.png"
    _chromium(
        chromium,
        tmp_path / "profile",
        f"--screenshot={screenshot}",
        "--window-size=1280,2000",
        report.as_uri(),
    )
    data = screenshot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(data) > 20_000

"""summary.md counts the 800-171A objectives as well as the entries, and names each entry's open objectives."""

from __future__ import annotations

import contextlib
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from tests.support.objectives import with_objectives, without_objectives
from verifier.model import Verdict
from verifier.outputs import summary_md
from verifier.outputs.run import VerificationRun
from verifier.pipeline.verify import VerifyOptions, build_run

REPO = Path(__file__).resolve().parents[2]
RECORDED_ON = date.fromisoformat(
    (REPO / "examples" / "prowler-output" / "recorded-on.txt").read_text().strip()
)
FIXED_CLOCK = datetime(2026, 11, 25, 12, 0, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def plain() -> VerificationRun:
    options = VerifyOptions(
        poam=Path("poam.json"),
        mapping=Path("mappings/cmmc-l2-aws.json"),
        findings=(Path("examples/prowler-output"),),
        out=Path("unused"),
        as_of=RECORDED_ON,
    )
    with contextlib.chdir(REPO):
        run = build_run(options, lambda: FIXED_CLOCK, None)
    return without_objectives(run)  # as if its entries had not been judged per objective


def _summary(run: VerificationRun) -> str:
    return summary_md.render(run).decode("utf-8")


def test_a_run_not_judged_per_objective_has_no_objectives_line(plain: VerificationRun) -> None:
    assert "Objectives" not in _summary(plain)


def test_objectives_are_counted_by_verdict(plain: VerificationRun) -> None:
    run = with_objectives(plain)
    verdicts = [o.verdict for r in run.results for o in r.objectives]
    assert len(verdicts) > len(run.results)  # counted per objective, not per entry
    line = next(x for x in _summary(run).splitlines() if x.startswith("**Objectives**"))
    assert line == (
        f"**Objectives** (NIST SP 800-171A): ✅ MET: **{verdicts.count(Verdict.MET)}** · "
        f"❌ NOT MET: **{verdicts.count(Verdict.NOT_MET)}** · "
        f"⚠️ NOT VERIFIED: **{verdicts.count(Verdict.NOT_VERIFIED)}** of **{len(verdicts)}**"
    )


def test_each_entry_names_the_objectives_short_of_met(plain: VerificationRun) -> None:
    text = _summary(with_objectives(plain))
    line = next(x for x in text.splitlines() if x.startswith("- POAM-001 "))
    assert line.startswith(r"- POAM-001 (AU.L2-3.3.8): 3.3.8\[a\] ❌ NOT MET, 3.3.8\[b\] ❌ NOT MET, ")
    assert r"3.3.8\[f\] ⚠️ NOT VERIFIED" in line
    rendered = MarkdownIt("commonmark").render(line)
    assert "3.3.8[a]" in rendered and "<a " not in rendered  # brackets render as themselves, not a link


def test_the_verdict_table_still_follows(plain: VerificationRun) -> None:
    lines = _summary(with_objectives(plain)).splitlines()
    header = lines.index("| Entry | Practice | Verdict | Why | History |")
    assert lines[header - 1] == ""  # a table needs a blank line after the list before it
    assert sum(line.startswith("| POAM-") for line in lines) == len(plain.results)

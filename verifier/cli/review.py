"""``poam score``, ``poam lint`` and ``poam timeline``: the POA&M itself, without findings."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from verifier.cli.app import app
from verifier.cli.options import (
    AsOfOption,
    FormatOption,
    OutputFormat,
    PoamOption,
    mapping_option,
    mapping_path,
    parse_date,
    print_json,
)
from verifier.errors import GateError


@app.command()
def score(poam: PoamOption = Path("poam.json"), output: FormatOption = OutputFormat.TABLE) -> None:
    """SPRS-style Level 2 score and Conditional Level 2 eligibility under 32 CFR § 170.21(a)(2).

    Score: 110 minus the points of every POA&M item not closed (IA.L2-3.5.3 / SC.L2-3.13.11 with
    "partial": true deduct 3; an operational plan of action deducts nothing). Projected: as if every ready_for_closeout entry were confirmed.
    Eligible needs score >= 88, no entry worth more than 1 point (except SC.L2-3.13.11 partial) and
    none of the six practices § 170.21(a)(2)(iii) excludes. Exit 0 whatever the result.
    """
    from verifier.cli.render import print_score
    from verifier.pipeline.assess import run_score
    from verifier.rules.score import score_json

    report = run_score(poam)
    if output is OutputFormat.JSON:
        print_json(score_json(report))
    else:
        print_score(report)


@app.command("lint")
def lint_command(
    poam: PoamOption = Path("poam.json"),
    mapping: Annotated[Path | None, mapping_option("Mapping used to check check ids")] = None,
    as_of: AsOfOption = None,
    stale_days: Annotated[
        int, typer.Option(help="A milestone status date older than this is stale.", min=1)
    ] = 30,
    prowler_bin: Annotated[
        str | None, typer.Option(help="Also check ids against this Prowler's --list-checks-json (slower).")
    ] = None,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """Check that the POA&M would survive a C3PAO's credibility review, offline and fast.

    Rules POAM000-POAM022 (schema, eligibility, score, one practice per entry, vague findings, root
    causes, owners, 3-5 dated milestones inside the 180-day window, stale status, resources,
    verification path, entries added after the assessment, operational plans of action). Exit 1 when
    any error is found.
    """
    from verifier.cli.render import print_problems
    from verifier.pipeline.assess import LintOptions, run_lint
    from verifier.rules.ruleset import Severity, problem_json

    options = LintOptions(poam, mapping_path(mapping), parse_date(as_of, "--as-of"), stale_days, prowler_bin)
    problems = run_lint(options)
    if output is OutputFormat.JSON:
        print_json({"problems": [problem_json(p) for p in problems]})
    else:
        print_problems(problems)
    errors = sum(p.severity is Severity.ERROR for p in problems)
    if errors:
        raise GateError(f"{options.poam}: {errors} lint error(s)")


@app.command("timeline")
def timeline_command(
    poam: PoamOption = Path("poam.json"), as_of: AsOfOption = None, output: FormatOption = OutputFormat.TABLE
) -> None:
    """Where the POA&M stands in the 180-day window: Day N, deadline, phase, checkpoints, entries at risk.

    Day 0 is the conditional status date (before certification, the assessment date as a planning
    basis). Checkpoints: Day 30 owners and resources, Day 120 internal checkpoint, Day 150 C3PAO
    notification, Day 180 hard deadline. Uses each entry's last verdict recorded by verify.
    """
    from verifier.cli.render import print_timeline
    from verifier.pipeline.assess import run_timeline
    from verifier.rules.timeline import timeline_json

    report = run_timeline(poam, parse_date(as_of, "--as-of"))
    if output is OutputFormat.JSON:
        print_json(timeline_json(report))
    else:
        print_timeline(report, heading=True)

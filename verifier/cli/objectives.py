"""``poam objectives``: what an assessor judges for each practice (NIST SP 800-171A)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from verifier.cli.app import app, out
from verifier.cli.options import FormatOption, MappingOption, OutputFormat, mapping_path, print_json

if TYPE_CHECKING:
    from verifier.pipeline.objectives import PracticeObjectives


@app.command("objectives")
def objectives_command(
    practice: Annotated[
        list[str] | None, typer.Argument(help="Practices (AU.L2-3.3.8 or 3.3.8). Default: all 110.")
    ] = None,
    provider: Annotated[str | None, typer.Option(help="Show only this provider's checks.")] = None,
    mapping: MappingOption = None,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """The NIST SP 800-171A assessment objectives of each practice (320 in all) and what an assessor
    examines, interviews and tests for it, beside the checks the mapping ties to the practice.

    A practice is MET only when every one of its objectives is. Only a check the mapping assigns to an objective
    evidences it (mapping schema 3); a check listed for the practice but assigned to no objective evidences nothing.
    """
    from verifier.pipeline.objectives import ObjectivesOptions, objectives_json, run_objectives

    rows = run_objectives(ObjectivesOptions(tuple(practice or ()), mapping_path(mapping), provider))
    if output is OutputFormat.JSON:
        print_json(objectives_json(rows))
        return
    for row in rows:
        _print_practice(row)
    out.print(f"{sum(len(r.procedure.objectives) for r in rows)} objective(s) of {len(rows)} practice(s)")


def _print_practice(row: PracticeObjectives) -> None:
    from rich.table import Table
    from rich.text import Text

    # Text, never markup: an objective id's "[a]" would otherwise be read as a style tag and vanish.
    procedure = row.procedure
    table = Table(title=Text(f"{procedure.practice_id}: {procedure.statement}"), title_justify="left")
    table.add_column("Objective", no_wrap=True)
    table.add_column("Determine if", overflow="fold")
    table.add_column("Evidenced by", overflow="fold")
    for objective in procedure.objectives:
        assigned = row.objective_checks[objective.objective_id]
        evidence = "; ".join(f"{p}: {', '.join(c)}" for p, c in assigned.items()) or "no check"
        table.add_row(Text(objective.objective_id), Text(objective.text), Text(evidence))
    out.print(table, highlight=False)
    checks = "; ".join(f"{p}: {', '.join(c) or 'none'}" for p, c in row.practice_checks.items())
    out.print(f"  checks the mapping lists for the practice: {checks}", highlight=False, markup=False)
    for method, objects in (
        ("examine", procedure.examine),
        ("interview", procedure.interview),
        ("test", procedure.test),
    ):
        out.print(f"  {method}: {objects}", highlight=False, markup=False)

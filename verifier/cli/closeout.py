"""``poam closeout`` (build the package) and ``poam closeout verify`` (check one)."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from verifier.cli.app import closeout_app, err, out
from verifier.cli.options import AsOfOption, MappingOption, progress_bar, with_some_verify_run_options
from verifier.errors import GateError


class AssessmentKind(enum.StrEnum):
    """Who performs the closeout: the organisation (Level 2 Self) or a C3PAO."""

    SELF = "self"
    C3PAO = "c3pao"


@closeout_app.callback(invoke_without_command=True)
@with_some_verify_run_options("max_scan_age", "sign_key", "attestations", "jobs", "allow_unknown_checks")
def closeout_command(
    ctx: typer.Context,
    poam: Annotated[Path, typer.Option(help="The POA&M being closed out.")] = Path("poam.json"),
    mapping: MappingOption = None,
    findings: Annotated[
        list[str] | None,
        typer.Option(help="Prowler output, as for verify (files, directories, .zip, s3://). Repeatable."),
    ] = None,
    out_dir: Annotated[
        Path,
        typer.Option("--out", help="The package folder (new, empty, or an earlier package: replaced whole)."),
    ] = Path("closeout"),
    as_of: AsOfOption = None,
    assessment: Annotated[
        AssessmentKind | None,
        typer.Option(
            help="Who performs the closeout. Default: the POA&M's assessment type.", case_sensitive=False
        ),
    ] = None,
    draft: Annotated[
        bool,
        typer.Option(
            "--draft",
            help="Write the package even with items open or no affirmation; every summary says DRAFT.",
        ),
    ] = False,
    **run_options: Any,
) -> None:
    """Build the POA&M closeout package (poam closeout --findings ...), or check one (poam closeout verify DIR).

    Evaluates as verify does and writes the package: evidence, updated POA&M, reports, affirmation,
    CMMCAssessmentArtifacts.log and CMMCAssessmentLogHash.log (DoD Hashing Guide), assessment-results.xlsx,
    closeout.md/html and HashedArtifacts.zip; prints the Hash Value.

    Without --draft, a POA&M item not MET (operational plans of action never count), no affirmation (poam
    affirm) dated in the closeout window, or a window that is over refuses the closeout: exit 1, and only
    OUT-blocked.md is written beside the package folder. Check a package with `poam closeout verify OUT`.
    """
    if ctx.invoked_subcommand is not None:
        return
    from verifier.cli.verify import verify_options
    from verifier.pipeline.closeout import CloseoutOptions, run_closeout

    options = CloseoutOptions(
        verify_options(
            poam=poam,
            mapping=mapping,
            findings=findings,
            out_dir=out_dir,
            as_of=as_of,
            # A closeout writes neither the POA&M nor its history, and refuses by its own rules, not --fail-on.
            in_place=False,
            history=None,
            max_gap=7,
            fail_on=None,
            **run_options,
        ),
        assessment=assessment.value if assessment else None,
        draft=draft,
    )
    with progress_bar() as progress:
        outcome = run_closeout(options, clock=lambda: datetime.now(UTC), progress=progress)
    if outcome.report is not None:
        raise GateError(f"{outcome.message} (report: {outcome.report}; nothing else was written)")
    status = "DRAFT closeout package" if options.draft else "closeout package"
    err.print(f"wrote {status} {options.out} ({len(outcome.files)} files)", highlight=False)
    out.print(f"Hash Value: {outcome.hash_value}", highlight=False)


@closeout_app.command("verify")
def closeout_verify_command(
    path: Annotated[Path, typer.Argument(help="The package: its folder, or its HashedArtifacts.zip.")],
) -> None:
    """Re-hash every file against CMMCAssessmentArtifacts.log, that log against CMMCAssessmentLogHash.log,
    and run bundle verify on evidence/. Any mismatch: a message naming the file, exit 1."""
    from verifier.pipeline.closeout_verify import verify_closeout

    for line in verify_closeout(path).lines():
        out.print(line, highlight=False)

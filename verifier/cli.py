"""The ``poam`` command line. Thin: parse options into a frozen object, call one function, render.

Errors are caught once, in ``main``: one line on stderr and the exit code from ``ExitCode``.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import click
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from verifier import __version__
from verifier.errors import ExitCode, GateError, InputError, UsageError, VerifierError
from verifier.model import Verdict
from verifier.outputs.interface import VerificationRun
from verifier.pipeline.mapping import CheckOptions, SyncOptions, check_mapping, sync_mapping
from verifier.pipeline.verify import FailOn, ProgressCallback, VerifyOptions, default_findings, run_verify

app = typer.Typer(
    name="poam",
    help="CMMC Level 2 POA&M closure verifier: prove each POA&M entry MET, NOT MET or NOT VERIFIED "
    "from real Prowler scans, and write evidence a C3PAO assessor can trace.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
mapping_app = typer.Typer(
    help="Build and validate the practice → Prowler check mapping.", no_args_is_help=True
)
app.add_typer(mapping_app, name="mapping")

out = Console()
err = Console(stderr=True)
_STATE = {"debug": False}
_STYLE = {Verdict.MET: "green", Verdict.NOT_MET: "red", Verdict.NOT_VERIFIED: "yellow"}


def _version(value: bool) -> None:
    if value:
        out.print(f"poam-verifier {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    debug: Annotated[bool, typer.Option("--debug", help="Show the full traceback on errors.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    _STATE["debug"] = debug


def _parse_date(text: str | None, option: str) -> date:
    if text is None:
        return datetime.now(UTC).date()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{option} must be a date like 2026-11-25, got {text!r}") from None


@contextmanager
def _progress_bar() -> Iterator[ProgressCallback]:
    with Progress(
        TextColumn("reading findings"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as progress:
        task = progress.add_task("", total=None)

        def advance(name: str, index: int, total: int) -> None:
            progress.update(task, total=total, completed=index, description=name)

        yield advance


@app.command()
def verify(
    poam: Annotated[Path, typer.Option(help="The POA&M to verify.")] = Path("poam.json"),
    mapping: Annotated[Path, typer.Option(help="Practice → Prowler check mapping.")] = Path(
        "mappings/cmmc-l2-aws.json"
    ),
    findings: Annotated[
        list[Path] | None,
        typer.Option(
            help="Prowler output: a file (.ocsf.json, .csv, .asff.json, compliance CSV, .gz) or a directory. "
            "Repeatable. Default: ./output, else the built-in example ./examples/prowler-output."
        ),
    ] = None,
    out_dir: Annotated[Path, typer.Option("--out", help="Where to write the results and evidence.")] = Path(
        "out"
    ),
    as_of: Annotated[
        str | None, typer.Option(help="Judge freshness as of this date (YYYY-MM-DD). Default: today (UTC).")
    ] = None,
    max_scan_age: Annotated[
        int, typer.Option(help="Findings older than this many days are not evidence.", min=0)
    ] = 7,
    in_place: Annotated[
        bool, typer.Option(help="Update the input POA&M atomically instead of writing OUT/poam.json.")
    ] = False,
    fail_on: Annotated[
        list[FailOn] | None,
        typer.Option(help="Exit 1 (after writing outputs) when this happens. Repeatable."),
    ] = None,
) -> None:
    """Mark every POA&M entry MET / NOT_MET / NOT_VERIFIED from Prowler findings and write the evidence.

    Writes OUT/poam.json (updated), OUT/verification.json, OUT/summary.md, OUT/evidence/ and
    OUT/evidence.zip. Exit codes: 0 ok, 1 a --fail-on gate was hit, 2 usage, 3 invalid input
    (nothing written), 4 environment or I/O error.
    """
    options = VerifyOptions(
        poam=poam,
        mapping=mapping,
        findings=tuple(findings) if findings else default_findings(),
        out=out_dir,
        as_of=_parse_date(as_of, "--as-of"),
        max_scan_age_days=max_scan_age,
        in_place=in_place,
        fail_on=tuple(fail_on or ()),
    )
    with _progress_bar() as progress:
        outcome = run_verify(options, clock=lambda: datetime.now(UTC), progress=progress)
    _print_results(outcome.run)
    err.print(f"wrote {', '.join(str(p) for p in outcome.written)}")
    if outcome.gates_hit:
        raise GateError("; ".join(outcome.gates_hit))


def _print_results(run: VerificationRun) -> None:
    table = Table(title=f"{run.poam.poam.organization} — as of {run.context.as_of.isoformat()}")
    for column in ("Entry", "Practice", "Verdict", "Why"):
        table.add_column(column, overflow="fold")
    for result in run.results:
        verdict = f"[{_STYLE[result.verdict]}]{result.verdict.value}[/]"
        table.add_row(result.entry_id, result.practice_id, verdict, "\n".join(result.reasons))
    out.print(table)
    out.print(" · ".join(f"{v.value}: {run.count(v)}" for v in Verdict))


@mapping_app.command("sync")
def mapping_sync(
    out_path: Annotated[Path, typer.Option("--out", help="Mapping file to write.")] = Path(
        "mappings/cmmc-l2-aws.json"
    ),
    prowler_bin: Annotated[str | None, typer.Option(help="The Prowler executable (default: PATH).")] = None,
    compliance_dir: Annotated[
        Path | None,
        typer.Option(help="Prowler's compliance/ directory (default: found via the Prowler executable)."),
    ] = None,
    prowler_version: Annotated[
        str | None, typer.Option(help="Version to record when --compliance-dir is given without Prowler.")
    ] = None,
) -> None:
    """Generate the mapping from the installed Prowler's cmmc_2.0 and NIST 800-171 r2 frameworks."""
    result = sync_mapping(SyncOptions(out_path, prowler_bin, compliance_dir, prowler_version))
    out.print(
        f"wrote {result.path}: {result.practices_with_checks} practices with AWS checks, "
        f"{result.distinct_checks} distinct checks (Prowler {result.prowler_version})"
    )


@mapping_app.command("check")
def mapping_check(
    mapping: Annotated[Path, typer.Option(help="Mapping file to validate.")] = Path(
        "mappings/cmmc-l2-aws.json"
    ),
    prowler_bin: Annotated[str | None, typer.Option(help="The Prowler executable (default: PATH).")] = None,
    offline: Annotated[bool, typer.Option(help="Skip the check ids against the installed Prowler.")] = False,
) -> None:
    """Validate a mapping: schema, practice ids, and check ids known to the installed Prowler.

    Lists the practices with no automated check: those need an attestation to close. Exit 3 on problems.
    """
    report = check_mapping(CheckOptions(mapping, prowler_bin, offline))
    against = (
        f"Prowler {report.prowler_version}" if report.prowler_version else "no Prowler (ids not checked)"
    )
    out.print(
        f"{mapping}: {report.practices_with_checks} practices with AWS checks; checked against {against}"
    )
    out.print(f"{len(report.needs_attestation)} practices need attestation (no check): ")
    out.print(", ".join(report.needs_attestation), soft_wrap=True)
    if report.problems:
        for problem in report.problems:
            err.print(f"problem: {problem}")
        raise InputError(f"{mapping}: {len(report.problems)} problem(s)")


def main() -> None:
    """Console-script entry point: run the app, map errors to one line and an exit code."""
    try:
        app(standalone_mode=False)
    except VerifierError as exc:
        if _STATE["debug"]:
            traceback.print_exc()
        err.print(f"[bold red]error:[/] {exc.message}", highlight=False, soft_wrap=True)
        sys.exit(int(exc.exit_code))
    except click.ClickException as exc:
        exc.show()
        sys.exit(int(ExitCode.USAGE))
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.Abort:
        err.print("aborted")
        sys.exit(int(ExitCode.USAGE))

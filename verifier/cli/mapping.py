"""``poam mapping sync`` and ``poam mapping check``: the practice → Prowler check mappings."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from verifier.cli.app import err, mapping_app, out
from verifier.cli.options import ProwlerBinOption, mapping_option, mapping_path
from verifier.errors import InputError

if TYPE_CHECKING:
    from verifier.pipeline.mapping import ProviderCoverage


@mapping_app.command("sync")
def mapping_sync(
    out_path: Annotated[Path, typer.Option("--out", help="Mapping file to write.")] = Path(
        "mappings/cmmc-l2-aws.json"
    ),
    prowler_bin: ProwlerBinOption = None,
    compliance_dir: Annotated[
        Path | None,
        typer.Option(help="Prowler's compliance/ directory (default: found via the Prowler executable)."),
    ] = None,
    prowler_version: Annotated[
        str | None, typer.Option(help="Version to record when --compliance-dir is given without Prowler.")
    ] = None,
) -> None:
    """Generate the mapping from the installed Prowler's cmmc_2.0 and NIST 800-171 r2 frameworks."""
    from verifier.pipeline.mapping import SyncOptions, sync_mapping

    result = sync_mapping(SyncOptions(out_path, prowler_bin, compliance_dir, prowler_version))
    out.print(
        f"wrote {result.path}: {result.practices_with_checks} practices with AWS checks, "
        f"{result.distinct_checks} distinct checks (Prowler {result.prowler_version})"
    )
    out.print(_coverage_line(result.providers))
    for dropped in result.dropped:
        out.print(
            f"dropped assignment (Prowler no longer maps the check to the practice): {dropped}", markup=False
        )
    if result.checks_path:
        out.print(
            f"wrote {result.checks_path}: every check id of Prowler {result.prowler_version} per provider"
        )


def _coverage_line(providers: tuple[ProviderCoverage, ...]) -> str:
    """``by provider (practices/checks): aws 55/…, azure 36/103, …``"""
    parts = (f"{c.provider} {c.practices_with_checks}/{c.distinct_checks}" for c in providers)
    return "by provider (practices with checks/distinct checks): " + ", ".join(parts)


@mapping_app.command("check")
def mapping_check(
    mapping: Annotated[Path | None, mapping_option("Mapping file to validate")] = None,
    prowler_bin: ProwlerBinOption = None,
    offline: Annotated[bool, typer.Option(help="Skip the check ids against the installed Prowler.")] = False,
) -> None:
    """Validate a mapping: schema, practice ids, and check ids known to the installed Prowler.

    Lists the practices with no automated check: those need an attestation to close. Exit 3 on problems.
    """
    from verifier.pipeline.mapping import CheckOptions, check_mapping

    mapping = mapping_path(mapping, about_mapping=True)
    report = check_mapping(CheckOptions(mapping, prowler_bin, offline))
    against = (
        f"Prowler {report.prowler_version}" if report.prowler_version else "no Prowler (ids not checked)"
    )
    out.print(
        f"{mapping}: {report.practices_with_checks} of {report.practice_count} practices have a check "
        f"on at least one provider; checked against {against}"
    )
    out.print(_coverage_line(report.providers))
    out.print(f"{len(report.needs_attestation)} practices need attestation (no check): ")
    out.print(", ".join(report.needs_attestation), soft_wrap=True)
    for coverage in report.objectives:
        out.print(
            f"{coverage.provider}: {coverage.objectives_with_checks} of {report.objective_count} objectives "
            f"have a check; {coverage.checks_evidencing_nothing} practice checks evidence nothing yet"
        )
        for pid, checks in coverage.evidences_nothing:
            out.print(f"  {pid}, checks that evidence nothing yet: {', '.join(checks)}", soft_wrap=True)
    if report.problems:
        for problem in report.problems:
            err.print(f"problem: {problem}")
        raise InputError(f"{mapping}: {len(report.problems)} problem(s)")

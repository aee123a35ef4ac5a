"""``poam init``: scaffold a compliance repository; and the POA&M header options ``init`` and ``import`` share."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from verifier import __version__
from verifier.cli.app import app, err
from verifier.cli.options import parse_date
from verifier.errors import UsageError

OrganizationOption = Annotated[str | None, typer.Option(help="The organization (the POA&M's owner).")]
SystemOption = Annotated[str | None, typer.Option(help="The system (enclave) the POA&M covers.")]
AssessmentDateOption = Annotated[str | None, typer.Option(help="Assessment date, YYYY-MM-DD.")]
ConditionalDateOption = Annotated[
    str | None, typer.Option(help="Conditional CMMC Status Date (Day 0 of the 180 days), YYYY-MM-DD.")
]
AccountOption = Annotated[list[str] | None, typer.Option(help="AWS account id in scope. Repeatable.")]
RegionOption = Annotated[list[str] | None, typer.Option(help="AWS region in scope. Repeatable.")]


@app.command("init")
def init_command(
    directory: Annotated[Path, typer.Argument(help="The compliance repository to scaffold.")] = Path("."),
    organization: OrganizationOption = None,
    system: SystemOption = None,
    assessment_date: AssessmentDateOption = None,
    conditional_status_date: ConditionalDateOption = None,
    account: AccountOption = None,
    region: RegionOption = None,
    assessment_type: Annotated[str, typer.Option(help="c3pao or self.")] = "c3pao",
    verifier_version: Annotated[
        str, typer.Option(help="The released poam-verifier the workflows and the hook install.")
    ] = __version__,
) -> None:
    """Scaffold a compliance repository: poam.json, three workflows, a pre-commit hook, a README.

    Writes DIR/poam.json (no entries yet; fill it with `poam import`), .github/workflows/
    poam-scheduled.yml, poam-verify.yml and terraform-pr.yml (each installs the pinned released
    verifier and Prowler), .pre-commit-config.yaml (poam lint) and README.md. Everything comes from
    options, never prompts. Refuses to overwrite any existing file (exit 2, nothing written).
    """
    from verifier.outputs.new_poam import PoamHeader
    from verifier.pipeline.init import InitOptions, run_init

    if not (organization and system and assessment_date and account):
        raise UsageError("poam init needs --organization, --system, --assessment-date and --account")
    if assessment_type not in ("c3pao", "self"):
        raise UsageError(f"--assessment-type is c3pao or self, got {assessment_type!r}")
    header = PoamHeader(
        organization=organization,
        system=system,
        assessment_date=parse_date(assessment_date, "--assessment-date"),
        accounts=tuple(account),
        regions=tuple(region or ()),
        conditional_status_date=(
            parse_date(conditional_status_date, "--conditional-status-date")
            if conditional_status_date
            else None
        ),
        assessment_type=assessment_type,
    )
    written = run_init(InitOptions(directory, header, verifier_version))
    for path in written:
        err.print(f"wrote {path}", highlight=False)
    err.print("next: poam import YOUR-POAM.xlsx --merge poam.json, then poam lint")

"""``poam init``: scaffold a compliance repository; and the POA&M header options ``init`` and ``import`` share."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from verifier.cli.app import app, err
from verifier.cli.options import parse_date, parse_optional_date
from verifier.errors import UsageError

# ``init`` requires these four; ``import`` may read them from the sheet: one declaration, two annotations.
_ORGANIZATION = typer.Option(help="The organization (the POA&M's owner).")
_SYSTEM = typer.Option(help="The system (enclave) the POA&M covers.")
_ASSESSMENT_DATE = typer.Option(help="Assessment date, YYYY-MM-DD.", metavar="YYYY-MM-DD")
_ACCOUNT = typer.Option(help="AWS account id in scope. Repeatable.")

OrganizationOption = Annotated[str | None, _ORGANIZATION]
SystemOption = Annotated[str | None, _SYSTEM]
AssessmentDateOption = Annotated[str | None, _ASSESSMENT_DATE]
ConditionalDateOption = Annotated[
    str | None,
    typer.Option(
        help="Conditional CMMC Status Date (Day 0 of the 180 days), YYYY-MM-DD.", metavar="YYYY-MM-DD"
    ),
]
AccountOption = Annotated[list[str] | None, _ACCOUNT]
RegionOption = Annotated[list[str] | None, typer.Option(help="AWS region in scope. Repeatable.")]


@app.command("init")
def init_command(
    # Required here (and marked so in --help); `poam import` shares the options and may read them from the sheet.
    organization: Annotated[str, _ORGANIZATION],
    system: Annotated[str, _SYSTEM],
    assessment_date: Annotated[str, _ASSESSMENT_DATE],
    account: Annotated[list[str], _ACCOUNT],
    directory: Annotated[Path, typer.Argument(help="The compliance repository to scaffold.")] = Path("."),
    conditional_status_date: ConditionalDateOption = None,
    region: RegionOption = None,
    assessment_type: Annotated[str, typer.Option(help="c3pao or self.")] = "c3pao",
    install: Annotated[
        str | None,
        typer.Option(
            help="The pip requirement the workflows and the hook install: 'poam-verifier==X.Y.Z', "
            "'poam-verifier @ git+https://github.com/OWNER/poam-verifier@TAG' or a wheel's https URL. "
            "Default: this verifier's release (a development build refuses and asks for one).",
            metavar="REQUIREMENT",
        ),
    ] = None,
    verifier_version: Annotated[
        str | None, typer.Option(help="Deprecated: --install 'poam-verifier==VERSION'.", hidden=True)
    ] = None,
) -> None:
    """Scaffold a compliance repository: poam.json, three workflows, a pre-commit hook, a README.

    Writes DIR/poam.json (no entries yet; fill it with `poam import`), .github/workflows/
    poam-scheduled.yml, poam-verify.yml and terraform-pr.yml (each installs the pinned verifier,
    --install, and Prowler), .pre-commit-config.yaml (poam lint) and README.md. Everything comes from
    options, never prompts. Refuses to overwrite any existing file (exit 2, nothing written).
    """
    from verifier.model import DEFAULT_PROVIDER
    from verifier.outputs.new_poam import PoamHeader
    from verifier.pipeline.init import InitOptions, run_init

    if not (organization.strip() and system.strip()):
        raise UsageError("poam init needs a non-empty --organization and --system")
    if assessment_type not in ("c3pao", "self"):
        raise UsageError(f"--assessment-type is c3pao or self, got {assessment_type!r}")
    header = PoamHeader(
        organization=organization,
        system=system,
        assessment_date=parse_date(assessment_date, "--assessment-date"),
        accounts=tuple(account),
        provider=DEFAULT_PROVIDER,  # --account takes AWS account ids
        regions=tuple(region or ()),
        conditional_status_date=parse_optional_date(conditional_status_date, "--conditional-status-date"),
        assessment_type=assessment_type,
    )
    if verifier_version is not None:
        if install is not None:
            raise UsageError("give --install or the deprecated --verifier-version, not both")
        err.print("--verifier-version is deprecated: use --install 'poam-verifier==VERSION'", highlight=False)
        install = f"poam-verifier=={verifier_version}"
    pinned, written = run_init(InitOptions(directory, header, install))
    for path in written:
        err.print(f"wrote {path}", highlight=False)
    err.print(
        f"the workflows and the pre-commit hook install {pinned}",
        highlight=False,
        markup=False,
        soft_wrap=True,
    )
    err.print("next: poam import YOUR-POAM.xlsx --merge poam.json, then poam lint")

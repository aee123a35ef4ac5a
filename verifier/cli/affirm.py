"""``poam affirm``: record the senior official's affirmation that ``poam closeout`` requires."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from verifier.cli.app import app, out
from verifier.cli.options import AttestationsOption, PoamOption


@app.command("affirm")
def affirm_command(
    by: Annotated[str, typer.Option("--by", help="The senior official who affirms (a named person).")],
    title: Annotated[str, typer.Option("--title", help="Their title.")],
    statement: Annotated[
        str | None,
        typer.Option(help="The affirmation's text. Default: the shipped 32 CFR 170.22 statement."),
    ] = None,
    poam: PoamOption = Path("poam.json"),
    attestations: AttestationsOption = None,
) -> None:
    """Record a senior official's affirmation of continuing compliance (32 CFR 170.22) in the attestations file.

    The record has its own kind (affirmation): it names no entry and never counts as an entry's attestation.
    `poam closeout` requires one dated after the conditional status date and not after --as-of.
    """
    from verifier.pipeline.closeout_affirm import AffirmOptions, run_affirm

    options = AffirmOptions(by, title, statement, poam, attestations)
    record = run_affirm(options, clock=lambda: datetime.now(UTC))
    out.print(
        f"affirmed by {record.by} ({record.role}) on {record.attested_at.date().isoformat()} "
        f"in {options.attestations_path}",
        highlight=False,
    )

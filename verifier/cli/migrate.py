"""``poam migrate``: bring a POA&M file to the current schema version."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from verifier.cli.app import app, out
from verifier.cli.options import PoamOption


@app.command("migrate")
def migrate_command(
    poam: PoamOption = Path("poam.json"),
    mapping: Annotated[
        Path | None,
        typer.Option(help="Migrate this mapping file to schema_version 3 instead of the POA&M."),
    ] = None,
) -> None:
    """Rewrite the POA&M as schema_version 2 (scope as a list of provider targets), in place.

    With --mapping, rewrite that mapping as schema_version 3: every objective {} (no check evidences
    it until one is assigned). Lossless: every other field, unknown ones included, is kept. A file
    already at the current version is left untouched.
    """
    from verifier.pipeline.migrate import MigrateOptions, migrate_mapping, migrate_poam

    result = migrate_mapping(mapping) if mapping else migrate_poam(MigrateOptions(poam))
    if result.rewritten:
        out.print(f"migrated {result.path}: schema_version {result.from_version} -> {result.to_version}")
    else:
        out.print(f"{result.path} is already schema_version {result.to_version}; left unchanged")

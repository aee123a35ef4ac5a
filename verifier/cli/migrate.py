"""``poam migrate``: bring a POA&M file to the current schema version."""

from __future__ import annotations

from pathlib import Path

from verifier.cli.app import app, out
from verifier.cli.options import PoamOption


@app.command("migrate")
def migrate_command(poam: PoamOption = Path("poam.json")) -> None:
    """Rewrite the POA&M as schema_version 2 (scope as a list of provider targets), in place.

    Lossless: every other field, unknown ones included, is kept. A version 2 file is left untouched.
    """
    from verifier.pipeline.migrate import MigrateOptions, migrate_poam

    result = migrate_poam(MigrateOptions(poam))
    if result.rewritten:
        out.print(f"migrated {result.path}: schema_version {result.from_version} -> {result.to_version}")
    else:
        out.print(f"{result.path} is already schema_version {result.to_version}; left unchanged")

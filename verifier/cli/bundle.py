"""``poam bundle verify``: check an evidence bundle end to end."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from verifier.cli.app import bundle_app, out


@bundle_app.command("verify")
def bundle_verify_command(
    path: Annotated[Path, typer.Argument(help="The bundle: out/evidence or out/evidence.zip.")],
    pubkey: Annotated[Path | None, typer.Option(help="Public key: require and check the signature.")] = None,
) -> None:
    """Recompute every digest, check the signature, re-derive every verdict, re-check every Prowler quote.

    Prints the bundle's as-of date and creation time; without --pubkey: integrity only, no authenticity.
    Refuses zip members with absolute paths, `..` or links. Any mismatch: a message naming the file, exit 1.
    """
    from verifier.pipeline.bundle import verify_bundle

    report = verify_bundle(path, pubkey)
    for line in report.lines(now=datetime.now(UTC)):
        out.print(line, highlight=False)

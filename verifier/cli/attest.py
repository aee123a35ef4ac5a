"""``poam attest`` and ``poam keygen``: attestations, and the key that signs evidence bundles."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from verifier.cli.app import app, out
from verifier.cli.options import PoamOption, parse_date


@app.command("attest")
def attest_command(
    entry: Annotated[str, typer.Argument(help="The POA&M entry id the evidence closes.")],
    by: Annotated[str, typer.Option("--by", help="Who attests (a named person).")],
    role: Annotated[str, typer.Option("--role", help="Their role.")],
    artifact: Annotated[
        list[Path], typer.Option("--artifact", help="Evidence file (policy, roster, log). Repeatable.")
    ],
    statement: Annotated[str, typer.Option("--statement", help="What is attested, in one sentence.")],
    expires: Annotated[
        str | None, typer.Option(help="Date after which the attestation no longer counts.")
    ] = None,
    poam: PoamOption = Path("poam.json"),
    attestations: Annotated[
        Path | None, typer.Option(help="Attestations file. Default: poam-attestations.json beside the POA&M.")
    ] = None,
) -> None:
    """Record who attests what, when, with the SHA-256 of each artifact; the artifacts go into the next bundle.

    An entry verified by attestation (or whose practice has no mapped check) is MET only with a valid,
    unexpired attestation whose artifacts still hash the same; a failing check is never overridden.
    """
    from verifier.pipeline.attest import AttestOptions, run_attest

    expiry = parse_date(expires, "--expires") if expires else None
    options = AttestOptions(entry, by, role, tuple(artifact), statement, expiry, poam, attestations)
    record = run_attest(options, clock=lambda: datetime.now(UTC))
    out.print(
        f"attested {record.entry} ({record.practice_id}) by {record.by}: {len(record.artifacts)} artifact(s)"
    )


@app.command("keygen")
def keygen_command(
    prefix: Annotated[Path, typer.Argument(help="Writes PREFIX.key (mode 0600) and PREFIX.pub.")] = Path(
        "poam-signing"
    ),
) -> None:
    """Make an Ed25519 key pair for signing evidence bundles; refuses to overwrite existing keys."""
    from verifier.pipeline.keys import keygen

    pair = keygen(prefix)
    out.print(f"wrote {pair.private_key} and {pair.public_key} (keyid {pair.keyid})")

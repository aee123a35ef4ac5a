"""``poam attest`` and ``poam keygen``: attestations, and the key that signs evidence bundles."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from verifier.cli.app import app, out
from verifier.cli.options import MappingOption, PoamOption, mapping_path, parse_date


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
    objective: Annotated[
        list[str] | None,
        typer.Option(
            "--objective",
            help="NIST SP 800-171A objective attested (3.3.8[c]); repeatable. Default: every objective of "
            "the entry no check evidences.",
        ),
    ] = None,
    method: Annotated[
        str,
        typer.Option("--method", help="The 800-171A method the evidence serves: examine, interview or test."),
    ] = "examine",
    mapping: MappingOption = None,
) -> None:
    """Record who attests what, when, with the SHA-256 of each artifact; the artifacts go into the next bundle.

    An objective no check evidences (and every objective of an entry verified by attestation) is MET only
    with a valid, unexpired attestation covering it whose artifacts still hash the same; a failing check
    is never overridden.
    """
    from verifier.pipeline.attest import AttestOptions, run_attest

    expiry = parse_date(expires, "--expires") if expires else None
    options = AttestOptions(
        entry,
        by,
        role,
        tuple(artifact),
        statement,
        expiry,
        poam,
        attestations,
        objectives=tuple(objective or ()),
        method=method,
        mapping=mapping_path(mapping),
    )
    record = run_attest(options, clock=lambda: datetime.now(UTC))
    covered = ", ".join(record.objectives or ())
    out.print(
        f"attested {record.entry} ({record.practice_id}) {covered} by {record.by} ({record.method}): "
        f"{len(record.artifacts)} artifact(s)"
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

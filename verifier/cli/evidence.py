"""``poam attest``, ``poam keygen``, ``poam bundle verify`` and ``poam history``."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from verifier.cli.app import app, bundle_app, out
from verifier.cli.options import (
    AsOfOption,
    FormatOption,
    OutputFormat,
    PoamOption,
    parse_date,
    print_json,
)
from verifier.errors import UsageError


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


@app.command("history")
def history_command(
    entry: Annotated[
        str | None, typer.Argument(help="An entry id, or `verify` to check the ledger's hash chain only.")
    ] = None,
    ledger: Annotated[Path, typer.Option("--history", help="The ledger verify appends to.")] = Path(
        "poam-history.jsonl"
    ),
    as_of: AsOfOption = None,
    max_gap: Annotated[
        int, typer.Option(help="Days between scans after which a MET streak is broken.", min=1)
    ] = 7,
    output: FormatOption = OutputFormat.TABLE,
    bundle: Annotated[
        list[Path] | None,
        typer.Option(help="With `verify`: an evidence.zip whose run the ledger must still hold. Repeatable."),
    ] = None,
) -> None:
    """Verdict timeline per entry: the current MET streak and since when, scan gaps and regressions.

    `poam history verify` checks the hash chain: an edited, inserted or deleted line is an error (exit 3).
    Lines cut from the end leave a valid chain; `--bundle out/evidence.zip` (a signed one, ideally) also
    checks that run's lines are still right after the head it recorded.
    """
    from verifier.pipeline.history import HistoryOptions, check_bundle_recorded, run_history, verify_ledger
    from verifier.rules.streak import history_json, streak_text

    if entry == "verify":
        checked = verify_ledger(ledger)
        out.print(f"{ledger}: {len(checked.lines)} line(s), hash chain intact, head {checked.head}")
        for zipped in bundle or ():
            line = check_bundle_recorded(checked, ledger, zipped)
            out.print(f"{zipped}: its run is recorded from line {line}")
        return
    if bundle:
        raise UsageError("--bundle goes with `poam history verify`")
    reports = run_history(HistoryOptions(ledger, parse_date(as_of, "--as-of"), max_gap, entry))
    if output is OutputFormat.JSON:
        print_json({"entries": [history_json(h) for h in reports]})
        return
    for report in reports:
        verdicts = " → ".join(f"{d.isoformat()} {v.value}" for d, v in report.timeline)
        out.print(f"[bold]{report.entry}[/] {streak_text(report)}")
        out.print(f"  {verdicts}")
        for gap in report.gaps:
            out.print(f"  [yellow]gap[/] {gap.start.isoformat()} → {gap.end.isoformat()} ({gap.days} days)")
        for day in report.regressions:
            out.print(f"  [red]regression[/] MET → NOT_MET on {day.isoformat()}")

"""``poam history``: the verdict timeline per entry, and the ledger's hash chain."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from verifier.cli.app import app, out
from verifier.cli.options import (
    AsOfOption,
    FormatOption,
    MaxGapOption,
    OutputFormat,
    parse_date,
    print_json,
)
from verifier.errors import UsageError


@app.command("history")
def history_command(
    entry: Annotated[
        str | None, typer.Argument(help="An entry id, or `verify` to check the ledger's hash chain only.")
    ] = None,
    ledger: Annotated[Path, typer.Option("--history", help="The ledger verify appends to.")] = Path(
        "poam-history.jsonl"
    ),
    as_of: AsOfOption = None,
    max_gap: MaxGapOption = 7,
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
    from rich.text import Text

    from verifier.cli.render import flagged
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
        out.print(Text.assemble((report.entry, "bold"), " ", streak_text(report)))
        out.print(f"  {verdicts}")
        for gap in report.gaps:
            out.print(
                flagged("gap", "yellow", f"{gap.start.isoformat()} → {gap.end.isoformat()} ({gap.days} days)")
            )
        for day in report.regressions:
            out.print(flagged("regression", "red", f"MET → NOT_MET on {day.isoformat()}"))

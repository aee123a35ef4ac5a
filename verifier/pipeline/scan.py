"""``poam scan``: run the real Prowler CLI for exactly the checks the POA&M still needs.

One Prowler run per target (the current credentials, a named profile, or a role assumed into each
in-scope account), all in-scope regions at once. A target that fails is reported and the others go
on; entries that needed the failed account end up NOT_VERIFIED ("account ... does not appear").
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from verifier.errors import EnvError, UsageError
from verifier.evaluate import entry_checks, resolve_organization
from verifier.inputs.findings.manifest import MANIFEST_NAME, OrganizationListing, ScanManifest
from verifier.inputs.mapping import CheckMapping, load_mapping
from verifier.inputs.organizations import list_organization
from verifier.inputs.poam import load_poam
from verifier.inputs.prowler_install import ProwlerInstall, find_prowler
from verifier.model import EntryStatus, Poam
from verifier.outputs.serialize import dumps
from verifier.outputs.writer import write_atomic

# Prowler exits 3 when a check FAILs: a normal outcome of a scan, not an error.
PROWLER_OK = frozenset({0, 3})
_ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::([0-9]{12}):role/.+$")
_SCAN_TIMEOUT_S = 3600

ScanProgress = Callable[[str], None]
Clock = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC)


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
    shard: Shard | None = None


@dataclass(frozen=True, slots=True)
class TargetResult:
    target: Target
    output_dir: Path
    error: str | None
    seconds: float
    exit_status: int | None = None


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


def run_scan(
    options: ScanOptions, progress: ScanProgress | None = None, clock: Clock = _utc_now
) -> ScanReport:
    """Scan every target (of this shard); raises only when Prowler is missing or every target failed."""
    loaded = load_poam(options.poam)
    mapping = load_mapping(options.mapping)
    checks = needed_checks(loaded.poam, mapping, options.all_practices)
    if not checks:
        raise UsageError("no checks to run: every open entry relies on attestation (or --all-practices)")
    prowler = find_prowler(options.prowler_bin)
    role_name = loaded.document["scope"].get("role_name")
    poam, listing = organization_scope(loaded.poam, options, role_name, clock, progress)
    targets = shard_targets(scan_targets(poam, options.profiles, options.role_arns, role_name), options.shard)
    regions = loaded.poam.scope.regions
    started = time.monotonic()
    if not targets:
        return ScanReport(checks, regions, (), 0.0)  # a shard with nothing to do (more shards than targets)
    recorder = ManifestRecorder(prowler, checks, regions, listing, options.shard, clock)
    with ThreadPoolExecutor(max_workers=min(options.parallel, len(targets))) as pool:
        # map keeps the targets' order; each Prowler is its own process, so threads only wait on them.
        results = tuple(
            pool.map(
                lambda t: recorder.scan(
                    t, lambda: _run_target(prowler, t, checks, regions, options.out, progress)
                ),
                targets,
            )
        )
    if all(r.error for r in results):
        raise EnvError(
            "every Prowler run failed: " + "; ".join(f"{r.target.label}: {r.error}" for r in results)
        )
    return ScanReport(checks, regions, results, time.monotonic() - started)


# --- organizations, shards and scan manifests --------------------------------------------------------


def organization_scope(
    poam: Poam, options: ScanOptions, role_name: str | None, clock: Clock, progress: ScanProgress | None
) -> tuple[Poam, OrganizationListing | None]:
    """The POA&M with its organization's ACTIVE accounts listed now, and the listing (None: no organization).

    Explicit --role-arn / --profile targets replace the scope's accounts, so nothing is listed then.
    """
    organization = poam.scope.organization
    if organization is None or options.role_arns or options.profiles:
        return poam, None
    if not role_name:
        raise UsageError(
            "an organization scope needs scope.role_name: the role assumed in each member account"
        )
    listing = list_organization(organization, clock)
    if progress:
        progress(f"organization: {len(listing.accounts)} ACTIVE account(s) listed ({listing.method})")
    return dataclasses.replace(poam, scope=resolve_organization(poam.scope, listing.accounts)), listing


@dataclass(frozen=True, slots=True)
class Shard:
    """``--shard K/N``: this runner scans the K-th of N shares of the targets."""

    index: int
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def parse_shard(text: str) -> Shard:
    """``K/N`` with 1 <= K <= N; anything else is a usage error."""
    index, slash, count = text.partition("/")
    if not slash or not index.isdigit() or not count.isdigit() or not 1 <= int(index) <= int(count):
        raise UsageError(f"--shard {text!r}: expected K/N with 1 <= K <= N, e.g. 2/3")
    return Shard(int(index), int(count))


def shard_targets(targets: Sequence[Target], shard: Shard | None) -> tuple[Target, ...]:
    """This shard's targets: sorted by label and dealt round-robin, so every shard gets an equal share
    of accounts (one target scans one account) and the same targets on every run with the same scope."""
    if shard is None:
        return tuple(targets)
    ordered = sorted(targets, key=lambda t: t.label)
    return tuple(t for i, t in enumerate(ordered) if i % shard.count == shard.index - 1)


class ManifestRecorder:
    """Writes ``scan-manifest.json`` beside each target's output: what ran, where, when, and how it ended."""

    def __init__(
        self,
        prowler: ProwlerInstall,
        checks: Sequence[str],
        regions: Sequence[str],
        listing: OrganizationListing | None,
        shard: Shard | None,
        clock: Clock,
    ) -> None:
        self._version = prowler.package_version()
        self._checks, self._regions = tuple(checks), tuple(regions)
        self._listing, self._shard, self._clock = listing, shard, clock

    def scan(self, target: Target, run: Callable[[], TargetResult]) -> TargetResult:
        started = self._clock()
        result = run()
        manifest = ScanManifest(
            location="",
            directory="",
            provider="aws",
            account=target.account,
            regions=self._regions,
            checks=self._checks,
            prowler_version=self._version,
            exit_status=result.exit_status,
            succeeded=result.error is None,
            started=started,
            ended=self._clock(),
            target=target.label,
            error=result.error,
            shard=str(self._shard) if self._shard else None,
            organization=self._listing,
        )
        self._write(result, manifest)
        return result

    @staticmethod
    def _write(result: TargetResult, manifest: ScanManifest) -> None:
        # A failed scan keeps an earlier good output untouched; where there is none, its manifest records the failure.
        if result.error is not None and result.output_dir.exists():
            return
        result.output_dir.mkdir(parents=True, exist_ok=True)
        write_atomic(result.output_dir / MANIFEST_NAME, dumps(manifest.to_json()))


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
    error, exit_status = _invoke(prowler_argv(prowler, target, checks, regions, partial))
    if error is None:
        _replace_tree(partial, out_dir)
    else:
        _remove_tree(partial)
    seconds = time.monotonic() - started
    if progress:
        progress(f"{target.label}: {'failed: ' + error if error else 'done'} in {seconds:.0f}s")
    return TargetResult(target, out_dir, error, seconds, exit_status)


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


def _invoke(argv: list[str]) -> tuple[str | None, int | None]:
    """``(error, exit status)``: error is None when Prowler ran to the end (exit 0, or 3 for FAILs)."""
    try:
        done = subprocess.run(  # noqa: S603 - fixed argv, no shell
            argv, capture_output=True, text=True, timeout=_SCAN_TIMEOUT_S, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return str(exc), None
    if done.returncode in PROWLER_OK:
        return None, done.returncode
    lines = [ln for ln in (done.stderr + done.stdout).splitlines() if ln.strip()]
    return f"prowler exited {done.returncode}: {lines[-1] if lines else 'no output'}", done.returncode

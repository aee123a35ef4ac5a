"""``poam scan``: run the real Prowler CLI for exactly the checks the POA&M still needs.

One Prowler run per target (the current credentials, a named profile, or a role assumed into each
in-scope account), all in-scope regions at once; one more per Azure, Microsoft 365 or GCP scope target
(each with the flags of its ``ProviderSpec.command``). A target that fails is reported and the others go on; entries that needed the
failed account end up NOT_VERIFIED ("account ... does not appear").
"""

from __future__ import annotations

import dataclasses
import hashlib
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
from verifier.evaluate import resolve_target_organization
from verifier.inputs.findings.manifest import MANIFEST_NAME, OrganizationListing, ScanManifest
from verifier.inputs.known_checks import default_known_checks
from verifier.inputs.mapping import CheckMapping, load_mapping
from verifier.inputs.organizations import list_organization
from verifier.inputs.poam import load_poam, require_checks_evidence_objectives
from verifier.inputs.prowler_install import ProwlerInstall, find_prowler, redact_secrets
from verifier.model import EntryStatus, Poam, ScopeTarget
from verifier.outputs.serialize import dumps
from verifier.outputs.writer import write_atomic
from verifier.pipeline.provider_commands import AuthChoice, parse_auth, target_argv
from verifier.providers import PROVIDERS, provider_spec
from verifier.rules.check_ids import refuse_unknown_checks
from verifier.scope import poam_entry_scope, resolve_checks

# Prowler exits 3 when a check FAILs: a normal outcome of a scan, not an error.
PROWLER_OK = frozenset({0, 3})
_ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::([0-9]{12}):role/.+$")
_SCAN_TIMEOUT_S = 3600

# The provider whose targets are built from roles and profiles (AWS): the table says which one.
_ROLE_PROVIDER = next(name for name, spec in PROVIDERS.items() if spec.command.by_role)


def _by_role(provider: str) -> bool:
    return provider_spec(provider).command.by_role


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
    provider: str
    # The regions to pass with -f (AWS); None means the scan's regions.
    regions: tuple[str, ...] | None = None


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
    # --auth PROVIDER=METHOD[:VALUE] texts for the non-AWS providers (defaults in the provider table).
    auth: tuple[str, ...] = ()
    allow_unknown_checks: bool = False  # check ids the shipped Prowler check list lacks (a newer Prowler's)


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
    """The checks of every entry not yet closed, or of every mapped practice (every provider's, by id)."""
    by_provider = needed_checks_by_provider(poam, mapping, all_practices)
    return tuple(sorted({c for checks in by_provider.values() for c in checks}))


def needed_checks_by_provider(
    poam: Poam, mapping: CheckMapping, all_practices: bool
) -> dict[str, tuple[str, ...]]:
    """Per provider in scope, the checks its Prowler run needs; an ambiguous entry check is an input error."""
    if all_practices:
        return {p: tuple(sorted(mapping.all_checks(p))) for p in poam.providers}
    wanted: dict[str, set[str]] = {p: set() for p in poam.providers}
    for entry in poam.entries:
        if entry.status is not EntryStatus.CLOSED:
            for ref in resolve_checks(entry, poam_entry_scope(poam, entry), mapping):
                wanted[ref.provider].add(ref.check_id)
    return {p: tuple(sorted(checks)) for p, checks in wanted.items()}


def scan_targets(
    poam: Poam, profiles: Sequence[str], role_arns: Sequence[str], role_name: str | None
) -> tuple[Target, ...]:
    """AWS: roles given on the command line, else profiles, else each scope target's role per account, else
    ambient credentials. ``role_name`` stands in for targets that name none."""
    aws = [t for t in poam.targets if _by_role(t.provider)]
    if role_arns:
        targets = tuple(_role_target(arn, aws) for arn in role_arns)
    elif profiles:
        targets = tuple(Target(f"profile-{p}", None, ("-p", p), _ROLE_PROVIDER) for p in profiles)
    elif any(t.role_name for t in aws) or role_name:
        targets = tuple(_assumed(t, a, t.role_name or role_name) for t in aws for a in t.accounts)
    else:
        targets = (Target("default", None, (), _ROLE_PROVIDER),)
    _require_distinct(targets)
    return targets


def provider_targets(poam: Poam, auth: dict[str, AuthChoice]) -> tuple[Target, ...]:
    """One Prowler run per Azure, Microsoft 365 or GCP scope target, with its own flags and credentials."""
    targets = tuple(
        Target(
            f"{t.provider}-{t.accounts[0]}",
            None,
            target_argv(t, auth.get(t.provider)),
            t.provider,
            (),
        )
        for t in poam.targets
        if not _by_role(t.provider)
    )
    _require_distinct(targets)
    return targets


def _require_distinct(targets: Sequence[Target]) -> None:
    labels = [t.label for t in targets]
    twice = sorted({label for label in labels if labels.count(label) > 1})
    if twice:
        # Each target's output directory is named by its label: two runs would write into one.
        raise UsageError(f"the same target is given twice: {', '.join(twice)}")


def _assumed(target: ScopeTarget, account: str, role_name: str | None) -> Target:
    if not role_name:
        raise UsageError(
            f"scope target {', '.join(target.accounts)} names no role_name while another does; "
            "give every AWS target a role_name, or use --role-arn"
        )
    if not target.partition:
        raise UsageError(
            f"scope regions {', '.join(target.regions)} span AWS partitions, so no role ARN can be built from "
            "role_name; give each partition its own scope target (poam migrate), or use --role-arn"
        )
    # The partition is the scope's (us-gov-* regions: aws-us-gov), never assumed to be commercial.
    return _role_target(f"arn:{target.partition}:iam::{account}:role/{role_name}", (target,))


def _role_target(arn: str, scope: Sequence[ScopeTarget] = ()) -> Target:
    match = _ROLE_ARN.match(arn)
    if not match:
        raise UsageError(f"--role-arn {arn!r} is not an IAM role ARN (arn:aws:iam::<12 digits>:role/<name>)")
    account = match.group(1)
    # The regions of the scope target holding the account; an account outside the scope gets the scan's.
    regions = next((t.regions for t in scope if account in t.accounts and t.regions), None)
    return Target(account, account, ("-R", arn), _ROLE_PROVIDER, regions)


def run_scan(
    options: ScanOptions, progress: ScanProgress | None = None, clock: Clock = _utc_now
) -> ScanReport:
    """Scan every target (of this shard); raises only when Prowler is missing or every target failed."""
    loaded = load_poam(options.poam)
    mapping = load_mapping(options.mapping)
    if not options.allow_unknown_checks:  # before Prowler runs: it would fail on the id minutes later
        refuse_unknown_checks(loaded.poam, default_known_checks(), options.poam)
    # verify would refuse the POA&M after the scan; say it before Prowler runs.
    require_checks_evidence_objectives(loaded.poam, mapping, options.poam)
    auth = parse_auth(options.auth)
    by_provider = needed_checks_by_provider(loaded.poam, mapping, options.all_practices)
    checks = tuple(sorted({c for provider_checks in by_provider.values() for c in provider_checks}))
    if not checks:
        raise UsageError("no checks to run: every open entry relies on attestation (or --all-practices)")
    prowler = find_prowler(options.prowler_bin)
    poam, listing = organization_scope(loaded.poam, options, clock, progress)
    aws = (
        scan_targets(poam, options.profiles, options.role_arns, None)
        if any(by_provider.get(p) for p in by_provider if _by_role(p))
        else ()
    )
    every = (*aws, *(t for t in provider_targets(poam, auth) if by_provider[t.provider]))
    targets = shard_targets(every, options.shard)
    regions = tuple(dict.fromkeys(r for t in poam.targets if _by_role(t.provider) for r in t.regions))
    started = time.monotonic()
    if not targets:
        return ScanReport(checks, regions, (), 0.0)  # a shard with nothing to do (more shards than targets)
    recorder = ManifestRecorder(prowler, listing, options.shard, clock)

    def scan(target: Target) -> TargetResult:
        own_regions = regions if target.regions is None else target.regions
        own_checks = by_provider[target.provider]
        argv = prowler_argv(prowler, target, own_checks, own_regions, _partial_dir(options.out, target))
        return recorder.scan(
            target,
            own_checks,
            own_regions,
            tuple(argv[1:]),
            lambda: _run_target(argv, target, options.out, progress, len(own_checks), own_regions),
        )

    with ThreadPoolExecutor(max_workers=min(options.parallel, len(targets))) as pool:
        # map keeps the targets' order; each Prowler is its own process, so threads only wait on them.
        results = tuple(pool.map(scan, targets))
    if all(r.error for r in results):
        raise EnvError(
            "every Prowler run failed: " + "; ".join(f"{r.target.label}: {r.error}" for r in results)
        )
    return ScanReport(checks, regions, results, time.monotonic() - started)


# --- organizations, shards and scan manifests --------------------------------------------------------


def organization_scope(
    poam: Poam, options: ScanOptions, clock: Clock, progress: ScanProgress | None
) -> tuple[Poam, OrganizationListing | None]:
    """The POA&M with its organization's ACTIVE accounts listed now, and the listing (None: no organization).

    Explicit --role-arn / --profile targets replace the scope's accounts, so nothing is listed then.
    """
    target = next((t for t in poam.targets if t.organization is not None), None)
    if target is None or target.organization is None or options.role_arns or options.profiles:
        return poam, None
    if not target.role_name:
        raise UsageError(
            "an organization scope needs scope.role_name: the role assumed in each member account"
        )
    listing = list_organization(target.organization, clock)
    if progress:
        progress(f"organization: {len(listing.accounts)} ACTIVE account(s) listed ({listing.method})")
    resolved = dataclasses.replace(
        poam, targets=tuple(resolve_target_organization(t, listing.accounts) for t in poam.targets)
    )
    return resolved, listing


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
        listing: OrganizationListing | None,
        shard: Shard | None,
        clock: Clock,
    ) -> None:
        self._version = prowler.package_version()
        self._listing, self._shard, self._clock = listing, shard, clock

    def scan(
        self,
        target: Target,
        checks: Sequence[str],
        regions: Sequence[str],
        prowler_args: tuple[str, ...],
        run: Callable[[], TargetResult],
    ) -> TargetResult:
        """Run the target's scan and write its manifest, recording ``prowler_args`` (what proves it complete)."""
        started = self._clock()
        result = run()
        manifest = ScanManifest(
            location="",
            directory="",
            provider=target.provider,
            account=target.account,
            regions=tuple(regions),
            checks=tuple(checks),
            prowler_version=self._version,
            exit_status=result.exit_status,
            succeeded=result.error is None,
            started=started,
            ended=self._clock(),
            target=target.label,
            error=result.error,
            shard=str(self._shard) if self._shard else None,
            organization=self._listing if _by_role(target.provider) else None,
            prowler_args=prowler_args,
            outputs=_output_digests(result.output_dir) if result.error is None else None,
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


def _output_digests(directory: Path) -> tuple[tuple[str, str], ...]:
    """(path under ``directory``, sha256) of every file the scan wrote: what its manifest vouches for."""
    digests = []
    for path in sorted(p for p in directory.rglob("*") if p.is_file() and p.name != MANIFEST_NAME):
        try:
            with path.open("rb") as handle:
                digest = hashlib.file_digest(handle, "sha256").hexdigest()
        except OSError as exc:
            raise EnvError(
                f"cannot read {path} to record it in the scan manifest: {exc.strerror or exc}"
            ) from exc
        digests.append((path.relative_to(directory).as_posix(), digest))
    return tuple(digests)


def prowler_argv(
    prowler: ProwlerInstall, target: Target, checks: Sequence[str], regions: Sequence[str], out_dir: Path
) -> list[str]:
    """The Prowler command line for one target."""
    argv = [str(prowler.binary), target.provider, *target.credential_args]
    if regions:
        argv += ["-f", *regions]
    argv += ["--checks", *checks, "-M", "json-ocsf", "csv", "-o", str(out_dir)]
    return [*argv, "--output-filename", f"prowler-output-{target.label}", "--no-banner"]


def _partial_dir(out: Path, target: Target) -> Path:
    """Where Prowler writes one target's scan before it replaces the target's output directory."""
    return out / f".{target.label}.partial"


def _run_target(
    argv: list[str],
    target: Target,
    out: Path,
    progress: ScanProgress | None,
    check_count: int,
    regions: Sequence[str],
) -> TargetResult:
    out_dir = out / target.label
    if progress:
        progress(f"scanning {target.label}: {check_count} checks in {', '.join(regions) or 'all regions'}")
    started = time.monotonic()
    # Prowler writes into a fresh directory that replaces the target's old one only on success: a file
    # left from an earlier run (or a run that wrote nothing) must never pass as this scan's evidence.
    partial = _partial_dir(out, target)
    _remove_tree(partial)
    error, exit_status = _invoke(argv)
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
        return redact_secrets(str(exc)), None
    if done.returncode in PROWLER_OK:
        return None, done.returncode
    lines = [ln for ln in (done.stderr + done.stdout).splitlines() if ln.strip()]
    # Prowler's last line goes into the manifest and onto the console: a failing Prowler may echo a secret.
    last = redact_secrets(lines[-1]) if lines else "no output"
    return f"prowler exited {done.returncode}: {last}", done.returncode

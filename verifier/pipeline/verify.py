"""Orchestration: read inputs, evaluate, render every output in memory, then write them all.

The CLI builds a frozen options object and calls one function here; nothing in this module
prints. Gates are evaluated after the outputs are written, so a failing gate still leaves evidence.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import assert_never

from verifier import __version__
from verifier.choices import FailOn
from verifier.errors import EnvError, UsageError
from verifier.evaluate import (
    EvaluationSettings,
    FindingsIndex,
    evaluate,
    resolve_target_organization,
)
from verifier.inputs.attestations import (
    ATTESTATIONS_FILE,
    AttestationSet,
    attestation_statuses,
    load_attestations,
    read_artifact,
)
from verifier.inputs.findings import load_findings
from verifier.inputs.findings.excerpts import read_excerpts
from verifier.inputs.findings.manifest import listed_accounts
from verifier.inputs.findings.s3 import is_s3_url, parse_s3_url
from verifier.inputs.jsondoc import sha256_hex
from verifier.inputs.known_checks import default_known_checks
from verifier.inputs.ledger import line_digest, read_ledger
from verifier.inputs.mapping import load_mapping
from verifier.inputs.poam import LoadedPoam, load_poam, require_checks_evidence_objectives
from verifier.model import AttestationStatus, Entry, EntryResult, Finding, Verdict
from verifier.outputs import evidence, s3, signing, summary_md, verification_json
from verifier.outputs.ledger import ledger_lines
from verifier.outputs.poam_json import is_regression, updated_document
from verifier.outputs.run import RunContext, VerificationRun
from verifier.outputs.serialize import dumps
from verifier.outputs.transaction import (
    Domain,
    DomainOutputs,
    LedgerAppend,
    Staged,
    commit,
    file_domain,
    publish,
    recover,
    recover_ledger,
    recover_pending,
)
from verifier.outputs.writer import OutputPlan, exclusive_lock, final_path
from verifier.pipeline.keys import read_private_key
from verifier.pipeline.places import same_file
from verifier.rules.check_ids import refuse_unknown_checks
from verifier.rules.run_review import review_run
from verifier.rules.streak import Observation, histories
from verifier.scope import referenced_checks

ProgressCallback = Callable[[str, int, int], None]

HISTORY_FILE = "poam-history.jsonl"
# In the output folder: ``.poam-verify.lock`` and, while a run publishes, ``.poam-verify.journal``.
RUN_LOCK = ".poam-verify"
OUTPUT_FILES = ("verification.json", "summary.md", "evidence.zip")  # poam.json has a lock of its own


@dataclass(frozen=True, slots=True)
class VerifyOptions:
    """Everything ``poam verify`` needs, parsed."""

    poam: Path
    mapping: Path
    findings: tuple[Path | str, ...]  # a str or Path starting "s3:/" is an S3 location
    out: Path  # Path("s3://bucket/prefix/") (collapsed to "s3:/bucket/prefix") uploads to S3
    as_of: date
    max_scan_age_days: int = 7
    in_place: bool = False
    fail_on: tuple[FailOn, ...] = ()
    history: Path | None = None
    max_gap_days: int = 7
    sign_key: Path | None = None
    attestations: Path | None = None
    jobs: int | None = None  # worker processes reading findings; None: one per core for large inputs
    allow_unknown_checks: bool = False  # check ids the shipped Prowler check list lacks (a newer Prowler's)
    # Written into every output; the running verifier's, injected by golden tests so they hold at any commit.
    tool_version: str = __version__

    @property
    def history_path(self) -> Path:
        """``--history``, else ``poam-history.jsonl`` next to the POA&M."""
        return self.history or self.poam.parent / HISTORY_FILE

    @property
    def attestations_path(self) -> Path:
        """``--attestations``, else ``poam-attestations.json`` next to the POA&M."""
        return self.attestations or self.poam.parent / ATTESTATIONS_FILE


@dataclass(frozen=True, slots=True)
class VerifyOutcome:
    """What a run produced: the run itself, the paths written, and the gates it hit."""

    run: VerificationRun
    written: tuple[Path | str, ...]  # str: an s3:// URL
    gates_hit: tuple[str, ...]


def run_verify(
    options: VerifyOptions, clock: Callable[[], datetime], progress: ProgressCallback | None = None
) -> VerifyOutcome:
    """Verify every POA&M entry against the findings and write the outputs as one transaction.

    Locks: the output folder's and the updated POA&M's (in a fixed order), then the ledger's, held from
    reading its head until this run's lines are in (``outputs.transaction`` has the protocol).
    """
    if options.max_scan_age_days < 0:
        raise UsageError("--max-scan-age must be zero or more days")
    _refuse_writing_over_the_input(options)
    _refuse_a_ledger_among_the_outputs(options)
    # Read the key first: a bad key must fail before anything is written.
    key_pem = read_private_key(options.sign_key) if options.sign_key else None
    if not options.in_place:
        recover_pending(file_domain(options.poam))  # an interrupted --in-place run on this input ends first
    ledger = final_path(options.history_path)
    with contextlib.ExitStack() as held:
        for domain in _domains(options):
            _make_folder(domain.folder, held)
            held.enter_context(exclusive_lock(domain.lock))
            recover(domain)
        # The slow part (reading findings) before the ledger is locked: other POA&Ms' runs share it.
        judged = judge(options, clock, progress)
        _make_folder(ledger.parent, held)
        with exclusive_lock(ledger):
            recover_ledger(ledger)
            run = with_history(judged, options)
            plan = render_outputs(run, options, key_pem)
            staged, written = _commit(plan, run, options)
        publish(staged)
    return VerifyOutcome(run=run, written=written, gates_hit=gates_hit(run, options.fail_on))


def _refuse_writing_over_the_input(options: VerifyOptions) -> None:
    """``OUT/poam.json`` must not be the input POA&M (``--out .`` beside it): only ``--in-place`` rewrites it."""
    if options.in_place or is_s3_url(options.out):
        return
    if same_file(options.out / "poam.json", options.poam):
        raise UsageError(
            f"--out {options.out} would write the updated POA&M over the input {options.poam}: pass --in-place "
            "to update it there, or name another --out"
        )


def _refuse_a_ledger_among_the_outputs(options: VerifyOptions) -> None:
    """``--history`` must be a file of its own: as ``OUT/verification.json`` the ledger replaced the verdicts."""
    written = [_poam_target(options)]
    if not is_s3_url(options.out):
        written += [options.out / name for name in OUTPUT_FILES]
    ledger = options.history_path.resolve()
    if clash := next((path for path in written if path.resolve() == ledger), None):
        raise UsageError(
            f"--history {options.history_path}: this run writes its {clash.name} there; name a ledger file of its own"
        )


def output_domain(folder: Path) -> Domain:
    """The output folder verify writes: locked by ``.poam-verify.lock`` in it, so the input may be read-only."""
    return Domain(
        folder, folder / RUN_LOCK, folder / f"{RUN_LOCK}.journal", OUTPUT_FILES, (evidence.BUNDLE_DIR,)
    )


def _domains(options: VerifyOptions) -> list[Domain]:
    """The places this run writes besides the ledger, in one order for every run, so two never deadlock.

    The updated POA&M is a place of its own, locked as ``poam.json.lock`` wherever it is written, so a run
    whose ``--out`` holds the very POA&M another run rewrites ``--in-place`` waits for that run.
    """
    local_out = not is_s3_url(options.out)
    domains = [output_domain(options.out)] if local_out else []
    if options.in_place or local_out:
        domains.append(file_domain(_poam_target(options)))
    return sorted(domains, key=lambda d: str(d.lock.resolve()))  # one spelling of a path, one place


def _poam_target(options: VerifyOptions) -> Path:
    return final_path(options.poam) if options.in_place else final_path(options.out / "poam.json")


def _make_folder(folder: Path, held: contextlib.ExitStack) -> None:
    """Create ``folder`` for a lock; a run that then fails (bad input) removes it again if it is still empty."""
    if folder.is_dir():
        return
    try:
        folder.mkdir(parents=True)
    except OSError as exc:
        raise EnvError(f"cannot create {folder}: {exc.strerror or exc}") from exc
    held.callback(_remove_if_empty, folder)  # runs after the locks taken later are released


def _remove_if_empty(folder: Path) -> None:
    with contextlib.suppress(OSError):
        folder.rmdir()


def _commit(
    plan: OutputPlan, run: VerificationRun, options: VerifyOptions
) -> tuple[tuple[Staged, ...], tuple[Path | str, ...]]:
    """Upload what lies under an ``s3://`` ``--out``, then stage and commit the local outputs."""
    urls: list[str] = []
    if is_s3_url(options.out):
        remote, plan = s3.split_plan(plan, options.out)
        # Upload first: the local ledger records this run's zip, so it must not be appended if the upload fails.
        urls = s3.upload_bundle(parse_s3_url(options.out), remote)
    ledger_path = final_path(options.history_path)
    outputs = [_domain_outputs(domain, plan, options) for domain in _domains(options)]
    data = plan.files[options.history_path]
    added = data[len(run.history_data) :].splitlines()
    ledger = LedgerAppend(ledger_path, data, line_digest(added[-1]) if added else None)
    staged = commit([part for part in outputs if part.files or part.directories], ledger)
    written = tuple(p for p in plan.files if p != options.history_path) + tuple(plan.directories)
    return staged, (*urls, *written, options.history_path)


def _domain_outputs(domain: Domain, plan: OutputPlan, options: VerifyOptions) -> DomainOutputs:
    """The plan's outputs ``domain`` publishes: the updated POA&M its own, everything else the output folder's."""
    poam = _poam_target(options)
    if domain.lock == poam:
        return DomainOutputs(domain, {poam.name: plan.files[poam]} if poam in plan.files else {})
    files = {p.name: data for p, data in plan.files.items() if p not in (options.history_path, poam)}
    return DomainOutputs(domain, files, {p.name: f for p, f in plan.directories.items()})


def build_run(
    options: VerifyOptions, clock: Callable[[], datetime], progress: ProgressCallback | None
) -> VerificationRun:
    """Read and evaluate, the history ledger included; raises before anything is written if an input is bad."""
    return with_history(judge(options, clock, progress), options)


def with_history(run: VerificationRun, options: VerifyOptions) -> VerificationRun:
    """``run`` with the ledger's head and bytes and each entry's streak over the ledger and this run."""
    ledger = read_ledger(options.history_path)
    observations = [Observation(line.as_of, line.entry, line.verdict) for line in ledger.lines]
    observations += [Observation(options.as_of, r.entry_id, r.verdict) for r in run.results]
    streaks = histories(observations, options.as_of, options.max_gap_days)
    return dataclasses.replace(run, histories=streaks, history_head=ledger.head, history_data=ledger.data)


def judge(
    options: VerifyOptions, clock: Callable[[], datetime], progress: ProgressCallback | None
) -> VerificationRun:
    """Read the inputs but the ledger, and evaluate every entry; the run's history is still empty."""
    poam = load_poam(options.poam)
    mapping = load_mapping(options.mapping)
    if not options.allow_unknown_checks:
        refuse_unknown_checks(poam.poam, default_known_checks(), options.poam)
    require_checks_evidence_objectives(poam.poam, mapping, options.poam)
    # Only the findings of checks some entry is judged by are kept; the others are still read and
    # checked, and tallied (accounts and regions reached, versions, count) for the outputs.
    checks = referenced_checks(poam.poam.entries, mapping)
    findings = load_findings(options.findings, progress, options.jobs, checks)
    poam = with_listed_accounts(poam, listed_accounts(findings.manifests))
    settings = EvaluationSettings(as_of=options.as_of, max_scan_age_days=options.max_scan_age_days)
    # An explicit --attestations must exist; the default beside the POA&M is optional.
    attested = load_attestations(options.attestations_path, required=options.attestations is not None)
    artifacts = _current_artifacts(attested, options.attestations_path.parent)
    statuses = _statuses(poam.poam.entries, attested, artifacts, options.as_of)
    index = FindingsIndex(
        findings.findings, findings.superseded, findings.source_errors, findings.others.account_regions
    )
    results = evaluate(poam.poam, mapping, index, settings, attestations=statuses)
    context = RunContext(
        tool_version=options.tool_version,
        verified_at=clock(),
        as_of=options.as_of,
        max_scan_age_days=options.max_scan_age_days,
    )
    assessment = review_run(poam.poam, mapping, results, options.as_of)
    return VerificationRun(
        context,
        poam,
        mapping,
        findings,
        results,
        assessment,
        attestations=attested,
        attested_artifacts=_intact_artifacts(attested, artifacts),
        excerpts=read_excerpts(_quoted(results), findings.files),
    )


def _quoted(results: Sequence[EntryResult]) -> Iterator[Finding]:
    """Every finding some entry's evidence quotes in Prowler's own JSON (read again from its source)."""
    for result in results:
        yield from evidence.excerpted_findings(result)


def with_listed_accounts(poam: LoadedPoam, listed: Sequence[str] | None) -> LoadedPoam:
    """The POA&M with an organization scope's accounts as the scans listed them (the document untouched)."""
    targets = tuple(resolve_target_organization(t, listed) for t in poam.poam.targets)
    return dataclasses.replace(poam, poam=dataclasses.replace(poam.poam, targets=targets))


def _current_artifacts(attested: AttestationSet, base_dir: Path) -> dict[str, bytes | None]:
    """Each recorded artifact path's bytes now (None: missing), read once however often it is cited."""
    paths = {a.path for record in attested.records for a in record.artifacts}
    return {path: read_artifact(base_dir / path) for path in sorted(paths)}


def _statuses(
    entries: Sequence[Entry], attested: AttestationSet, artifacts: Mapping[str, bytes | None], as_of: date
) -> dict[str, tuple[AttestationStatus, ...]]:
    return attestation_statuses(entries, attested.records, as_of, lambda artifact: artifacts[artifact.path])


def _intact_artifacts(attested: AttestationSet, artifacts: Mapping[str, bytes | None]) -> dict[str, bytes]:
    """Bundle name → bytes of every artifact that still hashes as recorded."""
    intact: dict[str, bytes] = {}
    for artifact in (a for record in attested.records for a in record.artifacts):
        data = artifacts[artifact.path]
        if data is not None and sha256_hex(data) == artifact.sha256:
            intact[artifact.bundle_name] = data
    return intact


def render_outputs(run: VerificationRun, options: VerifyOptions, key_pem: bytes | None = None) -> OutputPlan:
    """Every output as bytes, in the order their digests depend on each other."""
    entry_files = evidence.entry_files(run)
    updated = dumps(updated_document(run.poam.document, run.results, run.context, entry_files.refs))
    verification = verification_json.render(run)
    bundle = evidence.bundle_files(run, entry_files, updated, verification)
    if key_pem is not None:
        bundle = signing.with_signature(bundle, signing.closure_predicate(run), key_pem)
    poam_target = _poam_target(options)
    zipped = evidence.zip_bundle(bundle, run)
    appended, _ = ledger_lines(run, run.history_head, sha256_hex(zipped))
    files = {
        options.out / "verification.json": verification,
        options.out / "summary.md": summary_md.render(run),
        options.out / "evidence.zip": zipped,
        poam_target: updated,
        options.history_path: run.history_data + appended,
    }
    return OutputPlan(files=files, directories={options.out / evidence.BUNDLE_DIR: bundle})


def gates_hit(run: VerificationRun, fail_on: Sequence[FailOn]) -> tuple[str, ...]:
    """A description of every ``--fail-on`` gate the run hit (empty: none)."""
    return tuple(message for gate in fail_on if (message := _gate_message(run, gate)))


def _gate_message(run: VerificationRun, gate: FailOn) -> str:
    if gate is FailOn.NOT_MET:
        ids = [r.entry_id for r in run.results if r.verdict is Verdict.NOT_MET]
    elif gate is FailOn.NOT_VERIFIED:
        ids = [r.entry_id for r in run.results if r.verdict is Verdict.NOT_VERIFIED]
    elif gate is FailOn.REGRESSION:
        statuses = {e.id: e.status for e in run.poam.poam.entries}
        ids = [r.entry_id for r in run.results if is_regression(statuses[r.entry_id], r.verdict)]
    elif gate is FailOn.LINT_ERROR:
        ids = sorted({p.entry or "POA&M" for p in run.review.lint_errors})
    elif gate is FailOn.INELIGIBLE:
        ids = sorted({b.entry or "POA&M" for b in run.review.score.blockers})
        if not run.review.score.conditional_eligible and not ids:
            ids = ["POA&M"]
    else:
        assert_never(gate)
    return f"--fail-on {gate.value}: {', '.join(ids)}" if ids else ""

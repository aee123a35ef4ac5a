"""``poam closeout``: the package an organisation hands over on closeout day, built from one verify evaluation.

The evaluation is verify's own (``build_run``, ``render_outputs``): the evidence bundle, the updated POA&M and
the reports are the bytes ``poam verify`` writes for the same inputs (its history ledger is read, never
appended to: a closeout is a hand-over, not a verify run). Around them the package holds the affirmation,
its manifest and the DoD Hashing Guide's two logs over every file written before them; then the files that
quote the Hash Value (the summary and the workbook), and ``HashedArtifacts.zip`` (the hashed files and both
logs) for the six years of retention.

A closeout is finalised once, and asking for it while a POA&M item is open ends Conditional status: without
``--draft`` any POA&M item not MET (an objective without a result counts as NOT_VERIFIED), a missing
affirmation, or a window that is over or never began refuses the run: exit 1, and the only file written is
the report ``<out>-blocked.md`` beside the package folder. With ``--draft`` the package is written and every
summary file says DRAFT. The package folder is staged whole and swapped in, so a failed run leaves the old
one (or none) and the inputs are never written.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from verifier.errors import EnvError, UsageError
from verifier.inputs.attestations import Attestation
from verifier.inputs.findings.s3 import is_s3_url
from verifier.outputs import evidence, html_report
from verifier.outputs.closeout_report import (
    MANIFEST_FILE,
    SUMMARY_HTML,
    SUMMARY_MD,
    Affirmed,
    CloseoutFacts,
    render_blocked,
    render_html,
    render_manifest,
    render_markdown,
    retain_until,
)
from verifier.outputs.closeout_results import CloseoutResults, closeout_results
from verifier.outputs.hashing_log import (
    ARTIFACTS_LOG,
    HASHED_ARTIFACTS_ZIP,
    LOG_HASH_LOG,
    render_log,
    sha256_upper,
)
from verifier.outputs.results_workbook import WORKBOOK_FILE
from verifier.outputs.results_workbook import render as render_workbook
from verifier.outputs.run import VerificationRun
from verifier.outputs.serialize import dumps
from verifier.outputs.writer import discard, exclusive_lock, replace_directory, write_atomic
from verifier.pipeline.closeout_affirm import closeout_affirmation
from verifier.pipeline.keys import read_private_key
from verifier.pipeline.verify import ProgressCallback, VerifyOptions, build_run, render_outputs
from verifier.rules.score import sprs_score
from verifier.rules.timeline import closeout_deadline, window_day

AFFIRMATION_FILE = "affirmation.json"
VERIFY_REPORTS = ("poam.json", "verification.json", "summary.md", "evidence.zip")
REPORT_HTML = "report.html"
# Written after the logs because they quote the Hash Value; with the logs and the zip, never hashed.
AFTER_THE_LOGS = (SUMMARY_MD, SUMMARY_HTML, WORKBOOK_FILE)
NOT_HASHED = frozenset({ARTIFACTS_LOG, LOG_HASH_LOG, HASHED_ARTIFACTS_ZIP, *AFTER_THE_LOGS})
ASSESSMENT_KINDS = ("self", "c3pao")
SHOWN_REFUSALS = 3  # in the one-line error; the report lists every one


@dataclass(frozen=True, slots=True)
class CloseoutOptions:
    """``poam closeout``'s options: verify's (its ``out`` is the package folder) and the closeout's own."""

    verify: VerifyOptions
    assessment: str | None = None  # "self" or "c3pao"; None: the POA&M's assessment type
    draft: bool = False

    @property
    def out(self) -> Path:
        return self.verify.out

    @property
    def blocked_report(self) -> Path:
        """Where a refused closeout's report goes: beside the package folder, which stays untouched."""
        return self.out.parent / f"{self.out.name}-blocked.md"


@dataclass(frozen=True, slots=True)
class CloseoutOutcome:
    """What a closeout produced: the package (empty when refused), its Hash Value, or why it was refused."""

    facts: CloseoutFacts
    results: CloseoutResults
    hash_value: str
    files: tuple[str, ...]
    refused: tuple[str, ...]
    report: Path | None = None

    @property
    def message(self) -> str:
        """The refusal in one line: "finalising now would end Conditional status: POAM-003 is NOT_MET (…)"
        while an item is open, else "closeout refused: " and what is missing."""
        shown = "; ".join(self.refused[:SHOWN_REFUSALS])
        more = len(self.refused) - SHOWN_REFUSALS
        lead = (
            "finalising now would end Conditional status" if self.results.still_open else "closeout refused"
        )
        return f"{lead}: {shown}" + (f"; and {more} more" if more > 0 else "")


def run_closeout(
    options: CloseoutOptions, clock: Callable[[], datetime], progress: ProgressCallback | None = None
) -> CloseoutOutcome:
    """Evaluate as verify does, then write the package (or, refused, only the report)."""
    _check_places(options)
    key_pem = read_private_key(options.verify.sign_key) if options.verify.sign_key else None
    run = build_run(options.verify, clock, progress)
    return write_closeout(run, options, key_pem)


def write_closeout(
    run: VerificationRun, options: CloseoutOptions, key_pem: bytes | None = None
) -> CloseoutOutcome:
    """Render the package from an evaluated run and write it, or refuse and write only the report."""
    refs = {entry_id: ref.path for entry_id, ref in evidence.entry_files(run).refs.items()}
    poam = run.poam.poam
    results = closeout_results(poam.entries, run.results, refs, poam.assessment.assessment_date.isoformat())
    affirmation = closeout_affirmation(
        run.attestations.records, poam.assessment.conditional_status_date, run.context.as_of
    )
    facts = closeout_facts(run, options, results, affirmation)
    refused = refusals(results, facts)
    _make_parent(options.out)
    with exclusive_lock(options.out):
        if refused and not options.draft:
            write_atomic(options.blocked_report, render_blocked(list(refused), facts))
            return CloseoutOutcome(facts, results, "", (), refused, options.blocked_report)
        files, hash_value = package_files(run, options, facts, results, key_pem)
        replace_directory(options.out, files)
        discard(options.blocked_report)  # an earlier refusal's report no longer holds
    return CloseoutOutcome(facts, results, hash_value, tuple(files), refused)


def closeout_facts(
    run: VerificationRun, options: CloseoutOptions, results: CloseoutResults, affirmation: Attestation | None
) -> CloseoutFacts:
    """The closeout's dates, scores and status; the score after counts only the POA&M items still open."""
    poam = run.poam.poam
    as_of = run.context.as_of
    items = [e.entry for e in results.poam_items]
    return CloseoutFacts(
        organization=poam.organization,
        system=poam.system,
        assessment=_assessment_kind(options.assessment or poam.assessment.type),
        assessment_date=poam.assessment.assessment_date,
        conditional_status_date=poam.assessment.conditional_status_date,
        as_of=as_of,
        day=window_day(poam.assessment, as_of),
        deadline=closeout_deadline(poam.assessment),
        score_before=sprs_score(items),
        score_after=sprs_score(e.entry for e in results.still_open),
        retain_until=retain_until(as_of),
        draft=options.draft,
        created=run.context.verified_at,
        tool_version=run.context.tool_version,
        affirmation=_affirmed(affirmation),
    )


def _assessment_kind(value: str) -> str:
    kind = value.strip().lower()
    if kind not in ASSESSMENT_KINDS:
        raise UsageError(f"--assessment must be self or c3pao (the POA&M says {value!r}); pass --assessment")
    return kind


def _affirmed(record: Attestation | None) -> Affirmed | None:
    if record is None:
        return None
    return Affirmed(record.by, record.role, record.attested_at.date(), record.statement)


def refusals(results: CloseoutResults, facts: CloseoutFacts) -> tuple[str, ...]:
    """Everything that stops a final closeout: open POA&M items first, then the window and the affirmation."""
    reasons = [reason for outcome in results.still_open for reason in outcome.open_reasons()]
    csd = facts.conditional_status_date
    if csd is None:
        reasons.append(
            "the POA&M has no assessment.conditional_status_date: there is no Conditional status to close out"
        )
    elif facts.as_of > facts.deadline:
        reasons.append(
            f"the 180-day window ended on {facts.deadline.isoformat()}: Conditional status has expired"
        )
    if facts.affirmation is None and csd is not None:
        reasons.append(
            f"no affirmation dated after the conditional status date {csd.isoformat()} and on or before "
            f"{facts.as_of.isoformat()} (record one: poam affirm --by NAME --title TITLE)"
        )
    return tuple(reasons)


def package_files(
    run: VerificationRun,
    options: CloseoutOptions,
    facts: CloseoutFacts,
    results: CloseoutResults,
    key_pem: bytes | None,
) -> tuple[dict[str, bytes], str]:
    """Every file of the package by relative path, and the Hash Value."""
    plan = render_outputs(run, options.verify, key_pem)
    hashed: dict[str, bytes] = {name: plan.files[options.out / name] for name in VERIFY_REPORTS}
    hashed[REPORT_HTML] = html_report.render_html(run)
    bundle = plan.directories[options.out / evidence.BUNDLE_DIR]
    hashed.update({f"{evidence.BUNDLE_DIR}/{name}": data for name, data in bundle.items()})
    if facts.affirmation is not None:
        hashed[AFFIRMATION_FILE] = _affirmation_json(facts.affirmation)
    hashed[MANIFEST_FILE] = render_manifest(facts, results)
    artifacts_log = render_log(hashed)
    logs = {ARTIFACTS_LOG: artifacts_log, LOG_HASH_LOG: render_log({ARTIFACTS_LOG: artifacts_log})}
    hash_value = sha256_upper(artifacts_log)
    after = {
        SUMMARY_MD: render_markdown(facts, results, hash_value),
        SUMMARY_HTML: render_html(facts, results, hash_value),
        WORKBOOK_FILE: render_workbook(facts, results, hash_value),
    }
    retained = hashed | logs
    return retained | after | {HASHED_ARTIFACTS_ZIP: _zip(retained, facts.created)}, hash_value


def _affirmation_json(affirmed: Affirmed) -> bytes:
    """The affirmation the closeout rests on (32 CFR 170.22): who, their title, the date and the statement."""
    return dumps(
        {
            "by": affirmed.by,
            "title": affirmed.title,
            "date": affirmed.on.isoformat(),
            "statement": affirmed.statement,
        }
    )


def _zip(files: Mapping[str, bytes], moment: datetime) -> bytes:
    """The retention copy: the hashed files and both logs, in path order, stamped with the closeout's time."""
    stamp = (max(moment.year, 1980), moment.month, moment.day, moment.hour, moment.minute, moment.second)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name])
    return buffer.getvalue()


def _make_parent(out: Path) -> None:
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise EnvError(f"cannot create {out.parent}: {exc.strerror or exc}") from exc


def _check_places(options: CloseoutOptions) -> None:
    """The package folder is replaced whole: it must be new, empty or an earlier package, and hold no input."""
    out = options.out
    if is_s3_url(out):
        raise UsageError("poam closeout writes a local folder; copy it to S3 afterwards")
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} is a file; name a folder for the closeout package")
    if out.is_dir() and any(out.iterdir()) and not (out / MANIFEST_FILE).is_file():
        raise UsageError(
            f"--out {out} holds files but no {MANIFEST_FILE}: the package folder is replaced whole, so name a "
            "new or empty folder (or an earlier closeout package)"
        )
    verify = options.verify
    inputs = [verify.poam, verify.attestations_path, *(f for f in verify.findings if isinstance(f, Path))]
    for path in inputs:
        if path.resolve().is_relative_to(out.resolve()):
            raise UsageError(f"{path} is inside --out {out}, which the package replaces; move it out first")

"""The closure-evidence bundle: per-entry deciding findings, the updated POA&M, a manifest and SHA256SUMS.

An assessor traces entry → check → finding → source file: each entry file lists the exact findings
that decided its verdict with the digest of the file they came from, and the manifest pins every input.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath
from typing import Any

from verifier.inputs.bundle_format import (
    ATTESTATIONS_FILE,
    ENTRIES_DIR,
    EXCERPTS_DIR,
    EXCERPTS_INDEX,
    FORMAT_VERSION,
    MANIFEST_FILE,
    POAM_FILE,
    SUMS_FILE,
    VERIFICATION_FILE,
)
from verifier.inputs.bundle_format import (
    BUNDLE_DIR as BUNDLE_DIR,  # where the pipeline puts the bundle
)
from verifier.inputs.bundle_format import (
    EXCERPTS_PER_ENTRY as EXCERPTS_PER_ENTRY,  # the limit excerpted_findings applies
)
from verifier.inputs.bundle_names import safe_stem
from verifier.inputs.findings.excerpts import Excerpt
from verifier.inputs.jsondoc import sha256_hex
from verifier.model import (
    EntryResult,
    Finding,
    ObjectiveResult,
    ScanCoverage,
    Status,
    Superseded,
    Supersession,
)
from verifier.outputs.objectives import finding_positions, objective_text
from verifier.outputs.paths import recorded_path
from verifier.outputs.poam_json import EvidenceRef
from verifier.outputs.reasons import reason_json, reasons_json, render, rendered
from verifier.outputs.run import VerificationRun, timestamp
from verifier.outputs.serialize import (
    dumps,
    dumps_findings,
    entry_scope_json,
    finding_from_json,
    finding_json,
    tally_json,
)
from verifier.outputs.verification_json import inputs_provenance, scope_accounts_json, source_errors_json
from verifier.scope import poam_entry_scope


@dataclass(frozen=True, slots=True)
class EntryFiles:
    """The per-entry evidence files (bundle-relative path → bytes) and the references the POA&M records."""

    files: dict[str, bytes]
    refs: dict[str, EvidenceRef]


def entry_files(run: VerificationRun) -> EntryFiles:
    """One JSON file per entry holding its verdict, reasons (words, and codes with parameters: what
    ``poam bundle verify`` reads), scope and deciding findings, and, where the entry was judged per
    800-171A objective, each objective's verdict with the checks, attestations and findings it rests on."""
    files: dict[str, bytes] = {}
    refs: dict[str, EvidenceRef] = {}
    entries = {e.id: e for e in run.poam.poam.entries}
    digests = {f.path: f.sha256 for f in run.findings.files}
    taken: set[str] = set()
    for result in run.results:
        name = _unique_name(result.entry_id, taken)
        poam = run.poam.poam
        scope = entry_scope_json(poam_entry_scope(poam, entries[result.entry_id]), run.poam.schema_version)
        data = dumps_findings(_entry_document(result, scope, digests))
        files[name] = data
        refs[result.entry_id] = EvidenceRef(path=f"{BUNDLE_DIR}/{name}", sha256=sha256_hex(data))
    return EntryFiles(files=files, refs=refs)


def _unique_name(entry_id: str, taken: set[str]) -> str:
    # Entry ids are user text; file names in the bundle must never escape it, collide or be too long.
    return _free_name(ENTRIES_DIR, safe_stem(entry_id, "entry"), ".json", taken)


def _free_name(prefix: str, stem: str, suffix: str, taken: set[str]) -> str:
    """``prefix stem suffix``, numbered ``stem-2``, ``stem-3`` … until no name in ``taken`` has it, then taken.

    Compared without case: POAM-1 and poam-1 are one file on macOS and Windows file systems.
    """
    name, n = f"{prefix}{stem}{suffix}", 1
    while name.lower() in taken:
        n += 1
        name = f"{prefix}{stem}-{n}{suffix}"
    taken.add(name.lower())
    return name


def _entry_document(result: EntryResult, scope: dict[str, Any], digests: Mapping[str, str]) -> dict[str, Any]:
    document = {
        "entry": result.entry_id,
        "practice_id": result.practice_id,
        "verdict": result.verdict.value,
        "reasons": list(rendered(result)),
        "reason_codes": reasons_json(result),
        "scope": scope,
        "checks": {check: tally_json(t) for check, t in result.checks.items()},
        "findings": [
            {**finding_json(f), "source_sha256": digests.get(f.source_file, "")} for f in result.evidence
        ],
    }
    if result.superseded:
        document["superseded"] = [_superseded_json(s, digests) for s in result.superseded]
    if result.objectives:
        document["objectives"] = [_objective_json(result, objective) for objective in result.objectives]
    return document


def _objective_json(result: EntryResult, objective: ObjectiveResult) -> dict[str, Any]:
    """One 800-171A objective of the entry: its verdict, what it rests on, and the findings of its checks
    (positions in the file's ``findings`` list: a finding uid may be empty, a position never is)."""
    return {
        "id": objective.objective_id,
        "text": objective_text(objective.objective_id),
        "verdict": objective.verdict.value,
        "basis": objective.basis.value,
        "checks": list(objective.checks),
        "attestations": list(objective.attestations),
        "reasons": [render(reason) for reason in objective.reasons],
        "reason_codes": [reason_json(reason) for reason in objective.reasons],
        "findings": finding_positions(result, objective),
    }


def _superseded_json(old: Superseded, digests: Mapping[str, str]) -> dict[str, Any]:
    """An older finding a newer covering scan set aside, how, and that scan (an UNPROVEN FAIL is a gap of the
    verdict, named in its reasons; the others are not part of it)."""
    return {
        **finding_json(old.finding),
        "source_sha256": digests.get(old.finding.source_file, ""),
        "resolved_by_removal": old.removed,
        "outcome": old.outcome.value,
        "superseded_by": {
            "source": old.by.source,
            "started": timestamp(old.by.started),
            "files": [recorded_path(path) for path in old.by.files],
            "complete": old.by.incomplete is None,
            "incomplete": old.by.incomplete,
        },
    }


def superseded_from_json(record: Any) -> Superseded:
    """The ``Superseded`` an entry file's ``superseded`` record holds: ``_superseded_json``'s inverse.

    A bundle from before outcomes were recorded names only removal. Fails closed as ``finding_from_json``
    does (``KeyError``, ``TypeError``, ``ValueError``) on a record this module would not have written.
    """
    by = record["superseded_by"]
    incomplete = by.get("incomplete")
    coverage = ScanCoverage(
        _text(by["source"]),
        datetime.fromisoformat(_text(by["started"])),
        tuple(_text(f) for f in by["files"]),
        None if incomplete is None else _text(incomplete),
    )
    removed = Supersession.REMOVED if record["resolved_by_removal"] is True else Supersession.RESCANNED
    outcome = Supersession(record["outcome"]) if "outcome" in record else removed
    return Superseded(finding_from_json(record), coverage, outcome)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected text, got {type(value).__name__}")
    return value


def bundle_files(
    run: VerificationRun, entries: EntryFiles, updated_poam: bytes, verification: bytes
) -> dict[str, bytes]:
    """Every file of the bundle, ``manifest.json`` and ``SHA256SUMS`` included, keyed by relative path."""
    files = dict(entries.files)
    files[POAM_FILE] = updated_poam
    files[VERIFICATION_FILE] = verification
    files.update(attestation_files(run))
    files.update(excerpt_files(run))
    files[MANIFEST_FILE] = dumps(_manifest(run, files))
    files[SUMS_FILE] = sha256sums(files)
    return dict(sorted(files.items()))


def excerpted_findings(result: EntryResult) -> list[Finding]:
    """The deciding findings of ``result`` whose exact Prowler JSON the bundle quotes.

    Its FAIL findings first (they make a NOT_MET and tell the owner what to fix), then the others, in
    evidence order, up to ``EXCERPTS_PER_ENTRY``; only findings read from a JSON array have a text to
    quote. Every deciding finding is listed in the entry file whatever this chooses.
    """
    failing: list[Finding] = []
    others: list[Finding] = []
    for finding in result.evidence:  # an organisation's entry has 100,000: stop once the FAILs fill it
        if finding.location is None:
            continue
        chosen = failing if finding.status is Status.FAIL else others
        if len(chosen) < EXCERPTS_PER_ENTRY:
            chosen.append(finding)
        if len(failing) == EXCERPTS_PER_ENTRY:
            break
    return [*failing, *others][:EXCERPTS_PER_ENTRY]


def excerpt_files(run: VerificationRun) -> dict[str, bytes]:
    """One file per source quoting its chosen elements exactly (a valid array in the source's own format),
    and ``prowler/index.json`` tracing each element to its source bytes and the entries it decides.

    Nothing is written when no finding is quoted, so bundles of CSV-only runs are as before.
    """
    excerpts = run.excerpts
    if not excerpts.texts and not excerpts.not_read:
        return {}
    quoted = _quoted_by(run.results)
    sources = {source.path: source for source in run.findings.files}
    files: dict[str, bytes] = {}
    taken: set[str] = set()
    listed: list[dict[str, Any]] = []
    for path, texts in excerpts.texts.items():
        source = sources[path]
        name = _unique_excerpt_name(path, source.format, taken)
        files[name] = b"[\n" + b",\n".join(excerpt.text for excerpt in texts.values()) + b"\n]\n"
        elements = [_element_json(*quoted[(path, *location)], excerpt) for location, excerpt in texts.items()]
        listed.append(
            {
                "path": recorded_path(path),
                "sha256": source.sha256,
                "format": source.format,
                "file": name,
                "elements": elements,
            }
        )
    index = {
        "excerpts_per_entry": EXCERPTS_PER_ENTRY,
        "sources": listed,
        "not_read_again": [
            {"path": recorded_path(path), "reason": why} for path, why in excerpts.not_read.items()
        ],
    }
    files[EXCERPTS_INDEX] = dumps(index)
    return files


def _quoted_by(results: Sequence[EntryResult]) -> dict[tuple[str, int, int, int], tuple[Finding, list[str]]]:
    """Each quoted element (source, location): its finding and the entries whose evidence quotes it."""
    quoted: dict[tuple[str, int, int, int], tuple[Finding, list[str]]] = {}
    for result in results:
        for finding in excerpted_findings(result):
            assert finding.location is not None  # noqa: S101 - chosen findings are located
            _, entries = quoted.setdefault((finding.source_file, *finding.location), (finding, []))
            if not entries or entries[-1] != result.entry_id:  # results come one entry at a time
                entries.append(result.entry_id)
    return quoted


def _element_json(finding: Finding, entries: list[str], excerpt: Excerpt) -> dict[str, Any]:
    return {
        "offset": excerpt.offset,
        "length": len(excerpt.text),
        "sha256": sha256_hex(excerpt.text),
        "check_id": finding.check_id,
        "finding_uid": finding.finding_uid,
        "status": finding.status.value,
        "entries": entries,
    }


def _unique_excerpt_name(path: str, format_name: str, taken: set[str]) -> str:
    stem = safe_stem(PurePath(path).name.split(".")[0], "findings")
    return _free_name(f"{EXCERPTS_DIR}/", stem, f".{format_name}.json", taken)


def attestation_files(run: VerificationRun) -> dict[str, bytes]:
    """The attestations file as read and every artifact that still backs it, content-addressed.

    A changed or missing artifact is left out: the bundle then re-derives that attestation as
    invalid, as the run did. Artifacts are the user's own files; no key or credential is ever added.
    """
    if not run.attestations.records:
        return {}
    return {ATTESTATIONS_FILE: run.attestations.data, **run.attested_artifacts}


def _manifest(run: VerificationRun, files: Mapping[str, bytes]) -> dict[str, Any]:
    return {
        "bundle_format": FORMAT_VERSION,
        "tool": {"name": "poam-verifier", "version": run.context.tool_version},
        "created": timestamp(run.context.verified_at),
        "as_of": run.context.as_of.isoformat(),
        "max_scan_age_days": run.context.max_scan_age_days,
        "prowler_versions": list(run.findings.prowler_versions),
        "accounts_seen": list(run.accounts_seen),
        "regions_seen": list(run.regions_seen),
        "account_regions_seen": list(run.account_regions_seen),
        "inputs": inputs_provenance(run),
        "history_head": run.history_head,
        **scope_accounts_json(run),
        **source_errors_json(run),
        **_skipped_json(run),
        "files": {name: sha256_hex(data) for name, data in sorted(files.items())},
    }


def _skipped_json(run: VerificationRun) -> dict[str, Any]:
    """Entries under a findings folder passed over as not regular files (a FIFO, a dangling link), if any."""
    if not run.findings.skipped:
        return {}
    return {"skipped": [{"path": s.path, "reason": s.reason} for s in run.findings.skipped]}


def sha256sums(files: Mapping[str, bytes]) -> bytes:
    """``sha256sum -c`` compatible listing of ``files``."""
    lines = [f"{sha256_hex(data)}  {name}\n" for name, data in sorted(files.items())]
    return "".join(lines).encode("utf-8")


def zip_bundle(files: Mapping[str, bytes], run: VerificationRun) -> bytes:
    """A deterministic zip of the bundle under ``evidence/`` (fixed timestamps, sorted members)."""
    moment = run.context.verified_at
    stamp = (max(moment.year, 1980), moment.month, moment.day, moment.hour, moment.minute, moment.second)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in sorted(files.items()):
            info = zipfile.ZipInfo(f"{BUNDLE_DIR}/{name}", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()

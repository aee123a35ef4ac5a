"""``poam bundle verify``: check an evidence bundle (directory or zip) end to end, failing closed.

In order: the zip is safe to read (no member escapes, no links, no bombs); every file matches
``SHA256SUMS`` and ``manifest.json`` with nothing unlisted; with a public key, the DSSE envelope
verifies and its subjects match every file; then each entry's verdict is re-derived from the
findings the bundle holds and must equal the recorded one; then every quoted Prowler element in
``prowler/`` is re-hashed against ``prowler/index.json`` and must hold the very finding its entry files
record, a quoted FAIL only ever deciding NOT_MET (``bundle_quotes``). Reading is
``inputs.bundle_reader``, the digests, manifest shape and signature ``bundle_integrity``; this module
orders the checks and re-evaluates.

What re-evaluation can and cannot show: the bundle holds each entry's deciding findings, not the
whole scan. Failures, missing checks, MANUAL or muted results and stale scans are re-derived
exactly. Scan coverage (which account/region pairs the scan reached) is taken from the manifest's
``account_regions_seen``, so a NOT_VERIFIED resting on an unscanned region (reason code
``region_not_scanned``) re-derives exactly too. Bundles written before that field existed only have
``accounts_seen`` × ``regions_seen``, a superset of the true pairs: there such a NOT_VERIFIED
re-derives as MET and is accepted, with a note, when no bundled finding shows that pair was scanned
(the pair is read from the reason's code and parameters, never from its words).
That only ever withholds MET; a recorded MET must re-derive as MET and no other verdict is ever
re-derived upward. Attestations are re-judged from the bundled
``attestations/attestations.json`` as of the manifest's ``as_of`` against the bundled artifacts
(``attestations/artifacts/<sha256>-<name>``); an artifact that had changed or gone missing at run time
is not bundled, so it re-judges as missing and the verdict as NOT_VERIFIED, as recorded. Without a signature all of this proves the bundle is
consistent, not that it is authentic: only ``--pubkey`` proves who produced it.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from verifier.errors import BundleInvalid as BundleInvalid  # raised here, caught by name by its callers
from verifier.errors import InputError, UsageError
from verifier.evaluate import EvaluationSettings, FindingsIndex, evaluate_entry
from verifier.inputs import bundle_reader
from verifier.inputs.attestations import Artifact, AttestationSet, attestation_statuses, parse_attestations
from verifier.inputs.bundle_format import (
    ATTESTATIONS_FILE,
    BUNDLE_DIR,
    ENTRIES_DIR,
    MANIFEST_FILE,
    POAM_FILE,
    VERIFICATION_FILE,
)
from verifier.inputs.bundle_reader import BundleLimits
from verifier.inputs.jsondoc import read_bytes, sha256_hex
from verifier.inputs.mapping import CheckMapping
from verifier.inputs.poam import LoadedPoam, entry_objectives, parse_poam
from verifier.model import (
    AttestationStatus,
    Entry,
    EntryResult,
    Reason,
    ReasonCode,
    SourceError,
    Verdict,
)
from verifier.outputs.evidence import superseded_from_json
from verifier.outputs.serialize import entry_scope_json, finding_from_json
from verifier.pipeline.bundle_integrity import (
    SignatureStatus as SignatureStatus,  # part of BundleReport
)
from verifier.pipeline.bundle_integrity import (
    check_digests,
    check_manifest_shape,
    check_predicate,
    check_signature,
    json_file,
    read_manifest,
    required_file,
)
from verifier.pipeline.bundle_quotes import EntryRecord, QuoteReport, check_quotes
from verifier.pipeline.verify import with_listed_accounts
from verifier.scope import QUALIFIER, poam_entry_scope

# Zip bomb guard: far above any real bundle (entry files hold only deciding findings), far below harm.
MAX_MEMBERS = 100_000
MAX_MEMBER_BYTES = 256 * 1024 * 1024
MAX_TOTAL_BYTES = 1024 * 1024 * 1024

EXACT_COVERAGE = "account_regions_seen"
# Checks are always explicit when re-evaluating, so the mapping is never consulted.
_NO_MAPPING = CheckMapping(practices={})


@dataclass(frozen=True, slots=True)
class BundleReport:
    """A bundle that passed every check: what was checked and what it holds."""

    path: Path
    files: int
    signature: SignatureStatus
    keyid: str
    verdicts: tuple[tuple[str, Verdict], ...]
    notes: tuple[str, ...] = ()
    as_of: str = ""
    created: str = ""
    quotes: QuoteReport = QuoteReport()

    def lines(self, now: datetime | None = None) -> list[str]:
        """Human-readable lines for the CLI to print; with ``now``, how old the bundle is."""
        counts = Counter(v for _, v in self.verdicts)
        tally = ", ".join(f"{v.value} {counts[v]}" for v in Verdict)
        signature = {
            SignatureStatus.VERIFIED: f"signature verified (key {self.keyid})",
            SignatureStatus.NOT_CHECKED: f"signature not checked, no --pubkey given: {UNSIGNED}",
            SignatureStatus.UNSIGNED: UNSIGNED,
        }[self.signature]
        return [
            f"{self.path}: {self.files} files match SHA256SUMS and manifest.json",
            signature,
            # A bundle stays valid forever: its dates are what shows an old one handed in again.
            f"bundle as of {self.as_of}, created {self.created}{_age(self.created, now)}",
            f"{len(self.verdicts)} entries re-evaluated, every verdict reproduced ({tally})",
            *self._quotes_lines(),
            *self.notes,
        ]

    def _quotes_lines(self) -> list[str]:
        quoted = self.quotes
        if not quoted.files and not quoted.not_read:
            return ["no Prowler JSON quoted (no prowler/index.json)"]
        lines = [
            f"{quoted.elements} quoted Prowler elements in {quoted.files} file(s) match prowler/index.json "
            f"and the entry files"
        ]
        # Findings from a source the run did not quote rest on the entry files alone: say which and why.
        reasons = Counter(reason for _, reason in quoted.not_read)
        for reason, count in reasons.items():
            first = next(path for path, why in quoted.not_read if why == reason)
            more = f" and {count - 1} more" if count > 1 else ""
            lines.append(
                f"note: not quoted, findings recorded in the entry files only: {first}{more} ({reason})"
            )
        return lines


UNSIGNED = "unsigned: integrity only, no authenticity"


def _age(created: str, now: datetime | None) -> str:
    moment = datetime.fromisoformat(created) if created else None
    if now is None or moment is None or moment.tzinfo is None:
        return ""
    days = (now - moment).days
    if days < 0:
        return " (in the future)"
    return f" ({days} day{'' if days == 1 else 's'} ago)"


def verify_bundle(path: Path, pubkey: Path | None) -> BundleReport:
    """Check the bundle at ``path`` (``out/evidence`` or ``out/evidence.zip``); raise ``BundleInvalid``."""
    files = read_bundle(path)
    check_digests(files)
    manifest = read_manifest(files)
    as_of, created = _dates(manifest)
    check_manifest_shape(manifest)
    statement, signature, signer = check_signature(files, pubkey)
    records, notes = reevaluate(files)
    verdicts = tuple((r.entry_id, r.verdict) for r in records)
    if statement is not None:
        check_predicate(statement, verdicts)
    quotes = check_quotes(files, {r.entry_id: r for r in records}, manifest)
    if quotes.problem:
        raise BundleInvalid(quotes.problem)
    # After the quotes: a forged entry verdict is named by the finding that decides it, first.
    problem = next((r.objectives_problem for r in records if r.objectives_problem), "")
    if problem:
        raise BundleInvalid(problem)
    return BundleReport(path, len(files), signature, signer, verdicts, notes, as_of, created, quotes)


def _dates(manifest: Mapping[str, Any]) -> tuple[str, str]:
    """The manifest's as_of (checked by re-evaluation) and creation time, which must be a timestamp."""
    created = manifest.get("created")
    try:
        datetime.fromisoformat(created if isinstance(created, str) else "")
    except ValueError as exc:
        raise BundleInvalid(f"{MANIFEST_FILE}: created is not a timestamp") from exc
    return str(manifest["as_of"]), str(created)


# --- reading -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LedgerClaim:
    """What a zipped bundle says the history ledger must hold: the head its run chained onto, then one
    line per entry carrying the zip's SHA-256 and the bundle's verdict."""

    history_head: str
    bundle_sha256: str
    verdicts: Mapping[str, Verdict]


def ledger_claim(path: Path) -> LedgerClaim:
    """Read a zipped bundle (digests checked) for what it says about the ledger."""
    if path.is_dir():
        raise UsageError(f"{path} is a directory: the ledger records the zip's digest, pass the evidence.zip")
    # One read: the bytes hashed are the bytes unpacked.
    data = read_bytes(path, "bundle")
    files = bundle_reader.read_zip(path, _limits(), data)
    check_digests(files)
    manifest = read_manifest(files)
    check_manifest_shape(manifest)
    head = manifest.get("history_head")
    if not isinstance(head, str) or not re.fullmatch(r"[0-9a-f]{64}", head):
        raise BundleInvalid(f"{MANIFEST_FILE}: history_head is not a SHA-256")
    return LedgerClaim(head, sha256_hex(data), {r.entry_id: r.verdict for r in _entry_records(files)})


def read_bundle(path: Path) -> dict[str, bytes]:
    """Every file of the bundle by relative POSIX path, read safely from a directory or a zip."""
    return bundle_reader.read_bundle(path, _limits())


def _limits() -> BundleLimits:
    # Read at each call, so the limits stay this module's settings (a test lowers one to build a small bomb).
    return BundleLimits(members=MAX_MEMBERS, member_bytes=MAX_MEMBER_BYTES, total_bytes=MAX_TOTAL_BYTES)


# --- re-evaluation -------------------------------------------------------------------------------


def reevaluate(files: Mapping[str, bytes]) -> tuple[tuple[EntryRecord, ...], tuple[str, ...]]:
    """Re-derive every entry's verdict from the bundled findings; returns the entries, every verdict
    reproduced, and any notes."""
    manifest = read_manifest(files)
    poam = with_listed_accounts(_poam(files), _listed_accounts(manifest))
    records = _entry_records(files)
    settings = _settings(manifest, poam)
    index = _coverage_index(records, manifest)
    scanned = FindingsIndex(f for r in records for f in r.findings).account_regions
    entries = {e.id: e for e in poam.poam.entries}
    _require_one_record_per_entry(records, entries)
    attestations = _attestation_statuses(files, entries.values(), settings.as_of)
    objectives = _recorded_objectives(files)
    notes: list[str] = []
    for record in records:
        entry = _entry_as_recorded(entries[record.entry_id], record, objectives.get(record.entry_id))
        _check_scope(record, entry, poam)
        result = evaluate_entry(
            entry,
            poam.poam.targets,
            _NO_MAPPING,
            index,
            settings,
            attestations=attestations,
        )
        note = _compare(record, result.verdict, scanned, exact=EXACT_COVERAGE in manifest)
        notes.extend([note] if note else [])
        problem = "" if note else _compare_objectives(record, result, objectives.get(record.entry_id))
        records[records.index(record)] = dataclasses.replace(record, objectives_problem=problem)
        _check_poam_result(poam, record, files[record.name])
    return tuple(records), tuple(notes)


def _listed_accounts(manifest: Mapping[str, Any]) -> list[str] | None:
    """The organization accounts the run verified over, as its manifest records them (None: not listed)."""
    recorded = manifest.get("scope_accounts")
    accounts = recorded.get("accounts") if isinstance(recorded, dict) else None
    if accounts is None:
        return None
    if not isinstance(accounts, list) or not all(isinstance(a, str) for a in accounts):
        raise BundleInvalid(f"{MANIFEST_FILE}: scope_accounts.accounts is not a list of account ids")
    return accounts


def _attestation_statuses(
    files: Mapping[str, bytes], entries: Iterable[Entry], as_of: date
) -> dict[str, tuple[AttestationStatus, ...]]:
    # Judged exactly as a run judges them, as of the manifest's as_of, against the bundled artifacts.
    attested = _bundled_attestations(files)

    def read(artifact: Artifact) -> bytes | None:
        return files.get(artifact.bundle_name)

    return attestation_statuses(entries, attested.records, as_of, read)


def _bundled_attestations(files: Mapping[str, bytes]) -> AttestationSet:
    if ATTESTATIONS_FILE not in files:
        return AttestationSet()
    try:
        return parse_attestations(files[ATTESTATIONS_FILE], ATTESTATIONS_FILE)
    except InputError as exc:
        raise BundleInvalid(exc.message) from exc


def _settings(manifest: Mapping[str, Any], poam: LoadedPoam) -> EvaluationSettings:
    try:
        as_of = date.fromisoformat(manifest["as_of"])
        max_age = manifest["max_scan_age_days"]
    except (KeyError, TypeError, ValueError) as exc:
        raise BundleInvalid(f"{MANIFEST_FILE}: no valid as_of / max_scan_age_days") from exc
    if not isinstance(max_age, int) or isinstance(max_age, bool) or max_age < 0:
        raise BundleInvalid(f"{MANIFEST_FILE}: max_scan_age_days is not a count of days")
    return EvaluationSettings(as_of=as_of, max_scan_age_days=max_age)


def _coverage_index(records: Iterable[EntryRecord], manifest: Mapping[str, Any]) -> FindingsIndex:
    # The bundled findings, with the scan's coverage widened to what the manifest says was seen: the
    # exact account/region pairs where recorded, else (older bundles) accounts × regions.
    records = list(records)
    superseded = (s for r in records for s in r.superseded)
    accounts = _seen(manifest, "accounts_seen")
    if EXACT_COVERAGE in manifest:
        pairs = {_pair(text) for text in _seen(manifest, EXACT_COVERAGE)}
    else:
        pairs = {(a, r) for a in accounts for r in _seen(manifest, "regions_seen")}
    findings = (f for r in records for f in r.findings)
    return FindingsIndex(
        findings, superseded, _source_errors(manifest), scanned=pairs, seen_accounts=accounts
    )


def _source_errors(manifest: Mapping[str, Any]) -> list[SourceError]:
    """The sources the run could not read, as its manifest records them: they withheld MET then, and do now."""
    recorded = manifest.get("unreadable_sources", [])
    try:
        return [
            SourceError(e["location"], e["reason"], tuple(e["accounts"]), tuple(e["regions"]))
            for e in recorded
        ]
    except (KeyError, TypeError) as exc:
        raise BundleInvalid(f"{MANIFEST_FILE}: unreadable_sources is malformed") from exc


def _pair(text: str) -> tuple[str, str]:
    account, slash, region = text.partition("/")
    if not slash or not account or not region:
        raise BundleInvalid(f"{MANIFEST_FILE}: {EXACT_COVERAGE} holds {text!r}, not account/region")
    return account, region


def _entry_as_recorded(
    entry: Entry, record: EntryRecord, objectives: tuple[RecordedObjective, ...] | None
) -> Entry:
    # Explicit checks on the entry must be the ones recorded: dropping a failing check from the
    # entry file would otherwise re-derive a MET. Mapped checks come from the mapping, pinned by
    # digest in the manifest but not bundled, so the recorded list stands for them, and which of
    # them judged which objective is what verification.json records.
    if entry.verification.checks is not None and not _same_checks(entry.verification.checks, record.checks):
        raise BundleInvalid(f"{record.name}: its checks differ from the entry's verification.checks")
    verification = dataclasses.replace(
        entry.verification,
        checks=record.checks,
        objective_checks=_objective_checks(entry, record, objectives),
    )
    return dataclasses.replace(entry, verification=verification)


@dataclass(frozen=True, slots=True)
class RecordedObjective:
    """One objective of an entry as the bundle's verification.json records it."""

    objective_id: str
    verdict: Verdict
    checks: tuple[str, ...]


def _objective_checks(
    entry: Entry, record: EntryRecord, objectives: tuple[RecordedObjective, ...] | None
) -> dict[str, tuple[str, ...]]:
    """Which recorded checks judge each of the entry's objectives.

    The recorded objectives must be exactly the entry's, and their checks exactly the entry file's: a
    check dropped from every objective would otherwise re-derive a MET. A bundle written before verdicts
    were per objective judged the practice as a whole: each objective is re-judged on all its checks.
    """
    own = entry_objectives(entry)
    if objectives is None:
        return dict.fromkeys(own, record.checks)
    if tuple(o.objective_id for o in objectives) != own:
        raise BundleInvalid(f"{record.name}: verification.json's objectives differ from the entry's")
    if {c for o in objectives for c in o.checks} != set(record.checks):
        raise BundleInvalid(f"{record.name}: verification.json's objective checks differ from its checks")
    return {o.objective_id: o.checks for o in objectives}


def _recorded_objectives(files: Mapping[str, bytes]) -> dict[str, tuple[RecordedObjective, ...]]:
    """Per entry, the objectives verification.json records (an entry of an older bundle has none)."""
    if VERIFICATION_FILE not in files:
        return {}
    document = json_file(files, VERIFICATION_FILE)
    recorded: dict[str, tuple[RecordedObjective, ...]] = {}
    try:
        for item in document["entries"]:
            if "objectives" in item:
                recorded[_string(item["id"])] = tuple(
                    RecordedObjective(
                        _string(o["id"]), Verdict(o["verdict"]), tuple(_string(c) for c in o["checks"])
                    )
                    for o in item["objectives"]
                )
    except (KeyError, TypeError, ValueError) as exc:
        raise BundleInvalid(f"{VERIFICATION_FILE}: not a valid record of objective verdicts ({exc})") from exc
    return recorded


def _compare_objectives(
    record: EntryRecord, result: EntryResult, objectives: tuple[RecordedObjective, ...] | None
) -> str:
    """Why an objective's recorded verdict is not the one re-derived (empty when every one is)."""
    for recorded, derived in zip(objectives or (), result.objectives, strict=False):
        if recorded.verdict is not derived.verdict:
            return (
                f"{record.name}: records {recorded.objective_id} {recorded.verdict.value} but its "
                f"findings re-evaluate to {derived.verdict.value}"
            )
    return ""


def _same_checks(written: tuple[str, ...], recorded: tuple[str, ...]) -> bool:
    # A POA&M spanning several providers records every check as provider:check_id; the entry may name
    # it bare. Qualified names must match exactly, bare ones by check id, in the same order.
    if written == recorded:
        return True
    qualified = [w for w in written if QUALIFIER in w]
    return _bare(written) == _bare(recorded) and all(w in recorded for w in qualified)


def _bare(checks: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(c.rpartition(QUALIFIER)[2] for c in checks))


def _check_scope(record: EntryRecord, entry: Entry, poam: LoadedPoam) -> None:
    # The verdict is re-derived over the POA&M's scope; the file must claim the same one.
    recorded = entry_scope_json(poam_entry_scope(poam.poam, entry), poam.schema_version)
    if record.scope != recorded:
        raise BundleInvalid(f"{record.name}: its scope differs from the entry's scope in {POAM_FILE}")


def _compare(record: EntryRecord, verdict: Verdict, scanned: frozenset[tuple[str, str]], exact: bool) -> str:
    if verdict is record.verdict:
        return ""
    if not exact and record.verdict is Verdict.NOT_VERIFIED and verdict is Verdict.MET:
        gaps = _unprovable_region_gaps(record, scanned)
        if gaps:
            return (
                f"note: {record.name}: NOT_VERIFIED rests on {'; '.join(gaps)} not being scanned, "
                "which the bundle cannot show (only deciding findings are bundled); accepted, as it withholds MET"
            )
    raise BundleInvalid(
        f"{record.name}: records {record.verdict.value} but its findings re-evaluate to {verdict.value}"
    )


def _unprovable_region_gaps(record: EntryRecord, scanned: frozenset[tuple[str, str]]) -> list[str]:
    gaps = []
    for reason in record.reasons:
        if reason.code is not ReasonCode.REGION_NOT_SCANNED:
            continue
        account, region = reason.params["account"], reason.params["region"]
        # A bundled finding from that pair would prove the region was scanned: then the claim is false.
        if (account, region) not in scanned:
            gaps.append(f"region {region} of account {account}")
    return gaps


def _check_poam_result(poam: LoadedPoam, record: EntryRecord, data: bytes) -> None:
    entry = next(raw for raw in poam.document["entries"] if raw["id"] == record.entry_id)
    result = _table(entry.get("result"))
    evidence = _table(result.get("evidence"))
    if result.get("verdict") != record.verdict.value:
        raise BundleInvalid(f"{POAM_FILE}: entry {record.entry_id}'s verdict differs from {record.name}")
    if evidence.get("path") != f"{BUNDLE_DIR}/{record.name}" or evidence.get("sha256") != sha256_hex(data):
        raise BundleInvalid(
            f"{POAM_FILE}: entry {record.entry_id}'s evidence reference does not match {record.name}"
        )


def _require_one_record_per_entry(records: Iterable[EntryRecord], entries: Mapping[str, Entry]) -> None:
    seen: dict[str, str] = {}
    for record in records:
        if record.entry_id not in entries:
            raise BundleInvalid(f"{record.name}: entry {record.entry_id!r} is not in the bundled {POAM_FILE}")
        if record.entry_id in seen:
            raise BundleInvalid(f"{record.name}: entry {record.entry_id} already has {seen[record.entry_id]}")
        seen[record.entry_id] = record.name
    missing = [entry_id for entry_id in entries if entry_id not in seen]
    if missing:
        raise BundleInvalid(f"{ENTRIES_DIR}: no evidence file for POA&M entry {missing[0]}")


def _poam(files: Mapping[str, bytes]) -> LoadedPoam:
    try:
        return parse_poam(required_file(files, POAM_FILE), POAM_FILE)
    except InputError as exc:
        raise BundleInvalid(exc.message) from exc


def _entry_records(files: Mapping[str, bytes]) -> list[EntryRecord]:
    return [_entry_record(name, files) for name in sorted(files) if name.startswith(ENTRIES_DIR)]


def _entry_record(name: str, files: Mapping[str, bytes]) -> EntryRecord:
    document = json_file(files, name)
    try:
        return EntryRecord(
            name=name,
            entry_id=_string(document["entry"]),
            verdict=Verdict(document["verdict"]),
            reasons=_recorded_reasons(document),
            checks=tuple(_string(c) for c in document["checks"]),
            scope=document["scope"],
            findings=tuple(finding_from_json(record) for record in document["findings"]),
            source_digests=tuple(_string(record.get("source_sha256", "")) for record in document["findings"]),
            superseded=tuple(superseded_from_json(record) for record in document.get("superseded", [])),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise BundleInvalid(f"{name}: not a valid entry evidence file ({exc})") from exc


def _recorded_reasons(document: Mapping[str, Any]) -> tuple[Reason, ...]:
    """The entry file's reasons as codes with parameters; raises ``ValueError``/``TypeError``/``KeyError``."""
    if "reason_codes" not in document:
        return legacy_reason_codes(_string(r) for r in document["reasons"])
    # The words beside them are rendering, for people: only the codes and parameters are read.
    recorded = document["reason_codes"]
    if not isinstance(recorded, list):
        raise TypeError("reason_codes is not a list")
    return tuple(_reason(r) for r in recorded)


def _reason(record: Any) -> Reason:
    code, params = ReasonCode(_string(record["code"])), record["params"]
    if not isinstance(params, dict):
        raise TypeError("reason params are not an object")
    # The one code re-evaluation reads: its pair is printed in a note, so it must be one printable word each.
    if code is ReasonCode.REGION_NOT_SCANNED and not all(
        _one_word(_string(params[key])) for key in ("account", "region")
    ):
        raise ValueError("a region_not_scanned reason names no single account and region")
    return Reason(code, params)


def legacy_reason_codes(texts: Iterable[str]) -> tuple[Reason, ...]:
    """COMPATIBILITY ONLY: the reason codes of an entry file written before reasons carried codes,
    derived from its words. Only the code re-evaluation reads is derived (``region_not_scanned``, the
    gap an older bundle's coverage cannot re-derive); every other reason is left out, which can only
    refuse a bundle, never accept one. The one place a reason's text is read: delete it with the
    bundles it reads."""
    prefix, middle, suffix = "region ", " of account ", " does not appear in the scan results at all"
    reasons = []
    for text in texts:
        region, _, account = text.removeprefix(prefix).removesuffix(suffix).partition(middle)
        if text == f"{prefix}{region}{middle}{account}{suffix}" and _one_word(region) and _one_word(account):
            reasons.append(Reason(ReasonCode.REGION_NOT_SCANNED, {"account": account, "region": region}))
    return tuple(reasons)


def _one_word(text: str) -> bool:
    return bool(text) and text.isprintable() and text.split() == [text]


def _table(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _string(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected text, got {type(value).__name__}")
    return value


def _seen(manifest: Mapping[str, Any], key: str) -> list[str]:
    value = manifest.get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BundleInvalid(f"{MANIFEST_FILE}: {key} is not a list of strings")
    return value

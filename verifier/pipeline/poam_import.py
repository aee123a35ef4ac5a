"""``poam import``: an existing POA&M (spreadsheet, CSV, OSCAL) into ``poam.json``, with a report.

Nothing is guessed and nothing is lost: a row whose practice cannot be resolved stops the import (exit 3,
nothing written) unless ``--allow-unresolved``; every source column without a home in the schema stays on
its entry under ``import``; ``--merge`` adds entries to an existing POA&M and changes an existing entry's
fields only with ``--update``. The written file is then linted, as ``poam lint`` would.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from verifier.catalog import assessment_procedures, practices
from verifier.errors import InputError, UsageError
from verifier.inputs.jsondoc import parse_json, read_bytes, validate
from verifier.inputs.mapping import CheckMapping, load_mapping
from verifier.inputs.poam import parse_poam
from verifier.inputs.poam_import.entries import ImportedEntry, entries
from verifier.inputs.poam_import.readers import read_source
from verifier.inputs.poam_import.rows import (
    Field,
    ImportFormat,
    ReadOptions,
    SheetNotRead,
    SkippedRow,
    SourceDocument,
)
from verifier.model import DEFAULT_PROVIDER
from verifier.outputs.new_poam import PoamHeader, poam_document
from verifier.outputs.serialize import dumps
from verifier.outputs.writer import write_atomic
from verifier.pipeline.assess import LintOptions, run_lint
from verifier.rules.ruleset import Problem, problem_json

# An imported POA&M's --account ids are AWS accounts: the spreadsheets it reads name no provider.
IMPORTED_PROVIDER = DEFAULT_PROVIDER


@dataclass(frozen=True, slots=True)
class HeaderOptions:
    """The POA&M's own fields, from the command line; organization and system fall back to the file's."""

    organization: str | None = None
    system: str | None = None
    assessment_date: date | None = None
    conditional_status_date: date | None = None
    accounts: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ImportOptions:
    source: Path
    source_format: ImportFormat = ImportFormat.AUTO
    sheet: str | None = None
    columns: Mapping[str, Field] = field(default_factory=dict)
    out: Path | None = None
    merge: Path | None = None
    update: bool = False
    allow_unresolved: bool = False
    header: HeaderOptions = field(default_factory=HeaderOptions)
    mapping: Path | None = None
    as_of: date = date(1970, 1, 1)


@dataclass(frozen=True, slots=True)
class NeedsPerson:
    entry: str
    fields: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MergeOutcome:
    """Entry ids added, kept as they were (already present), and updated (--update)."""

    added: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What the import did, entry by entry, and the lint result of what it wrote."""

    source: Path
    source_format: ImportFormat
    rows_read: int
    entries: tuple[ImportedEntry, ...]
    skipped: tuple[SkippedRow, ...]
    renamed: tuple[str, ...] = ()
    # With --merge only: what the merge did (or, when nothing was written, would have done).
    merge: MergeOutcome | None = None
    needs_person: tuple[NeedsPerson, ...] = ()
    written: Path | None = None
    lint: tuple[Problem, ...] = ()
    sheets_not_read: tuple[SheetNotRead, ...] = ()

    @property
    def unresolved(self) -> tuple[ImportedEntry, ...]:
        return tuple(e for e in self.entries if e.unresolved)

    @property
    def blocked(self) -> bool:
        """Unresolved practices and no --allow-unresolved: nothing was written."""
        return self.written is None

    @property
    def would_write(self) -> int:
        """Entries the file gets (or would get): all imported, or with --merge those added or updated."""
        if self.merge is None:
            return len(self.entries)
        return len(self.merge.added) + len(self.merge.updated)

    @property
    def entries_written(self) -> int:
        return 0 if self.blocked else self.would_write


@dataclass(frozen=True, slots=True)
class JudgedOn:
    """The 800-171A objectives an imported entry is judged on: those it names (found NOT MET), else all
    ``of`` its practice's (``named`` is None)."""

    named: tuple[str, ...] | None
    of: int

    @property
    def count(self) -> int:
        return self.of if self.named is None else len(self.named)

    def __str__(self) -> str:
        if self.named is None:
            return f"all {self.of}"
        return f"{len(self.named)} of {self.of}: {', '.join(self.named)}"


def judged_on(entry: ImportedEntry) -> JudgedOn | None:
    """What ``entry`` will be judged on; None when its practice is unresolved (no practice, no objectives)."""
    procedure = assessment_procedures().get(entry.document["practice_id"])
    if entry.unresolved or procedure is None:
        return None
    named = entry.document.get("objectives")
    return JudgedOn(tuple(named) if named else None, len(procedure.objectives))


def run_import(options: ImportOptions) -> ImportReport:
    """Read, convert, merge, write (unless a practice is unresolved) and lint."""
    target = _target(options)
    source = read_source(options.source, options.source_format, ReadOptions(options.sheet, options.columns))
    imported, renamed = _unique_ids(entries(source))
    report = ImportReport(
        source=options.source,
        source_format=source.format,
        rows_read=len(source.rows) + len(source.skipped),
        entries=tuple(imported),
        skipped=source.skipped,
        renamed=tuple(renamed),
        needs_person=_needs_person(imported, _mapping(options.mapping)),
        sheets_not_read=source.sheets_not_read,
    )
    if report.unresolved and not options.allow_unresolved:
        return replace(report, merge=_would_merge(options, imported))
    document, merge = _document(options, source, imported)
    data = dumps(document)
    _check(document, data, str(target), loadable=not report.unresolved)
    write_atomic(target, data)
    lint = run_lint(LintOptions(target, options.mapping, options.as_of))
    return replace(report, written=target, lint=tuple(lint), merge=merge)


def _target(options: ImportOptions) -> Path:
    """Where to write: --out, else the --merge file, else poam.json; never over a file not merged into."""
    target = options.out or options.merge or Path("poam.json")
    if target.exists() and (options.merge is None or target.resolve() != options.merge.resolve()):
        raise UsageError(f"{target} exists: add to it with --merge {target}, or write elsewhere with --out")
    if options.update and options.merge is None:
        raise UsageError("--update only applies with --merge")
    if options.merge is not None and (given := _header_flags(options.header)):
        raise UsageError(
            f"{', '.join(given)}: with --merge the POA&M keeps its own header; these apply to a new "
            "POA&M only (leave them out, or write a new one with --out)"
        )
    if options.merge is None and (missing := _flags_no_source_gives(options.header)):
        # Refused before the source is read (a large workbook takes a while): no source says these.
        raise UsageError(
            f"a new POA&M needs {', '.join(missing)} (no source says them; --organization and --system too "
            "unless the source names them); or add to one with --merge"
        )
    return target


def _flags_no_source_gives(header: HeaderOptions) -> list[str]:
    """The header options a new POA&M needs that no source can give, left out of the command line."""
    values = (("--assessment-date", header.assessment_date), ("--account", header.accounts))
    return [flag for flag, value in values if not value]


def _header_flags(header: HeaderOptions) -> list[str]:
    """The header options given on the command line, as their flags."""
    values = (
        ("--organization", header.organization),
        ("--system", header.system),
        ("--assessment-date", header.assessment_date),
        ("--conditional-status-date", header.conditional_status_date),
        ("--account", header.accounts),
        ("--region", header.regions),
    )
    return [flag for flag, value in values if value]


def _mapping(path: Path | None) -> CheckMapping | None:
    return load_mapping(path) if path is not None else None


def _unique_ids(imported: list[ImportedEntry]) -> tuple[list[ImportedEntry], list[str]]:
    """A second entry with an id already used gets ``-2``, ``-3``…; the report names every rename."""
    seen: set[str] = set()
    result: list[ImportedEntry] = []
    renamed: list[str] = []
    for entry in imported:
        new_id, n = entry.id, 1
        while new_id in seen:
            n += 1
            new_id = f"{entry.id}-{n}"
        if new_id != entry.id:
            renamed.append(f"{entry.id} (row {entry.row}) → {new_id}")
            entry = replace(entry, document={**entry.document, "id": new_id})
        seen.add(new_id)
        result.append(entry)
    return result, renamed


def _needs_person(imported: Sequence[ImportedEntry], mapping: CheckMapping | None) -> tuple[NeedsPerson, ...]:
    """Per entry, what only a person can supply: an owner, resources, a way to verify closure."""
    needs: list[NeedsPerson] = []
    for entry in imported:
        doc = entry.document
        missing = [name for name in ("owner", "resources") if not doc.get(name)]
        if not doc.get("milestones"):
            missing.append("milestones")
        if _no_verification(doc, mapping):
            missing.append("verification (no mapped check: needs checks or an attestation)")
        if missing:
            needs.append(NeedsPerson(entry.id, tuple(missing)))
    return tuple(needs)


def _no_verification(doc: Mapping[str, Any], mapping: CheckMapping | None) -> bool:
    if doc.get("verification") or mapping is None or doc["practice_id"] not in practices():
        return False
    return not mapping.checks_for(doc["practice_id"], IMPORTED_PROVIDER)


def _document(
    options: ImportOptions, source: SourceDocument, imported: Sequence[ImportedEntry]
) -> tuple[dict[str, Any], MergeOutcome | None]:
    new = [e.document for e in imported]
    if options.merge is None:
        return poam_document(_header(options.header, source), new), None
    return merge_entries(_existing(options.merge), new, options.update, _poam_items(imported))


def _would_merge(options: ImportOptions, imported: Sequence[ImportedEntry]) -> MergeOutcome | None:
    """What --merge would do, for a report of an import that writes nothing."""
    if options.merge is None:
        return None
    new = [e.document for e in imported]
    return merge_entries(_existing(options.merge), new, options.update, _poam_items(imported))[1]


def _poam_items(imported: Sequence[ImportedEntry]) -> frozenset[str]:
    """The ids whose source row says, in a Kind column, that the entry is a POA&M item."""
    return frozenset(e.id for e in imported if e.says_poam_item)


def _existing(path: Path) -> dict[str, Any]:
    existing: dict[str, Any] = parse_json(read_bytes(path, "POA&M"), str(path))
    validate(existing, "poam.schema.json", str(path))
    return existing


def merge_entries(
    existing: dict[str, Any],
    new: Sequence[dict[str, Any]],
    update: bool,
    poam_items: frozenset[str] = frozenset(),
) -> tuple[dict[str, Any], MergeOutcome]:
    """New ids are appended; an existing id keeps its fields unless ``update`` (then imported fields win,
    and what the import does not carry — results, history — stays). A POA&M item writes no ``kind``, so an
    entry of ``poam_items`` (its source row says so in a Kind column) loses an existing operational kind:
    kept, it would hide an open item from the score and the closeout."""
    by_id = {e["id"]: e for e in existing["entries"]}
    added: list[str] = []
    kept: list[str] = []
    updated: list[str] = []
    for entry in new:
        current = by_id.get(entry["id"])
        if current is None:
            existing["entries"].append(entry)
            added.append(entry["id"])
        elif update:
            current.update(entry)
            if entry["id"] in poam_items:
                current.pop("kind", None)
            updated.append(entry["id"])
        else:
            kept.append(entry["id"])
    return existing, MergeOutcome(tuple(added), tuple(kept), tuple(updated))


def _header(options: HeaderOptions, source: SourceDocument) -> PoamHeader:
    organization = options.organization or source.metadata.get("organization")
    system = options.system or source.metadata.get("system")
    missing = [
        flag
        for flag, value in (
            ("--organization", organization),
            ("--system", system),
            ("--assessment-date", options.assessment_date),
            ("--account", options.accounts),
        )
        if not value
    ]
    if missing:
        raise UsageError(
            f"a new POA&M needs {', '.join(missing)} (the source does not say); or add to one with --merge"
        )
    assert organization and system and options.assessment_date  # noqa: S101 - checked just above
    return PoamHeader(
        organization=organization,
        system=system,
        assessment_date=options.assessment_date,
        accounts=options.accounts,
        provider=IMPORTED_PROVIDER,
        regions=options.regions,
        conditional_status_date=options.conditional_status_date,
    )


def _check(document: dict[str, Any], data: bytes, target: str, loadable: bool) -> None:
    """The output must load as a POA&M (or, with unresolved practices allowed, at least fit the schema)."""
    if loadable:
        parse_poam(data, target)
        return
    try:
        validate(document, "poam.schema.json", target)
    except InputError as exc:
        raise InputError(f"the imported POA&M would not be valid: {exc.message}") from None


def report_json(report: ImportReport) -> dict[str, Any]:
    """``poam import --report json``."""
    return {
        "source": str(report.source),
        "format": report.source_format.value,
        "rows_read": report.rows_read,
        "entries_written": report.entries_written,
        "would_write": report.would_write if report.blocked else None,
        "written": str(report.written) if report.written else None,
        "sheets_not_read": [{"sheet": s.sheet, "reason": s.reason} for s in report.sheets_not_read],
        "entries": [
            {
                "id": e.id,
                "practice_id": e.document["practice_id"],
                "sheet": e.sheet,
                "row": e.row,
                "objectives": _judged_on_json(judged_on(e)),
            }
            for e in report.entries
        ],
        "skipped": [{"sheet": s.sheet, "row": s.row, "reason": s.reason} for s in report.skipped],
        "unresolved": [
            {
                "id": e.id,
                "sheet": e.sheet,
                "row": e.row,
                "practice_text": e.document["practice_id"],
                "reason": e.unresolved,
            }
            for e in report.unresolved
        ],
        "split": _split_json(report.entries),
        "renamed": list(report.renamed),
        "free_text_status": [
            {"id": e.id, "original": e.free_text_status, "status": e.document["status"]}
            for e in report.entries
            if e.free_text_status
        ],
        "needs_person": [{"entry": n.entry, "fields": list(n.fields)} for n in report.needs_person],
        "notes": [
            {"id": e.id, "sheet": e.sheet, "row": e.row, "note": n} for e in report.entries for n in e.notes
        ],
        "merge": _merge_json(report.merge),
        "lint": [problem_json(p) for p in report.lint],
    }


def _judged_on_json(judged: JudgedOn | None) -> dict[str, Any] | None:
    """``{"judged": 2, "of": 6, "named": ["3.3.8[a]", "3.3.8[b]"]}``; ``named`` null: judged on all."""
    if judged is None:
        return None
    named = list(judged.named) if judged.named is not None else None
    return {"judged": judged.count, "of": judged.of, "named": named}


def _merge_json(merge: MergeOutcome | None) -> dict[str, Any] | None:
    if merge is None:
        return None
    return {"added": list(merge.added), "kept": list(merge.kept), "updated": list(merge.updated)}


def _split_json(imported: Sequence[ImportedEntry]) -> list[dict[str, Any]]:
    seen: dict[tuple[str, int], dict[str, Any]] = {}
    for entry in imported:
        if entry.split_into:
            seen.setdefault(
                (entry.sheet, entry.row),
                {"sheet": entry.sheet, "row": entry.row, "into": list(entry.split_into)},
            )
    return list(seen.values())

"""``poam import``: a FedRAMP/eMASS spreadsheet, a CSV or an OSCAL POA&M into ``poam.json``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from verifier.cli.app import app, err, out
from verifier.cli.onboarding import (
    AccountOption,
    AssessmentDateOption,
    ConditionalDateOption,
    OrganizationOption,
    RegionOption,
    SystemOption,
)
from verifier.cli.options import (
    AsOfOption,
    MappingOption,
    OutputFormat,
    mapping_path,
    parse_date,
    parse_optional_date,
)
from verifier.errors import InputError, UsageError
from verifier.inputs.poam_import.rows import Field, ImportFormat

if TYPE_CHECKING:
    from verifier.pipeline.poam_import import ImportReport


def parse_columns(pairs: list[str] | None) -> dict[str, Field]:
    """``HEADER=field`` pairs (``--columns``) into header → field."""
    columns: dict[str, Field] = {}
    seen: dict[str, str] = {}
    for pair in pairs or ():
        header, sep, name = pair.rpartition("=")
        if not sep or not header.strip() or name.strip() not in Field.__members__.values():
            choices = ", ".join(f.value for f in Field)
            raise UsageError(f"--columns takes HEADER=field with field one of {choices}; got {pair!r}")
        # Headers match whatever their case and spacing: a second pair for one header would silently win.
        key = " ".join(header.split()).casefold()
        if key in seen:
            raise UsageError(f"--columns names the column {header.strip()!r} twice ({seen[key]!r}, {pair!r})")
        seen[key] = pair
        columns[header.strip()] = Field(name.strip())
    return columns


@app.command("import")
def import_command(
    source: Annotated[Path, typer.Argument(help="The POA&M to import: .xlsx/.xlsm, .csv or OSCAL .json.")],
    source_format: Annotated[
        ImportFormat,
        typer.Option(
            "--format", help="Source format (auto: by extension and header texts).", case_sensitive=False
        ),
    ] = ImportFormat.AUTO,
    sheet: Annotated[str | None, typer.Option(help="Read only this sheet of a workbook.")] = None,
    columns: Annotated[
        list[str] | None,
        typer.Option(
            help="HEADER=field: read column HEADER as that field (id, practice_id, finding, …). Repeatable."
        ),
    ] = None,
    out_file: Annotated[
        Path | None, typer.Option("--out", help="POA&M to write. Default: the --merge file, else poam.json.")
    ] = None,
    merge: Annotated[
        Path | None,
        typer.Option(help="Add the imported entries to this POA&M (new ids only, unless --update)."),
    ] = None,
    update: Annotated[
        bool, typer.Option(help="With --merge: imported fields replace an existing entry's.")
    ] = False,
    allow_unresolved: Annotated[
        bool,
        typer.Option(
            help="Write even when some rows name no CMMC practice (they will not load until fixed)."
        ),
    ] = False,
    organization: OrganizationOption = None,
    system: SystemOption = None,
    assessment_date: AssessmentDateOption = None,
    conditional_status_date: ConditionalDateOption = None,
    account: AccountOption = None,
    region: RegionOption = None,
    mapping: MappingOption = None,
    as_of: AsOfOption = None,
    report: Annotated[
        OutputFormat, typer.Option("--report", help="Import report: table or json.", case_sensitive=False)
    ] = OutputFormat.TABLE,
) -> None:
    """Turn an existing POA&M into poam.json: FedRAMP template (v2.1/v3.0), eMASS, CSV, OSCAL POA&M.

    Columns are matched by header text. Dates, milestones, practice ids (AC.L2-3.1.1, 3.1.1, NIST SP
    800-171 3.1.1) and statuses are converted; nothing is guessed: a row naming no CMMC practice (or only
    NIST SP 800-53 controls) is reported and, without --allow-unresolved, nothing is written (exit 3).
    Source columns with no place in the schema are kept under each entry's "import". The written file is
    linted (see `poam lint`).
    """
    from verifier.pipeline.poam_import import HeaderOptions, ImportOptions, report_json, run_import

    options = ImportOptions(
        source=source,
        source_format=source_format,
        sheet=sheet,
        columns=parse_columns(columns),
        out=out_file,
        merge=merge,
        update=update,
        allow_unresolved=allow_unresolved,
        header=HeaderOptions(
            organization=organization,
            system=system,
            assessment_date=parse_optional_date(assessment_date, "--assessment-date"),
            conditional_status_date=parse_optional_date(conditional_status_date, "--conditional-status-date"),
            accounts=tuple(account or ()),
            regions=tuple(region or ()),
        ),
        mapping=mapping_path(mapping),
        as_of=parse_date(as_of, "--as-of"),
    )
    result = run_import(options)
    if report is OutputFormat.JSON:
        print_report_json(report_json(result))
    else:
        print_report(result)
    if result.blocked:
        raise InputError(
            f"{len(result.unresolved)} row(s) name no CMMC Level 2 practice or an unknown Kind (listed "
            "above): fix them in the source, or write rows naming no practice anyway with "
            f"--allow-unresolved (an unknown Kind never is); nothing written (would write "
            f"{result.would_write} entr(y/ies))"
        )
    err.print(f"wrote {result.written}")


def print_report_json(document: dict[str, Any]) -> None:
    """The JSON report as ``print_json`` prints it, without rich's highlighting: a 10,000-row import's
    report took rich 67 s and 1.5 GB to colour."""
    out.file.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")


def print_report(report: ImportReport) -> None:
    """The import report as tables: what was read, skipped, split, left unresolved, and the lint result."""
    from verifier.pipeline.poam_import import judged_on

    read = f"{report.source} ({report.source_format.value}): {report.rows_read} row(s) read"
    if report.written is None:
        out.print(f"{read}; nothing written (would write {report.would_write} entr(y/ies))")
    else:
        out.print(f"{read}, {report.entries_written} entr(y/ies) written to {report.written}")
    _table("Sheets not read", ("Sheet", "Why"), [(s.sheet, s.reason) for s in report.sheets_not_read])
    _table("Skipped rows", ("Sheet", "Row", "Why"), [(s.sheet, str(s.row), s.reason) for s in report.skipped])
    _table(
        "Unresolved practices or kinds (fix these rows)",
        ("Sheet", "Row", "Entry", "Why"),
        [(e.sheet, str(e.row), e.id, e.unresolved) for e in report.unresolved],
    )
    _table(
        "Rows naming several practices (one entry each)",
        ("Sheet", "Row", "Entries"),
        [
            (e.sheet, str(e.row), ", ".join(e.split_into))
            for e in report.entries
            if e.split_into and e.id == e.split_into[0]
        ],
    )
    _table(
        "Statuses read from free text",
        ("Entry", "Original", "Status"),
        [(e.id, e.free_text_status, e.document["status"]) for e in report.entries if e.free_text_status],
    )
    _table(
        "Objectives judged on (the 800-171A objectives named as NOT MET, else all)",
        ("Entry", "Practice", "Objectives"),
        [
            (e.id, e.document["practice_id"], str(j))
            for e in report.entries
            if (j := judged_on(e)) is not None
        ],
    )
    _table("Renamed duplicate ids", ("Rename",), [(r,) for r in report.renamed])
    _table(
        "Notes",
        ("Sheet", "Row", "Entry", "Note"),
        [(e.sheet, str(e.row), e.id, n) for e in report.entries for n in e.notes],
    )
    _table(
        "Needs a person", ("Entry", "Missing"), [(n.entry, ", ".join(n.fields)) for n in report.needs_person]
    )
    merge = report.merge
    if merge is not None:
        counts = f"{len(merge.added)} added, {len(merge.updated)} updated, {len(merge.kept)} kept"
        would = " (would be; nothing written)" if report.blocked else ""
        out.print(f"merge: {counts}{would} (kept: existing ids; --update to replace their fields)")
    if report.written is not None:
        from verifier.cli.render import print_problems

        out.print(f"poam lint {report.written}:")
        print_problems(list(report.lint))


def _table(title: str, columns: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    if not rows:
        return
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))  # sheet data as text, never markup
    out.print(table)

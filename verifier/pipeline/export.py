"""``poam export``: verify in memory, render one export format, write it atomically to one file.

Nothing but the chosen file is written: the evidence bundle an export points at comes from ``verify``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import assert_never

from verifier.choices import ExportFormat
from verifier.errors import UsageError
from verifier.outputs import html_report, oscal, oscal_cd
from verifier.outputs.run import VerificationRun
from verifier.outputs.writer import write_atomic
from verifier.pipeline.places import refuse_writing_over_inputs
from verifier.pipeline.verify import ProgressCallback, VerifyOptions, build_run


@dataclass(frozen=True, slots=True)
class ExportOptions:
    """Everything ``poam export`` needs, parsed: the verify inputs, a format and one output file."""

    format: ExportFormat
    poam: Path
    mapping: Path
    findings: tuple[Path | str, ...]  # a str starting "s3:/" is an S3 location
    out: Path
    as_of: date
    max_scan_age_days: int = 7
    allow_unknown_checks: bool = False


def render(run: VerificationRun, export_format: ExportFormat) -> bytes:
    """The bytes of ``run`` in ``export_format``."""
    # Deferred: openpyxl (and numpy under it) take most of a second to import, and every poam command,
    # verify included, imports this module.
    from verifier.outputs import spreadsheet

    match export_format:
        case ExportFormat.OSCAL:
            return oscal.render_poam(run)
        case ExportFormat.OSCAL_AR:
            return oscal.render_assessment_results(run)
        case ExportFormat.OSCAL_CD:
            return oscal_cd.render_component_definition(
                run.mapping, run.context.verified_at, run.poam.poam.providers
            )
        case ExportFormat.XLSX:
            return spreadsheet.render_xlsx(run)
        case ExportFormat.CSV:
            return spreadsheet.render_csv(run)
        case ExportFormat.HTML:
            return html_report.render_html(run)
        case _:
            assert_never(export_format)


def run_export(
    options: ExportOptions, clock: Callable[[], datetime], progress: ProgressCallback | None = None
) -> Path:
    """Verify the POA&M in memory and write it in the chosen format to ``options.out``; return that path."""
    if options.max_scan_age_days < 0:
        raise UsageError("--max-scan-age must be zero or more days")
    verify_options = _verify_options(options)
    findings = [f for f in options.findings if isinstance(f, Path)]
    inputs = [options.poam, options.mapping, verify_options.attestations_path, *findings]
    refuse_writing_over_inputs("--out", options.out, inputs)
    run = build_run(verify_options, clock, progress)
    data = render(run, options.format)
    write_atomic(options.out, data)
    return options.out


def _verify_options(options: ExportOptions) -> VerifyOptions:
    # build_run reads only the inputs; ``out`` is required by VerifyOptions but never written here.
    return VerifyOptions(
        poam=options.poam,
        mapping=options.mapping,
        findings=options.findings,
        out=options.out.parent,
        as_of=options.as_of,
        max_scan_age_days=options.max_scan_age_days,
        allow_unknown_checks=options.allow_unknown_checks,
    )

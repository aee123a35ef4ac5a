"""``poam score``, ``poam lint`` and ``poam timeline``: the POA&M judged as an assessor would, offline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from verifier.errors import InputError, SchemaError
from verifier.inputs.jsondoc import parse_json, read_bytes, schema_violations
from verifier.inputs.known_checks import default_known_checks
from verifier.inputs.mapping import load_mapping
from verifier.inputs.poam import POAM_SCHEMA, load_poam, parse_poam
from verifier.inputs.prowler_install import find_prowler
from verifier.rules.credibility import lint
from verifier.rules.ruleset import LintContext, Problem, Severity
from verifier.rules.score import ScoreReport, score_poam
from verifier.rules.timeline import Timeline, timeline

SCHEMA_RULE = "POAM000"


@dataclass(frozen=True, slots=True)
class LintOptions:
    """``poam lint``: the mapping is optional; the installed Prowler is asked only when named."""

    poam: Path
    mapping: Path | None
    as_of: date
    stale_days: int = 30
    prowler_bin: str | None = None


def run_lint(options: LintOptions) -> list[Problem]:
    """Every credibility problem; a POA&M that does not even load is one error, not a crash."""
    data = read_bytes(options.poam, "POA&M")
    try:
        loaded = parse_poam(data, str(options.poam), options.poam)
    except SchemaError as exc:
        # Every violation at once: a user should not have to fix, rerun and find the next one.
        violations = schema_violations(parse_json(data, str(options.poam)), POAM_SCHEMA, str(options.poam))
        return [Problem(None, SCHEMA_RULE, Severity.ERROR, m) for m in violations or [exc.message]]
    except InputError as exc:
        return [Problem(None, SCHEMA_RULE, Severity.ERROR, exc.message)]
    mapping = load_mapping(options.mapping) if options.mapping else None
    install = find_prowler(options.prowler_bin) if options.prowler_bin else None
    known = {p: install.checks(p) for p in loaded.poam.providers} if install else None
    release = default_known_checks()
    return lint(LintContext(loaded.poam, mapping, known, options.as_of, options.stale_days, release))


def run_score(poam: Path) -> ScoreReport:
    """The SPRS-style score and § 170.21 eligibility of a POA&M file."""
    return score_poam(load_poam(poam).poam)


def run_timeline(poam: Path, as_of: date) -> Timeline:
    """Where the POA&M stands in its 180-day window, using each entry's last recorded verdict."""
    loaded = load_poam(poam)
    return timeline(loaded.poam, as_of, loaded.latest_verdicts())

"""SARIF 2.1.0 for code scanning: one rule per Trivy check, one result per failing Terraform resource.

The run's ``properties.poamEntries`` says, per open POA&M entry, its verdict in code, the declared resources
its checks examined (file and line) and the checks that had nothing to examine: code scanning shows only
results, so a reader of the file learns there why an entry did or did not pass.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import orjson

from verifier.inputs.findings.iac import IacFinding
from verifier.rules.iac import EntryCode

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVELS = {"CRITICAL": "error", "HIGH": "error", "MEDIUM": "warning", "LOW": "note"}


def render_sarif(
    failures: Iterable[IacFinding],
    practices_for: Callable[[str], tuple[str, ...]],
    regressions: frozenset[tuple[str, str, str]],
    tool_version: str,
    entries: Sequence[EntryCode] = (),
) -> bytes:
    """SARIF for head's failures; ``regressions`` holds the keys of failures the change introduced."""
    ordered = sorted(failures, key=lambda f: (f.file, f.start_line, f.check_id, f.resource))
    rule_ids = sorted({f.check_id for f in ordered})
    by_rule = {f.check_id: f for f in ordered}
    document = {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "poam iac",
                        "version": tool_version,
                        "informationUri": "https://github.com/prowler-cloud/prowler",
                        "rules": [_rule(by_rule[r], practices_for(r)) for r in rule_ids],
                    }
                },
                "results": [_result(f, rule_ids.index(f.check_id), f.key in regressions) for f in ordered],
                "properties": {"poamEntries": [_entry(e) for e in entries]},
            }
        ],
    }
    return orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n"


def _rule(finding: IacFinding, practice_ids: tuple[str, ...]) -> dict[str, Any]:
    return {
        "id": finding.check_id,
        "name": finding.long_id,
        "shortDescription": {"text": finding.title or finding.check_id},
        "helpUri": f"https://avd.aquasec.com/misconfig/{finding.check_id.lower()}",
        "properties": {"practices": list(practice_ids), "tags": ["cmmc-l2", *practice_ids]},
    }


def _result(finding: IacFinding, rule_index: int, regression: bool) -> dict[str, Any]:
    prefix = "Regression: " if regression else ""
    return {
        "ruleId": finding.check_id,
        "ruleIndex": rule_index,
        "level": _LEVELS.get(finding.severity, "warning"),
        "message": {"text": f"{prefix}{finding.message} ({finding.resource})"},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": finding.file},
                    "region": {"startLine": max(finding.start_line, 1), "endLine": max(finding.end_line, 1)},
                }
            }
        ],
        "partialFingerprints": {"poamIac/v1": "|".join(finding.key)},
        "properties": {"regression": regression},
    }


def _entry(entry: EntryCode) -> dict[str, Any]:
    return {
        "entryId": entry.entry_id,
        "practiceId": entry.practice_id,
        "verdict": entry.verdict.value,
        "resources": _resources(entry),
        "nothingToExamine": [
            {"checkId": c.check_id, "resourceTypes": list(c.resource_types)} for c in entry.nothing_to_examine
        ],
    }


def _resources(entry: EntryCode) -> list[dict[str, Any]]:
    """Each declared resource of the entry's checks once, in file and line order."""
    unique = {(r.file, r.line, r.address): r for c in entry.in_code for r in c.resources}
    return [
        {"type": r.type, "name": r.name, "uri": r.file, "startLine": r.line}
        for r in (unique[k] for k in sorted(unique))
    ]

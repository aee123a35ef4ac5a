"""The shipped mapping's objective coverage as a Markdown table (docs/mapping-coverage.md keeps it).

    python tools/mapping_coverage.py                 # print the table for mappings/cmmc-l2-aws.json
    python tools/mapping_coverage.py --check FILE    # exit 1 unless FILE holds exactly that table

Per provider: the objectives at least one check evidences (of 320), the practices with at least one such
objective, and the practices whose every objective has a check (the only ones checks alone can close).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from verifier.catalog import assessment_procedures, objectives_by_id
from verifier.inputs.mapping import CheckMapping, load_mapping

REPO = Path(__file__).resolve().parent.parent
BEGIN, END = "<!-- coverage:begin -->", "<!-- coverage:end -->"


def coverage_table(mapping: CheckMapping) -> str:
    """One row per provider of the mapping, in its order."""
    procedures = assessment_procedures()
    rows = [
        "| provider | objectives with a check (of 320) | practices with one | practices with all |",
        "|---|---:|---:|---:|",
    ]
    for provider in mapping.providers():
        per_practice = [
            [bool(mapping.objective_checks(o.objective_id, provider)) for o in procedure.objectives]
            for procedure in procedures.values()
        ]
        rows.append(
            f"| {provider} | {mapping.objectives_with_checks(provider)} | "
            f"{sum(any(p) for p in per_practice)} | {sum(all(p) for p in per_practice)} |"
        )
    assert len(objectives_by_id()) == 320  # noqa: S101 - the catalog this table counts against
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mapping", type=Path, default=REPO / "mappings" / "cmmc-l2-aws.json")
    parser.add_argument("--check", type=Path, help="a Markdown file whose coverage block must match")
    args = parser.parse_args()
    table = coverage_table(load_mapping(args.mapping))
    if args.check is None:
        print(table)
        return 0
    text = args.check.read_text(encoding="utf-8")
    block = text.split(BEGIN, 1)[-1].split(END, 1)[0].strip()
    if block != table:
        print(f"{args.check}: the coverage table is out of date; replace it with:\n{table}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Organisation-scale Prowler output for benchmarks: one OCSF file per account, as Prowler names them.

Every finding is a real recorded Prowler record (the example scan and ``tests/fixtures/prowler``)
with its full body kept, so files have Prowler's size and shape (~6-8 KB a finding, ``indent=4``,
elements joined by ``,``). Only what identifies a result varies: check id (the mapping's and the
example POA&M's), status, mute state, account, region, resource ARN, finding uid and scan time.
Output is deterministic from the seed and written as it is generated (no file is held in memory).

Usage: ``python -m benchmarks.generate --accounts 200 --findings 1000000 --seed 1 --out DIR [--csv]``
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

REPO_ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_FILES = (
    REPO_ROOT / "examples/prowler-output/prowler-output-123456789012-example.ocsf.json",
    REPO_ROOT / "tests/fixtures/prowler/plain/plain.ocsf.json",
    REPO_ROOT / "tests/fixtures/prowler/muted/muted.ocsf.json",
)
CSV_TEMPLATE = REPO_ROOT / "tests/fixtures/prowler/plain/plain.csv"
MAPPING = REPO_ROOT / "mappings/cmmc-l2-aws.json"
EXAMPLE_POAM = REPO_ROOT / "poam.json"
# The scans' time: the example's recording day, so ``poam verify --as-of`` that day finds them fresh.
SCAN_EPOCH = int(datetime(2026, 11, 25, 4, 0, tzinfo=UTC).timestamp())
AS_OF = "2026-11-25"
# Part of the cache key of generated data (benchmarks/run.py): bump it when the output changes.
VERSION = 2
REGIONS = (
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "us-gov-west-1",
    "us-gov-east-1",
    "eu-west-1",
    "eu-central-1",
    "ap-southeast-2",
    "ca-central-1",
)
# Mostly PASS, as in a maintained estate; MANUAL checks are rare.
STATUSES = ("PASS",) * 14 + ("FAIL",) * 5 + ("MANUAL",)
MUTED_SHARE = 0.05
# Each account is scanned once in the three days before AS_OF; a scan of one account takes about an hour.
SCAN_SECONDS = 3600
_SLOT = re.compile(r'"@@(\w+)@@"')


@dataclass(frozen=True, slots=True)
class Template:
    """One recorded record as text, split around the slots a generated finding fills."""

    pieces: tuple[str, ...]  # literal, slot name, literal, slot name, ..., literal

    def render(self, values: dict[str, str]) -> str:
        out = list(self.pieces)
        for index in range(1, len(out), 2):
            out[index] = values[out[index]]
        return "".join(out)


def _slotted(record: dict[str, Any]) -> Template:
    """The record with its identifying fields replaced by named slots, dumped as Prowler does."""
    record = json.loads(json.dumps(record))  # a private copy
    record["metadata"]["event_code"] = "@@check@@"
    record["finding_info"]["uid"] = "@@finding_uid@@"
    record["status_code"] = "@@status_code@@"
    record["status"] = "@@status@@"
    record["cloud"]["account"]["uid"] = "@@account@@"
    record["cloud"]["region"] = "@@region@@"
    resource = record["resources"][0]
    resource["uid"] = "@@resource@@"
    resource["region"] = "@@region@@"
    record["time"] = "@@time@@"
    record["time_dt"] = "@@time_dt@@"
    if isinstance(record.get("unmapped"), dict):
        record["unmapped"]["provider_uid"] = "@@account@@"
    return Template(tuple(_SLOT.split(json.dumps(record, indent=4))))


def load_templates() -> list[Template]:
    """Every Detection Finding in the recorded runs, slotted."""
    templates = []
    for path in TEMPLATE_FILES:
        templates += [_slotted(record) for record in json.loads(path.read_text(encoding="utf-8"))]
    return templates


def check_ids() -> list[str]:
    """The mapping's AWS checks and the example POA&M's explicit checks, sorted and once each."""
    mapping = json.loads(MAPPING.read_text(encoding="utf-8"))
    checks = {check for practice in mapping["practices"].values() for check in practice.get("aws", [])}
    poam = json.loads(EXAMPLE_POAM.read_text(encoding="utf-8"))
    checks |= {c for entry in poam["entries"] for c in entry.get("verification", {}).get("checks", [])}
    return sorted(checks)


def account_ids(count: int, seed: int) -> list[str]:
    """``count`` distinct 12-digit account ids, the example's first so its POA&M stays in scope."""
    rng = random.Random(f"accounts-{seed}")
    accounts = ["123456789012"]
    while len(accounts) < count:
        candidate = f"{rng.randrange(10**11, 10**12):012d}"
        if candidate not in accounts:
            accounts.append(candidate)
    return accounts[:count]


def finding_values(
    rng: random.Random, checks: Sequence[str], account: str, number: int, count: int, scan_start: int
) -> dict[str, str]:
    """The slot values of finding ``number`` of ``count`` in one account's scan (JSON literals).

    As in a real scan, times climb through the scan's duration, so many findings share a second.
    """
    check = rng.choice(checks)
    region = rng.choice(REGIONS)
    service = check.split("_", 1)[0]
    resource = f"arn:aws:{service}:{region}:{account}:resource/{service}-{rng.randrange(5000):04d}"
    muted = rng.random() < MUTED_SHARE
    when = scan_start + number * SCAN_SECONDS // count
    return {
        "check": json.dumps(check),
        "finding_uid": json.dumps(f"prowler-aws-{check}-{account}-{region}-{number:08d}"),
        "status_code": json.dumps(rng.choice(STATUSES)),
        "status": '"Suppressed"' if muted else '"New"',
        "account": json.dumps(account),
        "region": json.dumps(region),
        "resource": json.dumps(resource),
        "time": str(when),
        "time_dt": json.dumps(datetime.fromtimestamp(when, UTC).replace(tzinfo=None).isoformat()),
    }


def scan_start(seed: int, account: str) -> int:
    """When the scan of ``account`` began (epoch seconds), within the three days before ``AS_OF``."""
    return SCAN_EPOCH - random.Random(f"{seed}-{account}-scan").randrange(3 * 86400 - SCAN_SECONDS)


def split_counts(total: int, parts: int) -> list[int]:
    """``total`` spread over ``parts`` as evenly as possible."""
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def write_ocsf(path: Path, records: Iterator[str]) -> None:
    """Prowler's layout: ``[`` + indent=4 objects joined by ``,`` + ``]``, streamed."""
    with path.open("w", encoding="utf-8") as out:
        out.write("[")
        for index, record in enumerate(records):
            if index:
                out.write(",")
            out.write(record)
        out.write("]")


def _records(
    templates: Sequence[Template], checks: Sequence[str], account: str, count: int, seed: int
) -> Iterator[str]:
    # Two streams, so the CSV twin (other templates) draws the very same results.
    rng, pick = random.Random(f"{seed}-{account}"), random.Random(f"{seed}-{account}-template")
    start = scan_start(seed, account)
    for number in range(count):
        yield pick.choice(templates).render(finding_values(rng, checks, account, number, count, start))


def generate(accounts: int, findings: int, seed: int, out: Path, *, with_csv: bool = False) -> list[Path]:
    """Write ``findings`` findings over ``accounts`` OCSF files (and CSV twins) under ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    templates, checks = load_templates(), check_ids()
    written = []
    for account, count in zip(account_ids(accounts, seed), split_counts(findings, accounts), strict=True):
        path = out / f"prowler-output-{account}-20261125040000.ocsf.json"
        write_ocsf(path, _records(templates, checks, account, count, seed))
        written.append(path)
        if with_csv:
            csv_path = path.with_name(path.name.replace(".ocsf.json", ".csv"))
            write_csv(csv_path, checks, account, count, seed)
            written.append(csv_path)
    return written


def write_csv(path: Path, checks: Sequence[str], account: str, count: int, seed: int) -> None:
    """Prowler's ``;``-separated CSV with the same results as the OCSF twin (same seed stream)."""
    with CSV_TEMPLATE.open(encoding="utf-8", newline="") as source:
        reader = csv.DictReader(source, delimiter=";")
        rows, fields = list(reader), reader.fieldnames or []
    rng, pick = random.Random(f"{seed}-{account}"), random.Random(f"{seed}-{account}-template")
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=fields, delimiter=";")
        writer.writeheader()
        start = scan_start(seed, account)
        for number in range(count):
            values = finding_values(rng, checks, account, number, count, start)
            writer.writerow(_csv_row(pick.choice(rows), values))


def _csv_row(template: dict[str, str], values: dict[str, str]) -> dict[str, str]:
    plain = {key: json.loads(value) for key, value in values.items()}
    return _merge(template, plain)


def _merge(template: dict[str, str], plain: dict[str, Any]) -> dict[str, str]:
    when = datetime.fromtimestamp(plain["time"], UTC).replace(tzinfo=None)
    return {
        **template,
        "TIMESTAMP": when.isoformat(sep=" "),
        "ACCOUNT_UID": plain["account"],
        "FINDING_UID": plain["finding_uid"],
        "CHECK_ID": plain["check"],
        "STATUS": plain["status_code"],
        "MUTED": str(plain["status"] == "Suppressed"),
        "RESOURCE_UID": plain["resource"],
        "REGION": plain["region"],
    }


def reindent(source: Path, target: Path) -> None:
    """``source`` re-dumped as ``json.dump(records, indent=2)`` (or ``jq .``) writes it, one element at a time.

    This is the layout of merged or post-processed scans: each element one level deeper than in
    Prowler's own output, so no element ends with a closing brace at the start of a line.
    """
    import msgspec  # the verifier's dependency; the generator itself needs only the stdlib

    from verifier.inputs.findings.elements import element_runs

    decode = msgspec.json.Decoder(list[Any]).decode
    with source.open("rb") as handle, target.open("w", encoding="utf-8") as out:
        chunks = iter(lambda: handle.read(8 << 20), b"")
        out.write("[")
        records = (record for run in element_runs(chunks, decode) for record in run.records or ())
        for index, record in enumerate(records):
            out.write(",\n  " if index else "\n  ")
            out.write(json.dumps(record, indent=2).replace("\n", "\n  "))
        out.write("\n]")


def _write_to(stream: TextIO, paths: Sequence[Path]) -> None:
    total = sum(p.stat().st_size for p in paths)
    stream.write(f"wrote {len(paths)} files, {total / 1e9:.2f} GB\n")


def main(argv: Sequence[str] | None = None) -> None:
    """Parse the arguments and generate."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=200)
    parser.add_argument("--findings", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--csv", action="store_true", help="also write Prowler CSV twins")
    args = parser.parse_args(argv)
    _write_to(sys.stdout, generate(args.accounts, args.findings, args.seed, args.out, with_csv=args.csv))


if __name__ == "__main__":
    main()

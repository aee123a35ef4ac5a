"""Build the corpus cases that are too big, binary or special to commit, from the real recordings.

Every generator writes into a case's working directory (which already holds ``poam.json``, a copy of
the repo's example POA&M) and derives its files from the recorded Prowler outputs in
``examples/prowler-output`` and ``tests/fixtures/prowler``: no hand-written imitations. Run as a
script to materialise one case for a look: ``python tests/corpus/make_corpus.py CASE DIR``.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import sys
import zipfile
import zlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "prowler-output"
EXAMPLE_OCSF = EXAMPLE / "prowler-output-123456789012-example.ocsf.json"
EXAMPLE_CSV = EXAMPLE / "prowler-output-123456789012-example.csv"
PLAIN_ASFF = REPO / "tests" / "fixtures" / "prowler" / "plain" / "plain.asff.json"
RECORDED_ON = (EXAMPLE / "recorded-on.txt").read_text().strip()

SINGLE_LINE_BYTES = 100 * 1024 * 1024
LARGE_POAM_ENTRIES = 10_000
LARGE_FIELD_CHARS = 1024 * 1024
DEEP_NESTING = 100_000

Generator = Callable[[Path, dict[str, Any]], None]
GENERATORS: dict[str, Generator] = {}


def generator(function: Generator) -> Generator:
    GENERATORS[function.__name__.replace("_", "-")] = function
    return function


def _records(source: Path) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = json.loads(source.read_text(encoding="utf-8"))
    return records


def _csv_rows(source: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(source.read_text(encoding="utf-8"), newline=""), delimiter=";"))


def _csv_bytes(rows: list[list[str]], delimiter: str = ";") -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode()


def _poam(work: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((work / "poam.json").read_text(encoding="utf-8"))
    return document


def _write_poam(work: Path, document: dict[str, Any]) -> None:
    (work / "poam.json").write_text(json.dumps(document, indent=2), encoding="utf-8")


# --- findings: JSON -----------------------------------------------------------------------------------


@generator
def truncated_ocsf(work: Path, args: dict[str, Any]) -> None:
    """The example OCSF cut after ``offset`` bytes (a negative offset counts from the end)."""
    data = EXAMPLE_OCSF.read_bytes()
    (work / "cut.ocsf.json").write_bytes(data[: args["offset"]])


@generator
def nan_infinity(work: Path, args: dict[str, Any]) -> None:
    """The example OCSF with one finding's ``time`` replaced by NaN and another's by Infinity."""
    text = EXAMPLE_OCSF.read_text(encoding="utf-8")
    records = _records(EXAMPLE_OCSF)
    for record, bad in zip(records[:2], ("NaN", "Infinity"), strict=True):
        text = text.replace(f'"time": {record["time"]},', f'"time": {bad},', 1)
    assert "NaN" in text and "Infinity" in text  # noqa: S101 - the edit must have happened
    (work / "nan.ocsf.json").write_text(text, encoding="utf-8")


@generator
def single_line_100mb(work: Path, args: dict[str, Any]) -> None:
    """The example OCSF on one 100 MB line: the first resource's details padded, as a huge policy would."""
    records = _records(EXAMPLE_OCSF)
    compact = json.dumps(records, separators=(",", ":")).encode()
    records[0]["resources"][0].setdefault("data", {})["padding"] = "x" * (SINGLE_LINE_BYTES - len(compact))
    data = json.dumps(records, separators=(",", ":")).encode()
    assert b"\n" not in data  # noqa: S101
    (work / "one-line.ocsf.json").write_bytes(data)


@generator
def deep_nesting(work: Path, args: dict[str, Any]) -> None:
    """100,000 opening brackets, in a findings file or (``target: poam``) as the POA&M."""
    depth = args.get("depth", DEEP_NESTING)
    data = b"[" * depth + b"]" * depth if args.get("closed") else b"[" * depth
    if args.get("target") == "poam":
        (work / "poam.json").write_bytes(data)
    else:
        (work / "deep.ocsf.json").write_bytes(data)


@generator
def bom(work: Path, args: dict[str, Any]) -> None:
    """A UTF-8 BOM before a real file (``source``: ocsf, csv or poam)."""
    source = {"ocsf": EXAMPLE_OCSF, "csv": EXAMPLE_CSV, "poam": work / "poam.json"}[args["source"]]
    name = {"ocsf": "bom.ocsf.json", "csv": "bom.csv", "poam": "poam.json"}[args["source"]]
    (work / name).write_bytes(b"\xef\xbb\xbf" + source.read_bytes())


@generator
def utf16(work: Path, args: dict[str, Any]) -> None:
    """A real file re-encoded as UTF-16 (with its BOM, as Windows tools save it)."""
    source = {"ocsf": EXAMPLE_OCSF, "csv": EXAMPLE_CSV, "poam": work / "poam.json"}[args["source"]]
    name = {"ocsf": "utf16.ocsf.json", "csv": "utf16.csv", "poam": "poam.json"}[args["source"]]
    (work / name).write_bytes(source.read_text(encoding="utf-8").encode("utf-16"))


@generator
def latin1(work: Path, args: dict[str, Any]) -> None:
    """A real file with one text value re-encoded as Latin-1 (``é`` as the single byte 0xE9)."""
    if args["source"] == "csv":
        rows = _csv_rows(EXAMPLE_CSV)
        column = rows[0].index("STATUS_EXTENDED")
        rows[1][column] += " (vérifié)"
        (work / "latin1.csv").write_bytes(_csv_bytes(rows).replace("é".encode(), "é".encode("latin-1")))
    else:
        records = _records(EXAMPLE_OCSF)
        records[0]["status_detail"] += " (vérifié)"
        data = json.dumps(records, indent=4, ensure_ascii=False).encode()
        (work / "latin1.ocsf.json").write_bytes(data.replace("é".encode(), "é".encode("latin-1")))


@generator
def duplicate_uid_conflict(work: Path, args: dict[str, Any]) -> None:
    """A PASS of POAM-002's checks repeated under the same finding uid, the copy saying FAIL."""
    checks = set(_poam(work)["entries"][1]["verification"]["checks"])
    records = _records(EXAMPLE_OCSF)
    passing = next(r for r in records if r["metadata"]["event_code"] in checks and r["status_code"] == "PASS")
    conflict = json.loads(json.dumps(passing))
    conflict["status_code"] = "FAIL"
    conflict["status_detail"] = "conflicting copy: " + conflict.get("status_detail", "")
    records.append(conflict)
    (work / "dup.ocsf.json").write_text(json.dumps(records, indent=4), encoding="utf-8")


@generator
def future_times(work: Path, args: dict[str, Any]) -> None:
    """The example OCSF with every finding dated 30 days after the recording day (``--as-of``)."""
    later = datetime.fromisoformat(RECORDED_ON).replace(tzinfo=UTC) + timedelta(days=30)
    records = _records(EXAMPLE_OCSF)
    for record in records:
        record["time"] = int(later.timestamp())
        record["time_dt"] = later.replace(tzinfo=None).isoformat()
    (work / "future.ocsf.json").write_text(json.dumps(records, indent=4), encoding="utf-8")


@generator
def gzip_truncated(work: Path, args: dict[str, Any]) -> None:
    """The example OCSF gzipped, then cut at ``fraction`` of the compressed bytes."""
    data = gzip.compress(EXAMPLE_OCSF.read_bytes(), mtime=0)
    (work / "cut.ocsf.json.gz").write_bytes(data[: int(len(data) * args["fraction"])])


@generator
def asff_missing_compliance(work: Path, args: dict[str, Any]) -> None:
    """The recorded ASFF with ``Compliance`` removed from its third finding."""
    records = _records(PLAIN_ASFF)
    del records[2]["Compliance"]
    (work / "plain.asff.json").write_text(json.dumps(records, indent=4), encoding="utf-8")


# --- findings: CSV ------------------------------------------------------------------------------------


@generator
def csv_comma(work: Path, args: dict[str, Any]) -> None:
    """The example CSV re-written with ``,`` as the separator."""
    (work / "comma.csv").write_bytes(_csv_bytes(_csv_rows(EXAMPLE_CSV), delimiter=","))


@generator
def csv_missing_columns(work: Path, args: dict[str, Any]) -> None:
    """The example CSV without its STATUS and TIMESTAMP columns."""
    rows = _csv_rows(EXAMPLE_CSV)
    keep = [i for i, name in enumerate(rows[0]) if name not in ("STATUS", "TIMESTAMP")]
    (work / "missing.csv").write_bytes(_csv_bytes([[row[i] for i in keep] for row in rows]))


@generator
def csv_quoted_newlines(work: Path, args: dict[str, Any]) -> None:
    """The example CSV with line breaks (LF and CRLF) inside quoted STATUS_EXTENDED and DESCRIPTION cells."""
    rows = _csv_rows(EXAMPLE_CSV)
    for name in ("STATUS_EXTENDED", "DESCRIPTION"):
        column = rows[0].index(name)
        for row in rows[1:]:
            row[column] = f"first line;\nsecond line\r\n{row[column]}\n"
    (work / "multiline.csv").write_bytes(_csv_bytes(rows))


# --- paths --------------------------------------------------------------------------------------------


@generator
def symlink_loop(work: Path, args: dict[str, Any]) -> None:
    """A scan directory holding the example OCSF, a link back up to itself and a self-referencing link
    (``named: true``: the self-referencing link bears a Prowler output's name)."""
    scan = work / "scan"
    (scan / "nested").mkdir(parents=True)
    (scan / "nested" / "example.ocsf.json").write_bytes(EXAMPLE_OCSF.read_bytes())
    (scan / "nested" / "up").symlink_to("..")
    (scan / "self").symlink_to("self")
    if args.get("named"):
        (scan / "loop.ocsf.json").symlink_to("loop.ocsf.json")


@generator
def fifo(work: Path, args: dict[str, Any]) -> None:
    """A named pipe where a findings file (or ``target: poam``, the POA&M) should be; nobody writes to it."""
    if args.get("target") == "poam":
        os.unlink(work / "poam.json")
        os.mkfifo(work / "poam.json")
    else:
        os.mkfifo(work / "pipe.ocsf.json")


@generator
def odd_entry(work: Path, args: dict[str, Any]) -> None:
    """A scan folder holding the example OCSF beside an entry named ``name`` that is not a regular file:
    ``kind`` ``fifo`` (a named pipe nobody writes to) or ``dangling`` (a link to a file that is gone)."""
    scan = work / "scan"
    scan.mkdir()
    (scan / EXAMPLE_OCSF.name).write_bytes(EXAMPLE_OCSF.read_bytes())
    if args["kind"] == "fifo":
        os.mkfifo(scan / args["name"])
    else:
        (scan / args["name"]).symlink_to("gone.ocsf.json")


@generator
def no_output_folder(work: Path, args: dict[str, Any]) -> None:
    """A findings folder with no Prowler output: empty, or with ``files`` that are not outputs."""
    (work / "scan").mkdir()
    for name in args.get("files", ()):
        (work / "scan" / name).write_text("scan notes\n", encoding="utf-8")


# --- hostile sizes ------------------------------------------------------------------------------------


@generator
def nul_filled(work: Path, args: dict[str, Any]) -> None:
    """``megabytes`` of NUL bytes named like an OCSF output (a disk image, a file never written: sparse)."""
    with (work / "zeros.ocsf.json").open("wb") as handle:
        handle.truncate(args["megabytes"] * 1024 * 1024)


def _padded_gzip(megabytes: int) -> bytes:
    """The example OCSF, still valid JSON, padded with ``megabytes`` of blank space and gzipped (~1000:1)."""
    record = EXAMPLE_OCSF.read_bytes().rstrip()
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [packer.compress(record[:-1])]
    blank = b" " * (1024 * 1024)
    parts += [packer.compress(blank) for _ in range(megabytes)]
    parts += [packer.compress(b"]\n"), packer.flush()]
    return b"".join(parts)


@generator
def gzip_bomb(work: Path, args: dict[str, Any]) -> None:
    """A gzip bomb named like an OCSF output (``in_zip: true``: stored in a zip, which deflates it no more)."""
    bomb = _padded_gzip(args["megabytes"])
    if not args.get("in_zip"):
        (work / "bomb.ocsf.json.gz").write_bytes(bomb)
        return
    with zipfile.ZipFile(work / "report.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bomb.ocsf.json.gz", bomb)


# --- POA&M --------------------------------------------------------------------------------------------


@generator
def poam_many_entries(work: Path, args: dict[str, Any]) -> None:
    """The example POA&M's entries repeated to 10,000, each with its own id."""
    document = _poam(work)
    originals = document["entries"]
    entries = []
    for number in range(LARGE_POAM_ENTRIES):
        entry = dict(originals[number % len(originals)])
        entry["id"] = f"POAM-{number + 1:05d}"
        entries.append(entry)
    document["entries"] = entries
    _write_poam(work, document)


@generator
def poam_large_field(work: Path, args: dict[str, Any]) -> None:
    """The example POA&M with a 1 MB ``finding`` text (non-ASCII included) on its first entry."""
    document = _poam(work)
    document["entries"][0]["finding"] = ("Überprüfung fehlgeschlagen — " * 40_000)[:LARGE_FIELD_CHARS]
    _write_poam(work, document)


@generator
def poam_practice_case(work: Path, args: dict[str, Any]) -> None:
    """The example POA&M with its first practice id in lower case (``au.l2-3.3.8``)."""
    document = _poam(work)
    document["entries"][0]["practice_id"] = document["entries"][0]["practice_id"].lower()
    _write_poam(work, document)


@generator
def poam_truncated(work: Path, args: dict[str, Any]) -> None:
    """The example POA&M cut in half."""
    data = (work / "poam.json").read_bytes()
    (work / "poam.json").write_bytes(data[: len(data) // 2])


def make(name: str, work: Path, args: dict[str, Any]) -> None:
    """Run the generator ``name`` in ``work``."""
    GENERATORS[name](work, args)


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in GENERATORS:
        sys.exit(f"usage: make_corpus.py {{{','.join(GENERATORS)}}} DIR")
    target = Path(sys.argv[2])
    target.mkdir(parents=True, exist_ok=True)
    make(sys.argv[1], target, {})

"""Hostile findings inputs: what refusing them costs in time and peak memory, each in a child process.

Generated in a temporary directory from the recorded example OCSF, then deleted: a gzip bomb (about 1 MB
that inflates to 1 GB of a valid Prowler document padded with blank space), the same bomb stored in a
zip, and a 1 GB file of NUL bytes named like an OCSF output. ``poam verify`` must refuse each with exit
3; the table shows how long that took and the most memory the child held. Before inflation was bounded
as it streams, the bomb took 47 s and 4.3 GB and was accepted.

Usage: ``python -m benchmarks.hostile [--gigabytes 1]``
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path

from benchmarks.run import REPO_ROOT, Measured, machine, measure

EXAMPLE = REPO_ROOT / "examples" / "prowler-output"
EXAMPLE_OCSF = EXAMPLE / "prowler-output-123456789012-example.ocsf.json"
_MEGABYTE = 1024 * 1024
_INVALID_INPUT = 3


def gzip_bomb(path: Path, gigabytes: float) -> Path:
    """The example OCSF, still valid JSON, padded to ``gigabytes`` with blank space and gzipped, streamed."""
    document = EXAMPLE_OCSF.read_bytes().rstrip()
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    blank = b" " * _MEGABYTE
    with path.open("wb") as handle:
        handle.write(packer.compress(document[:-1]))
        for _ in range(round(gigabytes * 1024)):
            handle.write(packer.compress(blank))
        handle.write(packer.compress(b"]\n") + packer.flush())
    return path


def zipped(bomb: Path, path: Path) -> Path:
    """``bomb`` as the one member of a zip: deflating a gzip again gains nothing, so the zip looks harmless."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(bomb, bomb.name)
    return path


def nul_filled(path: Path, gigabytes: float) -> Path:
    """``gigabytes`` of NUL bytes named like an OCSF output (sparse: nothing is written)."""
    with path.open("wb") as handle:
        handle.truncate(round(gigabytes * 1024**3))
    return path


def _command(findings: Path, scratch: Path) -> list[str]:
    return [
        *[sys.executable, "-m", "verifier", "verify", "--poam", str(REPO_ROOT / "poam.json")],
        *["--mapping", str(REPO_ROOT / "mappings" / "cmmc-l2-aws.json"), "--findings", str(findings)],
        *["--out", str(scratch / "out"), "--history", str(scratch / "history.jsonl")],
    ]


def run(gigabytes: float) -> list[Measured]:
    """Generate each hostile input, measure ``poam verify`` refusing it, and clean up."""
    with tempfile.TemporaryDirectory(prefix="poam-hostile-") as temporary:
        scratch = Path(temporary)
        bomb = gzip_bomb(scratch / "bomb.ocsf.json.gz", gigabytes)
        inputs = [
            (f"gzip bomb ({bomb.stat().st_size / _MEGABYTE:.1f} MB -> {gigabytes:g} GB)", bomb),
            ("the same bomb inside a zip", zipped(bomb, scratch / "report.zip")),
            (
                f"{gigabytes:g} GB of NUL bytes as *.ocsf.json",
                nul_filled(scratch / "zeros.ocsf.json", gigabytes),
            ),
        ]
        return [
            measure(label, _command(path, scratch), 0, path.stat().st_size, expect=(_INVALID_INPUT,))
            for label, path in inputs
        ]


def report(results: Sequence[Measured]) -> str:
    """A Markdown table: each hostile input, how long refusing it took and the child's peak memory."""
    lines = [
        f"Hostile inputs, each refused with exit {_INVALID_INPUT} ({machine()})",
        "",
        "| input | size on disk (MB) | seconds to refuse | peak RSS (MiB) |",
        "| --- | ---: | ---: | ---: |",
    ]
    lines += [
        f"| {m.label} | {m.data_bytes / _MEGABYTE:,.1f} | {m.seconds:.2f} | {m.peak_rss_bytes / 2**20:,.0f} |"
        for m in results
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--gigabytes", type=float, default=1.0, help="what the bomb inflates to, and the NUL file"
    )
    args = parser.parse_args(argv)
    print(report(run(args.gigabytes)))


if __name__ == "__main__":
    main()

"""``poam verify`` at organisation scale against its limit and a plain-stdlib baseline, measured in one run.

Generates (or reuses, keyed by the parameters, under ``.bench/``) a set of per-account OCSF files, one
single big OCSF file at two sizes and the smaller one re-indented as ``jq .`` writes it, then runs each
measurement as a child process. Peak memory is that of the child and every worker it starts, summed
(sampled from ``/proc``), so a process pool cannot hide its workers. Three references are measured on
the same files in the same run: the decode the verdicts need and nothing else (msgspec Structs with
only the fields the verifier reads, every core: the limit), the stdlib ``json.load`` baseline, and
``poam verify`` over 100 / 1,000 / 10,000-entry POA&Ms on the example findings. Prints Markdown tables
with the ratios and the machine.

Usage: ``python -m benchmarks.run [--findings 1000000 --files 200] [--single-file-gb 2]``
(``make bench``); quick mode: ``--findings 20000 --files 10 --single-file-gb 0.05``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Collection, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from benchmarks import generate, poam_import, startup

REPO_ROOT = generate.REPO_ROOT
BENCH_DIR = REPO_ROOT / ".bench"
_DONE = ".complete"


@dataclass(frozen=True, slots=True)
class Measured:
    """One child process: what it did, how long it took and its peak resident memory."""

    label: str
    findings: int
    data_bytes: int
    seconds: float
    peak_rss_bytes: int

    def row(self) -> str:
        rate = self.findings / self.seconds if self.seconds else 0.0
        return (
            f"| {self.label} | {self.findings:,} | {self.data_bytes / 1e9:.2f} | {self.seconds:.1f} "
            f"| {rate:,.0f} | {self.peak_rss_bytes / 2**20:,.0f} |"
        )


def finding_set(findings: int, files: int, seed: int, root: Path) -> Path:
    """The per-account set for these parameters, generated once and reused."""
    directory = root / f"set-v{generate.VERSION}-f{findings}-n{files}-s{seed}"
    if not (directory / _DONE).exists():
        generate.generate(files, findings, seed, directory / "findings")
        (directory / _DONE).touch()
    return directory / "findings"


def single_file(size_gb: float, seed: int, root: Path) -> tuple[Path, int]:
    """One OCSF file of about ``size_gb`` GB (one account), generated once and reused; and its finding count."""
    count = max(1, round(size_gb * 1e9 / _bytes_per_finding()))
    directory = root / f"single-v{generate.VERSION}-f{count}-s{seed}"
    if not (directory / _DONE).exists():
        generate.generate(1, count, seed, directory / "findings")
        (directory / _DONE).touch()
    return next((directory / "findings").glob("*.ocsf.json")), count


def _bytes_per_finding() -> float:
    sizes = [len(t.render(_SAMPLE_VALUES)) for t in generate.load_templates()]
    return sum(sizes) / len(sizes) + 1


_SAMPLE_VALUES = {
    "check": '"cloudtrail_log_file_validation_enabled"',
    "finding_uid": '"prowler-aws-cloudtrail_log_file_validation_enabled-123456789012-us-east-1-00000000"',
    "status_code": '"PASS"',
    "status": '"New"',
    "account": '"123456789012"',
    "region": '"us-east-1"',
    "resource": '"arn:aws:cloudtrail:us-east-1:123456789012:resource/cloudtrail-0000"',
    "time": "1795578643",
    "time_dt": '"2026-11-25T03:50:43"',
}


def bench_poam(findings_dir: Path, out: Path) -> Path:
    """The example POA&M with its scope widened to every generated account and region."""
    poam = json.loads((REPO_ROOT / "poam.json").read_text(encoding="utf-8"))
    accounts = sorted(p.name.split("-")[2] for p in findings_dir.glob("*.ocsf.json"))
    poam["scope"]["accounts"] = accounts
    poam["scope"]["regions"] = list(generate.REGIONS)
    path = out / "poam.json"
    path.write_text(json.dumps(poam, indent=2), encoding="utf-8")
    return path


def measure(
    label: str, command: Sequence[str], findings: int, data_bytes: int, expect: Collection[int] = (0, 1)
) -> Measured:
    """Run ``command`` as a child; its wall time and the peak of its and its workers' summed RSS.

    An exit code outside ``expect`` stops the benchmark (a hostile input is expected to exit 3)."""
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    sampler = _TreeRss(child.pid)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    sampler.stop()
    stderr = child.stderr.read().decode(errors="replace") if child.stderr else ""
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode not in expect:
        sys.exit(f"failed ({child.returncode}): {' '.join(command)}\n{stderr[-2000:]}")
    return Measured(label, findings, data_bytes, seconds, max(sampler.peak, usage.ru_maxrss * 1024))


class _TreeRss:
    """The peak over time of the summed resident memory of a process and all its descendants.

    ``ru_maxrss`` is one process's own peak; a pool's workers each have theirs, and what the machine
    must hold is their sum at the worst moment, so ``/proc`` is sampled every 20 ms.
    """

    def __init__(self, pid: int) -> None:
        self.peak = 0
        self._pid = pid
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._done.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._done.wait(0.02):
            self.peak = max(self.peak, sum(_rss(pid) for pid in _tree(self._pid)))


def _tree(root: int) -> list[int]:
    pids, pending = [], [root]
    while pending:
        pid = pending.pop()
        pids.append(pid)
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            continue
        pending += [int(child) for child in children]
    return pids


def _rss(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/statm").read_text().split()
    except OSError:
        return 0
    return int(fields[1]) * os.sysconf("SC_PAGE_SIZE")


def verify_command(poam: Path, findings: Path, scratch: Path) -> list[str]:
    """``poam verify`` over ``findings``, writing into a fresh scratch directory."""
    out = Path(tempfile.mkdtemp(dir=scratch))
    return [
        *[sys.executable, "-m", "verifier", "verify", "--poam", str(poam), "--findings", str(findings)],
        *["--out", str(out / "out"), "--history", str(out / "history.jsonl"), "--as-of", generate.AS_OF],
    ]


def baseline(paths: Sequence[str]) -> None:
    """Plain stdlib, the same reduction: the latest status per (check, account, region, resource)."""
    latest: dict[tuple[str, str, str, str], tuple[int, str]] = {}
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            records = json.load(handle)
        for record in records:
            key = (
                record["metadata"]["event_code"],
                record["cloud"]["account"]["uid"],
                record["cloud"]["region"],
                record["resources"][0]["uid"],
            )
            seen = (record["time"], record["status_code"])
            if key not in latest or seen > latest[key]:
                latest[key] = seen
        del records
    print(len(latest))


def decode_only(paths: Sequence[str]) -> None:
    """The limit: each whole file decoded into the verifier's own OCSF Struct, on every core."""
    with ProcessPoolExecutor(max_workers=os.cpu_count()) as pool:
        print(sum(pool.map(_decode_file, paths)))


def _decode_file(path: str) -> int:
    import msgspec

    from verifier.inputs.findings.ocsf import OcsfRecord

    return len(msgspec.json.decode(Path(path).read_bytes(), type=list[OcsfRecord]))


def warm(paths: Sequence[Path]) -> None:
    """Read every file once, so each measurement finds them in the page cache."""
    for path in paths:
        with path.open("rb") as handle:
            while handle.read(64 * 1024 * 1024):
                pass


def reindented(source: Path) -> Path:
    """``source`` re-dumped with ``indent=2`` beside it, made once and reused."""
    target = source.with_name(source.name.replace(".ocsf.json", "-indent2.json"))
    done = target.with_name(target.name + _DONE)
    if not done.exists():
        generate.reindent(source, target)
        done.touch()
    return target


def entries_poam(count: int, out: Path) -> Path:
    """The example POA&M's entries repeated to ``count``, each with its own id (as real POA&Ms grow)."""
    poam = json.loads((REPO_ROOT / "poam.json").read_text(encoding="utf-8"))
    originals = poam["entries"]
    poam["entries"] = [{**originals[n % len(originals)], "id": f"POAM-{n + 1:05d}"} for n in range(count)]
    path = out / f"poam-{count}.json"
    path.write_text(json.dumps(poam, indent=2), encoding="utf-8")
    return path


def _data_bytes(paths: Sequence[Path]) -> int:
    return sum(p.stat().st_size for p in paths)


def machine() -> str:
    """Cores, RAM, CPU model and Python, as one line."""
    model, ram = platform.processor() or platform.machine(), 0.0
    cpuinfo, meminfo = Path("/proc/cpuinfo"), Path("/proc/meminfo")
    if cpuinfo.exists():
        names = [
            line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines() if "model name" in line
        ]
        model = names[0] if names else model
    if meminfo.exists():
        ram = int(meminfo.read_text().split()[1]) / 2**20
    python = f"{platform.python_implementation()} {platform.python_version()}"
    return f"{os.cpu_count()} cores, {ram:.0f} GB RAM, {model}, {python}, {platform.system()} {platform.machine()}"


def run(findings: int, files: int, single_gb: float, seed: int, root: Path, entries: Sequence[int]) -> str:
    """Generate or reuse the data, measure everything, return the Markdown report."""
    set_dir = finding_set(findings, files, seed, root)
    set_files = sorted(set_dir.glob("*.ocsf.json"))
    small, small_count = single_file(single_gb / 4, seed, root)
    big, big_count = single_file(single_gb, seed, root)
    small_indented = reindented(small)
    # Every run reads from the page cache: without this the first row pays the disk for files the
    # later rows then find cached (12 GB fits in the machine's memory).
    warm([*set_files, small, big, small_indented])
    with tempfile.TemporaryDirectory(dir=root) as scratch_name:
        scratch = Path(scratch_name)
        poam = bench_poam(set_dir, scratch)
        set_bytes = _data_bytes(set_files)
        py = sys.executable
        results = [
            measure(
                "poam verify, per-account set", verify_command(poam, set_dir, scratch), findings, set_bytes
            ),
            measure(
                "decode only (msgspec, all cores), same set",
                [py, "-m", "benchmarks.run", "--decode-only", *map(str, set_files)],
                findings,
                set_bytes,
            ),
            measure(
                "stdlib baseline (json.load), same set",
                [py, "-m", "benchmarks.run", "--baseline", *map(str, set_files)],
                findings,
                set_bytes,
            ),
            measure(
                f"poam verify, one file ({single_gb / 4:g} GB)",
                verify_command(poam, small, scratch),
                small_count,
                _data_bytes([small]),
            ),
            measure(
                f"poam verify, one file ({single_gb:g} GB)",
                verify_command(poam, big, scratch),
                big_count,
                _data_bytes([big]),
            ),
            measure(
                f"poam verify, one file ({single_gb / 4:g} GB) re-indented (indent=2)",
                verify_command(poam, small_indented, scratch),
                small_count,
                _data_bytes([small_indented]),
            ),
        ]
        sized = [measure_entries(count, scratch) for count in entries]
    return report(results, files) + "\n\n" + entries_report(sized)


def measure_entries(count: int, scratch: Path) -> Measured:
    """``poam verify`` of a ``count``-entry POA&M on the example findings (the whole command)."""
    poam = entries_poam(count, scratch)
    command = verify_command(poam, REPO_ROOT / "examples" / "prowler-output", scratch)
    return measure(f"poam verify, {count:,}-entry POA&M, example findings", command, count, 0)


def report(results: Sequence[Measured], files: int) -> str:
    """The Markdown table, the ratios and the machine."""
    verify, limit, stdlib, small, big, indented = results
    lines = [
        f"machine: {machine()}",
        "",
        "| run | findings | data (GB) | wall (s) | findings/s | peak RSS (MB) |",
        "|---|---|---|---|---|---|",
        *(r.row() for r in results),
        "",
        "| ratio | measured | target |",
        "|---|---|---|",
        f"| poam verify time, {files} files | {verify.seconds:.1f} s | ≤ 20 s per 1M findings |",
        f"| stdlib baseline time / poam verify time ({files} files) | {stdlib.seconds / verify.seconds:.2f}× | ≥ 5× |",
        f"| poam verify time / decode-only limit ({files} files) | {verify.seconds / limit.seconds:.2f}× | ≤ 1.5× |",
        f"| stdlib baseline time / decode-only limit | {stdlib.seconds / limit.seconds:.2f}× | (reference) |",
        f"| peak RSS, {files}-file set, all workers | {verify.peak_rss_bytes / 2**30:.2f} GB | ≤ 1 GB |",
        f"| peak RSS, one big file | {big.peak_rss_bytes / 2**30:.2f} GB | ≤ 1 GB |",
        f"| peak RSS growth, one file ×{big.data_bytes / small.data_bytes:.1f} size "
        f"| {big.peak_rss_bytes / small.peak_rss_bytes:.2f}× | ≈ 1× |",
        f"| re-indented / Prowler layout, same findings | {indented.seconds / small.seconds:.2f}× | ≤ 1.5× |",
        f"| poam verify time per 1M findings | {verify.seconds * 1e6 / verify.findings:.1f} s | ≤ 20 s |",
    ]
    return "\n".join(lines)


def entries_report(results: Sequence[Measured]) -> str:
    """One row per POA&M size: the whole ``poam verify`` command, interpreter start-up included."""
    lines = ["| POA&M entries | wall (s) | per entry (ms) | peak RSS (MB) |", "|---|---|---|---|"]
    lines += [
        f"| {r.findings:,} | {r.seconds:.2f} | {r.seconds * 1e3 / r.findings:.2f} | {r.peak_rss_bytes / 2**20:,.0f} |"
        for r in results
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    """Parse the arguments, run and print the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--findings", type=int, default=1_000_000)
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--single-file-gb", type=float, default=2.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--root", type=Path, default=BENCH_DIR, help="where generated data is kept (default .bench/)"
    )
    parser.add_argument(
        "--entries", default="100,1000,10000", help="POA&M sizes to verify on the example findings"
    )
    parser.add_argument(
        "--hostile-gb",
        type=float,
        default=1.0,
        help="size of the hostile findings inputs (benchmarks.hostile)",
    )
    parser.add_argument("--startup-repeat", type=int, default=9, help="rounds of the start-up measurement")
    parser.add_argument("--baseline", nargs="+", help=argparse.SUPPRESS)  # the stdlib child process
    parser.add_argument("--decode-only", nargs="+", help=argparse.SUPPRESS)  # the limit child process
    args = parser.parse_args(argv)
    if args.baseline:
        baseline(args.baseline)
        return
    if args.decode_only:
        decode_only(args.decode_only)
        return
    args.root.mkdir(parents=True, exist_ok=True)
    entries = [int(n) for n in args.entries.split(",") if n]
    print(run(args.findings, args.files, args.single_file_gb, args.seed, args.root, entries))
    print("\n" + poam_import.run(args.root / "poam-import"))
    from benchmarks import hostile  # it measures with this module's tools: imported once this one is loaded

    print("\n" + hostile.report(hostile.run(args.hostile_gb)))
    print("\n" + startup.report(startup.measure(repeat=args.startup_repeat)))


if __name__ == "__main__":
    main()

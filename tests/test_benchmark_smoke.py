"""The organisation-scale benchmark in quick mode, so it cannot rot: it runs and prints its table.

No timing is asserted: the shared machine is noisy and the figures are for people, not for CI.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import generate, poam_import, run, scan_vs_compliance
from verifier.inputs.findings import load_findings


def test_generated_files_are_prowler_ocsf_that_verify_reads(tmp_path: Path) -> None:
    written = generate.generate(3, 50, 7, tmp_path)

    loaded = load_findings([tmp_path])

    assert [p.name.split("-")[2] for p in written] == generate.account_ids(3, 7)
    assert len(loaded.findings) == 50
    assert {f.check_id for f in loaded.findings} <= set(generate.check_ids())
    assert {f.account for f in loaded.findings} == set(generate.account_ids(3, 7))


def test_generation_is_deterministic_from_the_seed(tmp_path: Path) -> None:
    first = generate.generate(2, 20, 3, tmp_path / "a")
    second = generate.generate(2, 20, 3, tmp_path / "b")
    other = generate.generate(2, 20, 4, tmp_path / "c")

    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    assert first[1].read_bytes() != other[1].read_bytes()


def test_csv_twins_hold_the_same_results(tmp_path: Path) -> None:
    written = generate.generate(1, 30, 5, tmp_path, with_csv=True)

    ocsf = load_findings([written[0]]).findings
    csv = load_findings([written[1]]).findings

    def results(findings: tuple[object, ...]) -> list[tuple[object, ...]]:
        keys = ("check_id", "account", "region", "resource_uid", "status", "muted")
        return [tuple(getattr(f, k) for k in keys) for f in findings]

    assert results(ocsf) == results(csv)


# The hostile ``poam import`` inputs the quick run measures: one workbook and the CSV. Each of the eight is a
# child process of about a second, and the two 10,000-row workbooks and the million-row one take 6 to 10 s
# each; their behaviour (every row read, nothing quadratic) is asserted at a small size by
# tests/inputs/poam_import/test_workbook.py and test_csv_source.py, and every input is still built below.
_QUICK_IMPORT_INPUTS = ("spaces.xlsx", "sniffer.csv")


def test_quick_mode_prints_the_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    quick = ["--findings", "200", "--files", "2", "--single-file-gb", "0.002", "--hostile-gb", "0.01"]
    monkeypatch.setattr(
        poam_import, "INPUTS", tuple(i for i in poam_import.INPUTS if i[1] in _QUICK_IMPORT_INPUTS)
    )
    # Two POA&M sizes keep the per-size table honest; a 10,000-entry verify is the corpus's poam-10000-entries.
    run.main([*quick, "--entries", "10,100", "--startup-repeat", "1", "--root", str(tmp_path)])

    report = capsys.readouterr().out
    assert report.startswith("machine: ")
    assert "| poam verify, per-account set | 200 |" in report
    assert "stdlib baseline time / poam verify time" in report
    assert "peak RSS, one big file" in report
    assert "| POA&M entries | wall (s) |" in report
    assert "| 10 | " in report and "| 100 | " in report
    assert "| hostile `poam import` input |" in report
    assert "| resources cell, 60,000 spaces | 5 | 1 |" in report  # one row read from the one-row workbook
    assert "| CSV, a 1 MB first line of quote-comma noise | 1,000 | 1 |" in report


def test_every_hostile_import_input_is_built(tmp_path: Path) -> None:
    """What the quick run leaves out of its measurement is still made, so no input's builder can rot."""
    for _label, name, make in poam_import.INPUTS:
        if name in _QUICK_IMPORT_INPUTS:
            continue
        path = make(tmp_path / name)
        assert path.stat().st_size > 0, name


def test_scan_benchmark_alternates_the_order_of_its_runs() -> None:
    """A fresh moto server loads backends on first use: no side may always go first."""
    calls: list[tuple[int, str]] = []

    def fake_run(name: str, round_no: int) -> float:
        calls.append((round_no, name))
        return float(len(calls))

    times = scan_vs_compliance._rounds(2, fake_run)

    assert calls == [
        (0, "targeted"),
        (0, "compliance"),
        (0, "prowler-only"),
        (1, "prowler-only"),
        (1, "compliance"),
        (1, "targeted"),
    ]
    assert times == {"targeted": [1.0, 6.0], "compliance": [2.0, 5.0], "prowler-only": [3.0, 4.0]}


def test_scan_benchmark_runs_the_same_checks_and_region_on_both_sides(tmp_path: Path) -> None:
    checks = ("iam_password_policy_symbol", "s3_bucket_default_encryption")
    commands = scan_vs_compliance._commands("prowler", checks, tmp_path, 0)

    assert commands["prowler-only"][commands["prowler-only"].index("--checks") + 1 :][:2] == list(checks)
    for name in ("compliance", "prowler-only"):
        assert commands[name][commands[name].index("-f") + 1] == scan_vs_compliance.REGION
    assert "--history" in commands["targeted"]  # the benchmark never writes a ledger into the repository


def test_the_org_benchmark_runs_every_shard_once_and_verifies_each_mode_over_its_own_outputs(
    tmp_path: Path,
) -> None:
    from benchmarks import org_scan

    modes = org_scan._modes(tmp_path / "poam.json", tmp_path)
    assert list(modes) == ["serial", "--parallel 2", "3 shards, 3 processes"]
    commands, outputs = modes["3 shards, 3 processes"]
    assert [c[c.index("--shard") + 1] for c in commands] == ["1/3", "2/3", "3/3"]
    assert outputs == [tmp_path / f"shard-{k}" / "scan" for k in (1, 2, 3)]
    assert "--parallel" in modes["--parallel 2"][0][0]


def test_hostile_inputs_are_measured_and_each_refused(capsys: pytest.CaptureFixture[str]) -> None:
    from benchmarks import hostile

    hostile.main(["--gigabytes", "0.01"])  # measure() stops the run if any input is not refused with exit 3

    report = capsys.readouterr().out
    assert "| gzip bomb (" in report and "| the same bomb inside a zip |" in report
    assert "GB of NUL bytes as *.ocsf.json |" in report

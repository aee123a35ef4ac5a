"""``load_findings``: files, ``.gz`` files and directories, provenance, progress and de-duplication."""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
from pathlib import Path

import pytest

from tests.inputs.findings.recorded import (
    CMMC,
    CMMC_COMPLIANCE_CSV,
    CMMC_COMPLIANCE_OCSF_GZ,
    CMMC_CSV,
    MUTED,
    PLAIN,
    PLAIN_ASFF,
    PLAIN_CSV,
    PLAIN_OCSF,
    PROWLER,
    signatures,
)
from verifier.errors import FindingsFormatError, InputError
from verifier.inputs.findings import load_findings
from verifier.inputs.findings.findings_set import SourceFile


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_single_file_records_its_provenance() -> None:
    result = load_findings([PLAIN_OCSF])
    assert result.files == (SourceFile(str(PLAIN_OCSF), sha256(PLAIN_OCSF), "ocsf", 9),)
    assert len(result.findings) == 9
    assert result.prowler_versions == ("5.46.0",)


def test_a_prowler_output_directory_is_read_recursively_in_sorted_order() -> None:
    result = load_findings([PROWLER])
    assert [(Path(f.path).relative_to(PROWLER).as_posix(), f.format, f.findings) for f in result.files] == [
        ("cmmc/cmmc.csv", "csv", 8),
        ("cmmc/compliance/cmmc_cmmc_2.0.csv", "compliance-csv", 8),
        ("muted/muted.asff.json", "asff", 8),
        ("muted/muted.csv", "csv", 9),
        ("muted/muted.ocsf.json", "ocsf", 9),
        ("plain/plain.asff.json", "asff", 8),
        ("plain/plain.csv", "csv", 9),
        ("plain/plain.ocsf.json", "ocsf", 9),
        *(
            (f"providers/{provider}/{name}", kind, count)
            for provider, stem, count in (
                ("azure", "contoso.onmicrosoft.us", 6),
                ("gcp", "prowler-scan@cui-enclave-prod.iam.gserviceaccount.com", 5),
                ("m365", "contoso.onmicrosoft.us", 5),
            )
            for name, kind in (
                (f"compliance/prowler-output-{stem}-20261130140000_cmmc_2.0.csv", "compliance-csv"),
                (f"prowler-output-{stem}-20261130140000.csv", "csv"),
                (f"prowler-output-{stem}-20261130140000.ocsf.json", "ocsf"),
            )
        ),
    ]
    assert all(f.sha256 == sha256(Path(f.path)) for f in result.files)


def test_the_compliance_ocsf_is_passed_over_in_a_directory_but_refused_by_name() -> None:
    assert str(CMMC_COMPLIANCE_OCSF_GZ) not in {f.path for f in load_findings([CMMC]).files}
    with pytest.raises(FindingsFormatError, match=r"class 2003.*compliance CSV"):
        load_findings([CMMC_COMPLIANCE_OCSF_GZ])


def test_one_scan_saved_in_three_formats_is_kept_once_from_the_ocsf() -> None:
    result = load_findings([PLAIN])
    assert [f.findings for f in result.files] == [8, 9, 9]
    assert len(result.findings) == 9
    assert {f.source_file for f in result.findings} == {str(PLAIN_OCSF)}
    assert signatures(result.findings) == signatures(load_findings([PLAIN_OCSF]).findings)


def test_different_results_for_one_resource_are_all_kept() -> None:
    # The muted run mutes one FAIL the plain run reports unmuted: both results survive. The muted run
    # is the newer scan of the same checks, so the plain run's result is kept as superseded.
    result = load_findings([PLAIN_OCSF, MUTED / "muted.ocsf.json"])
    kept = [*result.findings, *(s.finding for s in result.superseded)]
    legacy = [f for f in kept if f.resource_uid == "arn:aws:s3:::cui-legacy-unencrypted"]
    assert sorted(f.muted for f in legacy) == [False, True]


def test_the_compliance_csv_repeats_the_main_csv_of_its_scan() -> None:
    result = load_findings([CMMC_CSV, CMMC_COMPLIANCE_CSV])
    assert [f.findings for f in result.files] == [8, 8]
    assert len(result.findings) == 8
    assert {f.source_file for f in result.findings} == {str(CMMC_CSV)}


def test_a_file_named_twice_is_read_once() -> None:
    result = load_findings([PLAIN_CSV, PLAIN, PLAIN_CSV])
    assert [Path(f.path).name for f in result.files] == ["plain.csv", "plain.asff.json", "plain.ocsf.json"]


def test_progress_is_reported_before_each_file() -> None:
    calls: list[tuple[str, int, int]] = []
    load_findings([PLAIN], progress=lambda name, index, total: calls.append((Path(name).name, index, total)))
    assert calls == [("plain.asff.json", 0, 3), ("plain.csv", 1, 3), ("plain.ocsf.json", 2, 3)]


def test_gzip_files_are_read_and_hashed_as_stored(tmp_path: Path) -> None:
    gz = tmp_path / "plain.ocsf.json.gz"
    gz.write_bytes(gzip.compress(PLAIN_OCSF.read_bytes()))
    result = load_findings([gz])
    assert result.files == (SourceFile(str(gz), sha256(gz), "ocsf", 9),)
    assert signatures(result.findings) == signatures(load_findings([PLAIN_OCSF]).findings)


def test_gzip_files_are_found_in_directories(tmp_path: Path) -> None:
    for path in (PLAIN_CSV, PLAIN_ASFF):
        (tmp_path / f"{path.name}.gz").write_bytes(gzip.compress(path.read_bytes()))
    assert [f.format for f in load_findings([tmp_path]).files] == ["asff", "csv"]


def test_an_empty_directory_or_one_without_prowler_output_is_refused(tmp_path: Path) -> None:
    # An empty or wrong folder is not a scan that found nothing: every entry would be NOT_VERIFIED and
    # the run recorded as if something had been scanned.
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(FindingsFormatError, match=r"empty: no Prowler output found"):
        load_findings([empty])
    (tmp_path / "notes.txt").write_text("scan notes", encoding="utf-8")
    (tmp_path / "inventory.csv").write_text("name,owner\nbucket,alice\n", encoding="utf-8")
    shutil.copyfile(MUTED / "mutelist.yaml", tmp_path / "mutelist.yaml")
    with pytest.raises(FindingsFormatError, match="no Prowler output found"):
        load_findings([tmp_path])


def test_a_folder_without_output_is_refused_even_beside_one_with_output(tmp_path: Path) -> None:
    (tmp_path / "wrong").mkdir()
    (tmp_path / "wrong" / "notes.txt").write_text("scan notes", encoding="utf-8")
    with pytest.raises(FindingsFormatError, match=r"wrong: no Prowler output found"):
        load_findings([PLAIN_OCSF, tmp_path / "wrong"])


def test_hidden_files_and_directories_are_skipped(tmp_path: Path) -> None:
    (tmp_path / ".old").mkdir()
    shutil.copyfile(PLAIN_OCSF, tmp_path / ".old" / "plain.ocsf.json")
    shutil.copyfile(PLAIN_CSV, tmp_path / ".plain.csv")
    shutil.copyfile(PLAIN_ASFF, tmp_path / "plain.asff.json")
    assert [Path(f.path).name for f in load_findings([tmp_path]).files] == ["plain.asff.json"]


def test_symlink_loops_are_not_followed_forever(tmp_path: Path) -> None:
    scans = tmp_path / "scans"
    scans.mkdir()
    shutil.copyfile(PLAIN_OCSF, scans / "plain.ocsf.json")
    os.symlink(tmp_path, scans / "loop")
    result = load_findings([tmp_path])
    assert [Path(f.path).name for f in result.files] == ["plain.ocsf.json"]


def test_a_named_file_that_is_not_prowler_output_is_an_error(tmp_path: Path) -> None:
    notes = tmp_path / "inventory.csv"
    notes.write_text("name,owner\nbucket,alice\n", encoding="utf-8")
    with pytest.raises(FindingsFormatError, match=r"inventory\.csv: not a recognised Prowler output"):
        load_findings([notes])
    with pytest.raises(FindingsFormatError, match="not a recognised Prowler output"):
        load_findings([MUTED / "mutelist.yaml"])


def test_a_missing_path_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        load_findings([tmp_path / "absent.ocsf.json"])


def test_no_paths_give_an_empty_set() -> None:
    assert load_findings([]).findings == ()


def test_repeats_are_found_by_their_whole_key_even_when_every_hash_collides() -> None:
    from verifier.inputs.findings.repeats import Collected

    files = [PLAIN_ASFF, PLAIN_CSV, PLAIN_OCSF, MUTED / "muted.ocsf.json", PLAIN_OCSF]
    read = [(load_findings([path]).findings, load_findings([path]).files[0].format) for path in files]
    usual, colliding = Collected(), Collected(hasher=lambda key: 0)
    for findings, format_name in read:
        usual.add_checked(list(findings), format_name)
        colliding.add_checked(list(findings), format_name)

    assert colliding.kept == usual.kept
    assert len(usual.kept) < sum(len(findings) for findings, _ in read)
    assert {f.source_file for f in usual.kept} >= {str(PLAIN_OCSF), str(MUTED / "muted.ocsf.json")}

"""Every reader fails closed: broken inputs, derived here from the real recordings, raise one-line errors.

Nothing in a findings file may be skipped in silence: a dropped FAIL could turn into a wrong MET.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.inputs.findings.recorded import (
    CMMC_COMPLIANCE_CSV,
    PLAIN_ASFF,
    PLAIN_CSV,
    PLAIN_OCSF,
    raw_json,
)
from verifier.errors import FindingsFormatError
from verifier.inputs.findings import load_findings


def refused(path: Path, data: bytes, *fragments: str) -> str:
    """Write ``data`` to ``path``, load it, and return the error (checked to be one line naming the file)."""
    path.write_bytes(data)
    with pytest.raises(FindingsFormatError) as caught:
        load_findings([path])
    message = caught.value.message
    assert "\n" not in message
    assert str(path) in message
    for fragment in fragments:
        assert fragment in message
    return message


def edited_json(source: Path, edit: Callable[[list[dict[str, Any]]], object]) -> bytes:
    """The recording with ``edit`` applied to its parsed records."""
    records = raw_json(source)
    result = edit(records)
    return json.dumps(records if result is None else result).encode()


def rewritten_csv(
    source: Path, edit: Callable[[list[list[str]]], list[list[str]]], delimiter: str = ";"
) -> bytes:
    rows = list(csv.reader(io.StringIO(source.read_text(encoding="utf-8"), newline=""), delimiter=";"))
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter).writerows(edit(rows))
    return out.getvalue().encode()


def without_columns(rows: list[list[str]], *names: str) -> list[list[str]]:
    keep = [i for i, name in enumerate(rows[0]) if name not in names]
    return [[row[i] for i in keep] for row in rows]


def set_cell(rows: list[list[str]], row: int, column: str, value: str) -> list[list[str]]:
    rows[row][rows[0].index(column)] = value
    return rows


# --- truncation ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("source", [PLAIN_OCSF, PLAIN_ASFF], ids=["ocsf", "asff"])
@pytest.mark.parametrize("fraction", [0.001, 0.25, 0.5, 0.75, 0.999])
def test_truncated_json_is_refused(tmp_path: Path, source: Path, fraction: float) -> None:
    data = source.read_bytes()
    refused(tmp_path / source.name, data[: int(len(data) * fraction)], "not valid JSON", "truncated?")


@pytest.mark.parametrize("source", [PLAIN_OCSF, PLAIN_ASFF], ids=["ocsf", "asff"])
def test_json_missing_only_its_closing_bracket_is_refused(tmp_path: Path, source: Path) -> None:
    refused(tmp_path / source.name, source.read_bytes().rstrip()[:-1], "not valid JSON")


@pytest.mark.parametrize("source", [PLAIN_OCSF, PLAIN_ASFF, PLAIN_CSV], ids=["ocsf", "asff", "csv"])
def test_an_empty_file_is_refused(tmp_path: Path, source: Path) -> None:
    refused(tmp_path / source.name, b"", "empty file")


@pytest.mark.parametrize(
    ("cut_after", "fragment"),
    [
        (b"```", "malformed CSV"),  # inside a quoted multi-line cell
        (b"arn:aws:s3:::cui-scratch", "fields, the header has 44"),  # mid-row, in the resource column
        (b"https://docs.aws.amazon.com/AmazonS3", "fields, the header has 44"),  # in the last row's tail
        (b"CHECK_ID;CHECK_TITLE", "missing column(s) STATUS, MUTED"),  # inside the header
    ],
)
def test_truncated_csv_is_refused(tmp_path: Path, cut_after: bytes, fragment: str) -> None:
    data = PLAIN_CSV.read_bytes()
    position = data.rindex(cut_after) + len(cut_after)
    refused(tmp_path / "plain.csv", data[:position], fragment)


def test_truncated_compliance_csv_is_refused(tmp_path: Path) -> None:
    data = CMMC_COMPLIANCE_CSV.read_bytes()
    refused(tmp_path / "x_cmmc_2.0.csv", data[: data.index(b"cui-legacy") + 3], "fields, the header has")


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.9])
def test_truncated_gzip_is_refused(tmp_path: Path, fraction: float) -> None:
    data = gzip.compress(PLAIN_OCSF.read_bytes())
    refused(tmp_path / "plain.ocsf.json.gz", data[: int(len(data) * fraction)], "gzip")


def test_gzip_missing_only_its_trailer_is_refused(tmp_path: Path) -> None:
    data = gzip.compress(PLAIN_OCSF.read_bytes())
    refused(tmp_path / "plain.ocsf.json.gz", data[:-4], "truncated gzip file")


def test_gzip_with_a_wrong_checksum_is_refused(tmp_path: Path) -> None:
    data = bytearray(gzip.compress(PLAIN_OCSF.read_bytes()))
    data[-8] ^= 0xFF  # the CRC-32 of the uncompressed data
    refused(tmp_path / "plain.ocsf.json.gz", bytes(data), "not a valid gzip file", "CRC")


def test_a_gz_name_on_plain_bytes_is_refused(tmp_path: Path) -> None:
    refused(tmp_path / "plain.ocsf.json.gz", PLAIN_OCSF.read_bytes(), "not a readable gzip file")


# --- not the expected shape ----------------------------------------------------------------------------


@pytest.mark.parametrize("source", [PLAIN_OCSF, PLAIN_ASFF], ids=["ocsf", "asff"])
def test_an_object_instead_of_an_array_is_refused(tmp_path: Path, source: Path) -> None:
    data = edited_json(source, lambda records: records[0])
    refused(tmp_path / source.name, data, "expected a JSON array of findings, got a JSON object")


@pytest.mark.parametrize("source", [PLAIN_OCSF, PLAIN_ASFF], ids=["ocsf", "asff"])
def test_an_element_that_is_not_an_object_is_refused(tmp_path: Path, source: Path) -> None:
    data = edited_json(source, lambda records: [*records, "a stray string"])
    refused(tmp_path / source.name, data, f"element {len(raw_json(source))}: expected a JSON object")


@pytest.mark.parametrize("source", [PLAIN_OCSF, PLAIN_ASFF, PLAIN_CSV, CMMC_COMPLIANCE_CSV])
def test_latin1_bytes_are_refused(tmp_path: Path, source: Path) -> None:
    data = source.read_bytes().replace(b"org-trail", "org-trail-\u00e9".encode("latin-1"), 1)
    refused(tmp_path / source.name, data, "not UTF-8 text (bad byte at offset")


@pytest.mark.parametrize("source", [PLAIN_CSV, CMMC_COMPLIANCE_CSV], ids=["csv", "compliance"])
def test_comma_separated_csv_is_refused(tmp_path: Path, source: Path) -> None:
    data = rewritten_csv(source, lambda rows: rows, delimiter=",")
    refused(tmp_path / source.name, data, "comma-separated", "';'")


def test_csv_with_a_malformed_header_is_refused(tmp_path: Path) -> None:
    data = PLAIN_CSV.read_bytes().replace(b"AUTH_METHOD", b'"AUTH"_METHOD', 1)
    refused(tmp_path / "plain.csv", data, "malformed findings CSV header")


def test_csv_missing_columns_names_them(tmp_path: Path) -> None:
    data = rewritten_csv(PLAIN_CSV, lambda rows: without_columns(rows, "STATUS", "MUTED"))
    refused(tmp_path / "plain.csv", data, "missing column(s) STATUS, MUTED")


def test_compliance_csv_missing_columns_names_them(tmp_path: Path) -> None:
    data = rewritten_csv(CMMC_COMPLIANCE_CSV, lambda rows: without_columns(rows, "RESOURCEID"))
    refused(tmp_path / "x_cmmc_2.0.csv", data, "missing column(s) RESOURCEID")


# --- bad records ---------------------------------------------------------------------------------------


def drop(path: list[str | int]) -> Callable[[list[dict[str, Any]]], None]:
    def edit(records: list[dict[str, Any]]) -> None:
        node: Any = records[3]
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]

    return edit


@pytest.mark.parametrize(
    ("path", "fragment"),
    [
        (["metadata", "event_code"], "metadata.event_code is missing"),
        (["status_code"], "status_code: unknown status None"),
        (["cloud", "account", "uid"], "cloud.account.uid is missing"),
        (["cloud", "region"], "cloud.region is missing"),
        (["resources", 0], "resources[0].uid is missing"),
        (["finding_info", "uid"], "finding_info.uid is missing"),
    ],
)
def test_ocsf_element_missing_a_required_field_is_refused(
    tmp_path: Path, path: list[str | int], fragment: str
) -> None:
    refused(tmp_path / "plain.ocsf.json", edited_json(PLAIN_OCSF, drop(path)), "element 3", fragment)


def test_ocsf_without_any_time_is_refused(tmp_path: Path) -> None:
    def edit(records: list[dict[str, Any]]) -> None:
        del records[3]["time"], records[3]["time_dt"]

    refused(tmp_path / "plain.ocsf.json", edited_json(PLAIN_OCSF, edit), "time and time_dt are both missing")


def test_ocsf_falls_back_to_time_dt_taken_as_utc(tmp_path: Path) -> None:
    path = tmp_path / "plain.ocsf.json"
    path.write_bytes(edited_json(PLAIN_OCSF, drop(["time"])))
    findings = load_findings([path]).findings
    assert findings[3].time == findings[0].time  # time_dt is the same instant here (recorded in UTC)


@pytest.mark.parametrize(
    ("key", "value", "fragment"),
    [
        ("status_code", "FAILED", "unknown status 'FAILED'"),
        ("status_code", "fail", "unknown status 'fail'"),
        ("time", "yesterday", "time: not a time: 'yesterday'"),
        ("class_uid", 2003, "class 2003"),
        ("class_uid", 1001, "class_uid 1001 is not an OCSF Detection Finding"),
    ],
)
def test_ocsf_bad_values_are_refused(tmp_path: Path, key: str, value: object, fragment: str) -> None:
    def edit(records: list[dict[str, Any]]) -> None:
        records[3][key] = value

    refused(tmp_path / "plain.ocsf.json", edited_json(PLAIN_OCSF, edit), "element 3", fragment)


def test_ocsf_explicit_muted_flag_is_honoured_and_checked(tmp_path: Path) -> None:
    def mute(value: object) -> Callable[[list[dict[str, Any]]], None]:
        def edit(records: list[dict[str, Any]]) -> None:
            records[1]["unmapped"]["muted"] = value

        return edit

    path = tmp_path / "plain.ocsf.json"
    path.write_bytes(edited_json(PLAIN_OCSF, mute(True)))
    assert [f.muted for f in load_findings([path]).findings].count(True) == 1
    refused(path, edited_json(PLAIN_OCSF, mute("yes")), "unmapped.muted is not true/false")


@pytest.mark.parametrize(
    ("edit", "fragment"),
    [
        (lambda r: r.pop("Compliance"), "Compliance is missing"),
        (lambda r: r["Compliance"].update(Status="FAIL"), "unknown Compliance.Status 'FAIL'"),
        (lambda r: r.update(GeneratorId="securityhub-x"), "is not 'prowler-<check id>'"),
        (lambda r: r.pop("AwsAccountId"), "AwsAccountId is missing"),
        (lambda r: r["Resources"].clear(), "Resources[0].Region is missing"),
        (lambda r: r.pop("Id"), "Id is missing"),
        (lambda r: (r.pop("UpdatedAt"), r.pop("CreatedAt")), "UpdatedAt and CreatedAt are both missing"),
    ],
    ids=["no-compliance", "status", "generator", "account", "resources", "id", "time"],
)
def test_asff_bad_elements_are_refused(
    tmp_path: Path, edit: Callable[[dict[str, Any]], object], fragment: str
) -> None:
    def edit_fourth(records: list[dict[str, Any]]) -> None:
        edit(records[3])

    refused(tmp_path / "plain.asff.json", edited_json(PLAIN_ASFF, edit_fourth), "element 3", fragment)


@pytest.mark.parametrize(
    ("column", "value", "fragment"),
    [
        ("STATUS", "Fail", "STATUS: unknown status 'Fail'"),
        ("MUTED", "maybe", "MUTED: expected True or False, got 'maybe'"),
        ("CHECK_ID", "", "CHECK_ID is empty"),
        ("RESOURCE_UID", "", "RESOURCE_UID is empty"),
        ("TIMESTAMP", "25/11/2026", "TIMESTAMP: not a time"),
    ],
)
def test_csv_bad_cells_are_refused(tmp_path: Path, column: str, value: str, fragment: str) -> None:
    data = rewritten_csv(PLAIN_CSV, lambda rows: set_cell(rows, 4, column, value))
    refused(tmp_path / "plain.csv", data, "row 4", fragment)


@pytest.mark.parametrize(
    ("column", "value", "fragment"),
    [
        ("STATUS", "PASSED", "unknown status 'PASSED'"),
        ("MUTED", "", "MUTED: expected True or False"),
        ("ACCOUNTID", "", "ACCOUNTID is empty"),
        ("CHECKID", "manual", "a FAIL row without a check id"),
    ],
)
def test_compliance_csv_bad_cells_are_refused(tmp_path: Path, column: str, value: str, fragment: str) -> None:
    data = rewritten_csv(CMMC_COMPLIANCE_CSV, lambda rows: set_cell(rows, 1, column, value))
    refused(tmp_path / "x_cmmc_2.0.csv", data, "row 1", fragment)

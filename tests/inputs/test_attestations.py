"""Loading ``poam-attestations.json`` and judging one attestation: expiry and artifact digests."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from verifier.errors import ExitCode, InputError, SchemaError
from verifier.inputs.attestations import (
    AFFIRMATION,
    attestation_statuses,
    current_status,
    load_attestations,
)
from verifier.model import Entry, EntryStatus, Verification

CONTENT = b"signed SSP v3\n"


def _write(folder: Path, **overrides: Any) -> Path:
    record = {
        "entry": "POAM-009",
        "practice_id": "CA.L2-3.12.4",
        "by": "Dana Reyes",
        "role": "ISSO",
        "statement": "The SSP describes the CUI boundary.",
        "attested_at": "2026-11-10T09:00:00Z",
        "expires": "2026-12-31",
        "artifacts": [
            {"path": "ssp.pdf", "sha256": hashlib.sha256(CONTENT).hexdigest(), "bytes": len(CONTENT)}
        ],
    }
    record.update(overrides)
    (folder / "ssp.pdf").write_bytes(CONTENT)
    path = folder / "poam-attestations.json"
    path.write_text(json.dumps([record]), encoding="utf-8")
    return path


def test_a_missing_default_file_is_an_empty_set(tmp_path: Path) -> None:
    assert load_attestations(tmp_path / "poam-attestations.json").records == ()


def test_a_record_loads_into_frozen_types(tmp_path: Path) -> None:
    (record,) = load_attestations(_write(tmp_path)).records
    assert record.expires == date(2026, 12, 31)
    assert record.artifacts[0].size == len(CONTENT)
    assert record.attested_at.tzinfo is not None


@pytest.mark.parametrize(
    ("field", "value"),
    [("attested_at", "2026-11-10 09:00"), ("expires", "soon"), ("artifacts", []), ("by", "")],
)
def test_schema_violations_are_named(tmp_path: Path, field: str, value: Any) -> None:
    with pytest.raises(SchemaError, match=f"/0/{field}"):
        load_attestations(_write(tmp_path, **{field: value}))


def test_current_status_is_valid_until_the_expiry_date(tmp_path: Path) -> None:
    (record,) = load_attestations(_write(tmp_path)).records
    assert current_status(record, date(2026, 12, 31), tmp_path)[0]
    valid, reason = current_status(record, date(2027, 1, 1), tmp_path)
    assert not valid
    assert "the attestation of 2026-11-10 by Dana Reyes expired on 2026-12-31" in reason


def test_current_status_names_a_changed_or_missing_artifact(tmp_path: Path) -> None:
    (record,) = load_attestations(_write(tmp_path)).records
    (tmp_path / "ssp.pdf").write_bytes(b"signed SSP v4\n")
    assert current_status(record, date(2026, 11, 20), tmp_path) == (
        False,
        "the attestation of 2026-11-10 by Dana Reyes: artifact ssp.pdf changed since it was attested "
        "(SHA-256 differs)",
    )
    (tmp_path / "ssp.pdf").unlink()
    assert "artifact ssp.pdf is missing" in current_status(record, date(2026, 11, 20), tmp_path)[1]


def test_an_attestation_dated_after_as_of_does_not_count(tmp_path: Path) -> None:
    (record,) = load_attestations(_write(tmp_path)).records
    valid, reason = current_status(record, date(2026, 11, 9), tmp_path)
    assert not valid
    assert "after --as-of 2026-11-09" in reason


def _artifact_at(path: str) -> list[dict[str, Any]]:
    return [{"path": path, "sha256": hashlib.sha256(CONTENT).hexdigest(), "bytes": len(CONTENT)}]


@pytest.mark.parametrize(
    "path",
    ["/etc/passwd", "../outside.pdf", "sub/../../outside.pdf", "C:\\secrets\\key.pem", "\\\\host\\share\\x"],
)
def test_an_artifact_path_that_is_absolute_or_leaves_the_folder_is_refused(tmp_path: Path, path: str) -> None:
    folder = tmp_path / "records"
    folder.mkdir()
    (tmp_path / "outside.pdf").write_bytes(CONTENT)
    with pytest.raises(InputError, match=re.escape(repr(path))) as refused:
        load_attestations(_write(folder, artifacts=_artifact_at(path)))
    assert refused.value.exit_code is ExitCode.INVALID_INPUT


def test_an_artifact_linking_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "records"
    folder.mkdir()
    (tmp_path / "secret.pdf").write_bytes(CONTENT)
    (folder / "evidence.pdf").symlink_to(tmp_path / "secret.pdf")
    with pytest.raises(InputError, match="'evidence.pdf' leaves"):
        load_attestations(_write(folder, artifacts=_artifact_at("evidence.pdf")))


def test_artifact_paths_inside_the_folder_load(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "linked.pdf").symlink_to(tmp_path / "ssp.pdf")
    for path in ("sub/../ssp.pdf", "./ssp.pdf", "sub/linked.pdf", "not-yet-there.pdf"):
        (record,) = load_attestations(_write(tmp_path, artifacts=_artifact_at(path))).records
        assert record.artifacts[0].path == path


def test_a_long_artifact_name_fits_one_bundle_path_component(tmp_path: Path) -> None:
    (record,) = load_attestations(_write(tmp_path, artifacts=_artifact_at("r" * 250 + ".pdf"))).records
    name = record.artifacts[0].bundle_name.rsplit("/", 1)[1]
    assert len(name.encode()) <= 255
    assert name.startswith(record.artifacts[0].sha256 + "-rrrr")


def test_objectives_and_method_load_and_an_older_record_has_neither(tmp_path: Path) -> None:
    (named,) = load_attestations(_write(tmp_path, objectives=["3.12.4[b]"], method="interview")).records
    assert (named.objectives, named.method) == (("3.12.4[b]",), "interview")
    assert named.to_json()["objectives"] == ["3.12.4[b]"]
    (older,) = load_attestations(_write(tmp_path)).records
    assert (older.objectives, older.method) == (None, "examine")
    assert "objectives" not in older.to_json()


@pytest.mark.parametrize(
    ("field", "value"), [("objectives", ["3.12.4"]), ("objectives", []), ("method", "observe")]
)
def test_a_malformed_objective_or_method_is_a_schema_error(tmp_path: Path, field: str, value: Any) -> None:
    with pytest.raises(SchemaError, match=f"/0/{field}"):
        load_attestations(_write(tmp_path, **{field: value}))


def test_statuses_are_per_record_with_their_objectives_and_never_count_another_kind(tmp_path: Path) -> None:
    first = load_attestations(_write(tmp_path, objectives=["3.12.4[a]"])).records[0]
    second = replace(first, objectives=("3.12.4[b]",), attested_at=first.attested_at.replace(day=11))
    other = replace(first, kind=AFFIRMATION)  # an affirmation of the whole POA&M, whatever else it holds
    entry = Entry(
        "POAM-009", "CA.L2-3.12.4", "", "", None, (), None, Verification(None, None), EntryStatus.OPEN, None
    )
    statuses = attestation_statuses([entry], [second, other, first], date(2026, 11, 20), lambda _: CONTENT)
    assert [(s.valid, s.objectives) for s in statuses["POAM-009"]] == [
        (True, ("3.12.4[a]",)),
        (True, ("3.12.4[b]",)),
    ]

"""``poam affirm``: the senior official's affirmation (32 CFR 170.22), a record of its own kind that is never
an entry's attestation."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from tests.support.cli import run_cli_streams
from verifier.errors import ExitCode, SchemaError
from verifier.inputs.attestations import (
    AFFIRMATION,
    ATTESTATION,
    Attestation,
    attestation_statuses,
    is_entry_attestation,
    load_attestations,
    parse_attestations,
)
from verifier.inputs.poam import load_poam
from verifier.pipeline.closeout_affirm import AffirmOptions, closeout_affirmation, run_affirm

REPO = Path(__file__).resolve().parents[2]
CLOCK = datetime(2026, 12, 1, 15, 30, tzinfo=UTC)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copy(REPO / "poam.json", tmp_path / "poam.json")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _affirm(**changes: str | None) -> Attestation:
    values: dict[str, str | None] = {
        "by": "Jordan Lee",
        "title": "Chief Executive Officer",
        "statement": None,
    }
    values.update(changes)
    options = AffirmOptions(values["by"] or "", values["title"] or "", values["statement"], Path("poam.json"))
    return run_affirm(options, clock=lambda: CLOCK)


def test_the_affirmation_is_recorded_with_its_own_kind_and_the_default_statement(workdir: Path) -> None:
    record = _affirm()
    (document,) = json.loads((workdir / "poam-attestations.json").read_text(encoding="utf-8"))
    assert document == {
        "kind": "affirmation",
        "by": "Jordan Lee",
        "role": "Chief Executive Officer",
        "statement": record.statement,
        "attested_at": "2026-12-01T15:30:00Z",
    }
    assert "Ridgeline Avionics, Inc." in record.statement and "32 CFR 170.22" in record.statement
    (loaded,) = load_attestations(workdir / "poam-attestations.json").records
    assert loaded.kind == AFFIRMATION and loaded.entry == "" and loaded.artifacts == ()


def test_a_given_statement_is_kept_and_existing_records_are_untouched(workdir: Path) -> None:
    artifact = workdir / "roster.csv"
    artifact.write_bytes(b"name,trained\n")
    attestation = {
        "entry": "POAM-008",
        "practice_id": "AT.L2-3.2.3",
        "by": "Dana Reyes",
        "role": "ISSO",
        "statement": "Insider threat training done.",
        "attested_at": "2026-11-10T09:00:00Z",
        "expires": None,
        "artifacts": [
            {"path": "roster.csv", "sha256": hashlib.sha256(b"name,trained\n").hexdigest(), "bytes": 13}
        ],
    }
    (workdir / "poam-attestations.json").write_text(json.dumps([attestation], indent=2), encoding="utf-8")
    _affirm(statement="We affirm continuing compliance.")
    documents = json.loads((workdir / "poam-attestations.json").read_text(encoding="utf-8"))
    assert documents[0] == attestation
    assert documents[1]["statement"] == "We affirm continuing compliance."


def test_an_affirmation_never_counts_as_an_entrys_attestation(workdir: Path) -> None:
    """Even a record of kind affirmation that (forged in memory) names an entry is not its attestation."""
    forged = Attestation(
        entry="POAM-008",
        practice_id="AT.L2-3.2.3",
        by="Jordan Lee",
        role="CEO",
        statement="All good.",
        attested_at=CLOCK,
        expires=None,
        artifacts=(),
        kind=AFFIRMATION,
    )
    assert not is_entry_attestation(forged)
    entries = load_poam(workdir / "poam.json").poam.entries
    assert attestation_statuses(entries, [forged], date(2026, 12, 2), lambda artifact: None) == {}
    as_attestation = dataclasses.replace(forged, kind=ATTESTATION)
    assert is_entry_attestation(as_attestation)
    assert attestation_statuses(entries, [as_attestation], date(2026, 12, 2), lambda artifact: None) != {}


def test_the_schema_refuses_an_affirmation_that_names_an_entry() -> None:
    document = [
        {
            "kind": "affirmation",
            "entry": "POAM-008",
            "by": "Jordan Lee",
            "role": "CEO",
            "statement": "All good.",
            "attested_at": "2026-12-01T15:30:00Z",
        }
    ]
    with pytest.raises(SchemaError):
        parse_attestations(json.dumps(document).encode(), "poam-attestations.json")


def test_the_schema_still_requires_an_attestations_entry_and_artifacts() -> None:
    document = [{"by": "A", "role": "B", "statement": "C", "attested_at": "2026-12-01T15:30:00Z"}]
    with pytest.raises(SchemaError):
        parse_attestations(json.dumps(document).encode(), "poam-attestations.json")


@pytest.mark.parametrize(
    ("affirmed", "window_start", "as_of", "found"),
    [
        (date(2026, 12, 1), date(2026, 9, 28), date(2026, 12, 1), True),
        (
            date(2026, 9, 28),
            date(2026, 9, 28),
            date(2026, 12, 1),
            False,
        ),  # the day of the status: not after it
        (date(2026, 12, 2), date(2026, 9, 28), date(2026, 12, 1), False),  # after --as-of
        (date(2026, 12, 1), None, date(2026, 12, 1), False),  # no conditional status
    ],
)
def test_the_closeout_window(affirmed: date, window_start: date | None, as_of: date, found: bool) -> None:
    record = Attestation(
        "", "", "J", "CEO", "s", datetime(*affirmed.timetuple()[:3], tzinfo=UTC), None, (), AFFIRMATION
    )
    assert (closeout_affirmation([record], window_start, as_of) is record) is found


def test_poam_affirm_on_the_command_line(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli_streams(capsys, "affirm", "--by", "Jordan Lee", "--title", "CEO")
    assert code == ExitCode.OK and "affirmed by Jordan Lee (CEO)" in out
    (record,) = load_attestations(workdir / "poam-attestations.json").records
    assert record.kind == AFFIRMATION


@pytest.mark.parametrize(
    "args", [("--by", " ", "--title", "CEO"), ("--by", "J", "--title", "CEO", "--statement", "")]
)
def test_empty_text_is_a_usage_error_and_nothing_is_written(
    workdir: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    code, _, _ = run_cli_streams(capsys, "affirm", *args)
    assert code == ExitCode.USAGE
    assert not (workdir / "poam-attestations.json").exists()

"""A run's outputs are staged, committed by its ledger line, and published; a journal left behind is finished."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from verifier.errors import EnvError
from verifier.inputs.ledger import line_digest
from verifier.outputs.transaction import (
    Domain,
    DomainOutputs,
    LedgerAppend,
    commit,
    publish,
    recover,
)

LINE = b'{"entry":"POAM-001"}'


def _domain(folder: Path) -> Domain:
    return Domain(folder, folder / ".run", folder / ".run.journal", ("report.json",), ("evidence",))


def _outputs(folder: Path, version: bytes) -> DomainOutputs:
    return DomainOutputs(_domain(folder), {"report.json": version}, {"evidence": {"manifest.json": version}})


def _ledger(path: Path, line: bytes = LINE) -> LedgerAppend:
    return LedgerAppend(path, line + b"\n", line_digest(line))


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_committed_parts_wait_in_their_journal_until_published(tmp_path: Path) -> None:
    staged = commit([_outputs(tmp_path, b"new")], _ledger(tmp_path / "ledger.jsonl"))
    assert (tmp_path / "ledger.jsonl").read_bytes() == LINE + b"\n"  # the commit point
    assert not (tmp_path / "report.json").exists()  # nothing visible before publish
    assert ".run.journal" in _names(tmp_path)
    publish(staged)
    assert _names(tmp_path) == ["evidence", "ledger.jsonl", "report.json"]
    assert (tmp_path / "evidence" / "manifest.json").read_bytes() == b"new"


def test_a_journal_whose_line_reached_the_ledger_is_rolled_forward(tmp_path: Path) -> None:
    commit([_outputs(tmp_path, b"new")], _ledger(tmp_path / "ledger.jsonl"))  # killed before publishing
    recover(_domain(tmp_path))
    assert _names(tmp_path) == ["evidence", "ledger.jsonl", "report.json"]
    assert (tmp_path / "report.json").read_bytes() == b"new"


def test_a_journal_whose_line_never_reached_the_ledger_is_rolled_back(tmp_path: Path) -> None:
    publish(commit([_outputs(tmp_path, b"old")], _ledger(tmp_path / "ledger.jsonl")))
    commit([_outputs(tmp_path, b"new")], _ledger(tmp_path / "ledger.jsonl", b'{"entry":"POAM-002"}'))
    (tmp_path / "ledger.jsonl").write_bytes(LINE + b"\n")  # as if killed before the ledger rename
    recover(_domain(tmp_path))
    assert _names(tmp_path) == ["evidence", "ledger.jsonl", "report.json"]
    assert (tmp_path / "report.json").read_bytes() == b"old"
    assert (tmp_path / "evidence" / "manifest.json").read_bytes() == b"old"


def test_stale_temporaries_of_the_domain_s_outputs_are_removed_and_nothing_else(tmp_path: Path) -> None:
    for stale in (".report.json.x1.tmp", ".evidence.staging.x2", ".evidence.old.x3", "..run.journal.x4.tmp"):
        (tmp_path / stale).mkdir() if "evidence" in stale else (tmp_path / stale).write_text("")
    (tmp_path / ".other.json.x5.tmp").write_text("not ours")
    recover(_domain(tmp_path))
    assert _names(tmp_path) == [".other.json.x5.tmp"]


@pytest.mark.parametrize(
    ("staged", "target"), [("../../etc/passwd", "report.json"), (".report.json.x.tmp", "../poam.json")]
)
def test_a_journal_naming_anything_but_the_domain_s_own_temporaries_is_refused(
    tmp_path: Path, staged: str, target: str
) -> None:
    record = {
        "version": 1,
        "ledger": None,
        "head": None,
        "moves": [{"staged": staged, "target": target, "kind": "file"}],
    }
    (tmp_path / ".run.journal").write_bytes(orjson.dumps(record))
    with pytest.raises(EnvError, match="not a run journal this tool wrote"):
        recover(_domain(tmp_path))
    assert _names(tmp_path) == [".run.journal"]


def test_a_failed_commit_leaves_nothing_behind(tmp_path: Path) -> None:
    (tmp_path / "ledger.jsonl").mkdir()  # the ledger rename fails after everything was staged and journaled
    with pytest.raises(EnvError, match=r"cannot write .*ledger\.jsonl"):
        commit([_outputs(tmp_path, b"new")], _ledger(tmp_path / "ledger.jsonl"))
    assert _names(tmp_path) == ["ledger.jsonl"]

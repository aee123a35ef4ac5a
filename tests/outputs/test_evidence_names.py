"""Evidence file names made from entry ids: short ids keep their names, long ones fit the file system.

A 300-character entry id once made ``poam verify`` fail with "File name too long" and write nothing.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from verifier.inputs.bundle_names import MAX_STEM, safe_stem
from verifier.pipeline.bundle import verify_bundle
from verifier.pipeline.verify import VerifyOptions, run_verify

REPO = Path(__file__).resolve().parents[2]
SHARED_PREFIX = "POAM-" + "x" * 195  # 200 characters both long ids start with


def _poam_with_ids(tmp_path: Path, ids: list[str]) -> Path:
    document: dict[str, Any] = json.loads((REPO / "poam.json").read_text(encoding="utf-8"))
    for entry, entry_id in zip(document["entries"], ids, strict=False):
        entry["id"] = entry_id
    path = tmp_path / "poam.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def _verify(tmp_path: Path, ids: list[str]) -> dict[str, Any]:
    options = VerifyOptions(
        poam=_poam_with_ids(tmp_path, ids),
        mapping=REPO / "mappings" / "cmmc-l2-aws.json",
        findings=(REPO / "examples" / "prowler-output",),
        out=tmp_path / "out",
        as_of=date(2026, 11, 25),
    )
    run_verify(options, clock=lambda: datetime(2026, 11, 25, 12, 0, tzinfo=UTC))
    written = json.loads((tmp_path / "out" / "poam.json").read_text(encoding="utf-8"))
    return {entry["id"]: entry["result"]["evidence"]["path"] for entry in written["entries"]}


def test_long_entry_ids_get_short_distinct_names_and_the_bundle_verifies(tmp_path: Path) -> None:
    long_ids = ["P" * 300, SHARED_PREFIX + "-alpha" + "a" * 100, SHARED_PREFIX + "-beta" + "a" * 100]
    paths = _verify(tmp_path, long_ids)
    names = [Path(paths[entry_id]).name for entry_id in long_ids]
    assert len(set(names)) == 3
    assert all(len(name.encode()) <= MAX_STEM + len(".json") for name in names)
    assert names[1].startswith(SHARED_PREFIX[:150]) and names[2].startswith(SHARED_PREFIX[:150])
    for entry_id, path in paths.items():
        assert json.loads((tmp_path / "out" / path).read_bytes())["entry"] == entry_id
    assert len(verify_bundle(tmp_path / "out" / "evidence", None).verdicts) == len(paths)
    assert len(verify_bundle(tmp_path / "out" / "evidence.zip", None).verdicts) == len(paths)


def test_an_id_that_fits_keeps_its_readable_name(tmp_path: Path) -> None:
    fits = "POAM-" + "y" * (MAX_STEM - 5)
    paths = _verify(tmp_path, ["POAM-001", fits, "a/../b c"])
    assert paths["POAM-001"] == "evidence/entries/POAM-001.json"
    assert paths[fits] == f"evidence/entries/{fits}.json"
    assert paths["a/../b c"] == "evidence/entries/a_.._b_c.json"


def test_the_stem_depends_on_the_whole_id() -> None:
    one, two = safe_stem(SHARED_PREFIX + "/1", "entry"), safe_stem(SHARED_PREFIX + "_1", "entry")
    assert one != two and len(one) == len(two) == MAX_STEM
    assert safe_stem("...", "entry") == "entry"


def test_ids_differing_only_in_case_get_names_differing_without_case(tmp_path: Path) -> None:
    # macOS and Windows file systems ignore case: POAM-1.json and poam-1.json would be one file.
    paths = _verify(tmp_path, ["POAM-1", "poam-1", "Poam-1"])
    assert len({paths[entry_id].lower() for entry_id in ("POAM-1", "poam-1", "Poam-1")}) == 3
    assert paths["POAM-1"] == "evidence/entries/POAM-1.json"
    assert len(verify_bundle(tmp_path / "out" / "evidence", None).verdicts) == len(paths)

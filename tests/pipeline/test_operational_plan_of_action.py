"""``poam score``, ``lint``, ``timeline`` and ``verify`` on a POA&M mixing POA&M items and an operational plan of action.

The root example POA&M (eight open one-point POA&M items: 102 of 110) gains one entry on AC.L2-3.1.1
(5 points, never on a Conditional POA&M) with a milestone after Day 180. As a POA&M item it deducts 5, blocks
Conditional status (POAM001) and breaks the deadline (POAM012); as an operational plan of action (32 CFR 170.4)
it does none of that, yet verify still judges and reports it exactly as before.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.support.cli import run_cli
from verifier.errors import ExitCode

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_SCAN = REPO / "examples" / "prowler-output"
RECORDED_ON = (EXAMPLE_SCAN / "recorded-on.txt").read_text(encoding="utf-8").strip()
ITEMS_ONLY = 110 - 8  # the example's eight one-point POA&M items
ADDED = "OPA-1"


def _write(tmp_path: Path, kind: str) -> Path:
    """The root example with one more entry, AC.L2-3.1.1 of the given kind, written to ``tmp_path``."""
    document = json.loads((REPO / "poam.json").read_text(encoding="utf-8"))
    added = json.loads(json.dumps(document["entries"][0]))
    added.update(id=ADDED, practice_id="AC.L2-3.1.1", kind=kind)
    added.pop("objectives", None)
    added["verification"] = {}  # the mapping's checks for AC.L2-3.1.1
    added["milestones"][-1]["due"] = "2027-04-30"  # Day 214: after the 2027-03-27 deadline
    document["entries"].append(added)
    path = tmp_path / "poam.json"
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    return path


def _json_out(capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    code, printed = run_cli(capsys, *args)
    assert code in (ExitCode.OK, ExitCode.GATE), printed
    return json.loads(printed)


@pytest.mark.parametrize(("kind", "score"), [("poam", ITEMS_ONLY - 5), ("operational", ITEMS_ONLY)])
def test_score_counts_only_poam_items(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str, score: int
) -> None:
    poam = str(_write(tmp_path, kind))
    report = _json_out(capsys, "score", "--poam", poam, "--format", "json")
    assert (report["score"], report["projected_score"]) == (score, score)
    blocked = [(b["entry"], b["rule"]) for b in report["blockers"]]
    assert blocked == ([(ADDED, "32 CFR § 170.21(a)(2)(ii)")] if kind == "poam" else [])
    assert report["conditional_eligible"] is (kind == "operational")
    code, table = run_cli(capsys, "score", "--poam", poam)
    assert code == ExitCode.OK
    assert f"SPRS score {score}/110" in table


@pytest.mark.parametrize("kind", ["poam", "operational"])
def test_lint_judges_eligibility_and_the_deadline_only_for_a_poam_item(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    poam = str(_write(tmp_path, kind))
    mapping = str(REPO / "mappings" / "cmmc-l2-aws.json")
    arguments = ("--poam", poam, "--mapping", mapping, "--as-of", "2026-11-25", "--format", "json")
    report = _json_out(capsys, "lint", *arguments)
    rules = {p["rule"] for p in report["problems"] if p["entry"] == ADDED}
    if kind == "poam":
        assert {"POAM001", "POAM012"} <= rules and "POAM021" not in rules
    else:
        assert "POAM021" in rules and not {"POAM001", "POAM002", "POAM012", "POAM013", "POAM014"} & rules


@pytest.mark.parametrize(("kind", "at_risk"), [("poam", True), ("operational", False)])
def test_the_countdown_lists_only_poam_items_at_risk(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str, at_risk: bool
) -> None:
    # Day 126: past the Day 120 checkpoint, with no verdict recorded every open entry needs escalating.
    poam = str(_write(tmp_path, kind))
    report = _json_out(capsys, "timeline", "--poam", poam, "--as-of", "2027-02-01", "--format", "json")
    listed = [r["entry"] for r in report["at_risk"]]
    assert len(listed) == 8 + at_risk
    assert (ADDED in listed) is at_risk


def _verify(tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str) -> Any:
    workdir = tmp_path / kind
    workdir.mkdir()
    _write(workdir, kind)
    mapping = str(REPO / "mappings" / "cmmc-l2-aws.json")
    arguments = ("--poam", str(workdir / "poam.json"), "--mapping", mapping, "--out", str(workdir / "out"))
    run_cli(capsys, "verify", "--findings", str(EXAMPLE_SCAN), "--as-of", RECORDED_ON, *arguments)
    return json.loads((workdir / "out" / "verification.json").read_text(encoding="utf-8"))


def test_verify_still_judges_an_operational_entry_but_scores_only_poam_items(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    as_item, as_operational = (_verify(tmp_path, capsys, kind) for kind in ("poam", "operational"))

    def judged(report: Any) -> Any:
        (result,) = (r for r in report["entries"] if r["id"] == ADDED)
        return result

    assert judged(as_operational) == judged(as_item)
    assert judged(as_operational)["verdict"] and judged(as_operational)["reasons"]
    # Verdicts of POA&M items can close them (ready_for_closeout), so compare with the score of POA&M items only.
    assert as_item["score"]["score"] == as_operational["score"]["score"] - 5
    assert not as_operational["score"]["blockers"]
    assert [b["entry"] for b in as_item["score"]["blockers"]] == [ADDED]

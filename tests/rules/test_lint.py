"""The default rule set end to end: fixtures, the two example POA&Ms, the id table, and speed."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from tests.rules.builders import context, entry, poam
from verifier.inputs.mapping import CheckMapping, load_mapping
from verifier.inputs.poam import load_poam
from verifier.rules import credibility
from verifier.rules.credibility import DEFAULT_RULES, default_rules, has_errors, lint
from verifier.rules.ruleset import LintContext, Problem, Severity

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "poam" / "lint"
AS_OF = date(2026, 11, 25)

# Each fixture is the credible baseline with one mistake, so exactly one rule fires.
FIXTURE_RULE = {
    "practice_mfa_partial_never_eligible.json": "POAM001",
    "score_87_below_threshold.json": "POAM002",
    "level_1_poam.json": "POAM003",
    "entry_covers_all_ia_controls.json": "POAM004",
    "two_entries_for_one_practice.json": "POAM005",
    "finding_too_vague.json": "POAM006",
    "root_cause_resource_constraints.json": "POAM007",
    "owner_is_team.json": "POAM008",
    "two_milestones.json": "POAM009",
    "six_milestones.json": "POAM009",
    "milestone_due_q3.json": "POAM010",
    "milestone_without_date.json": "POAM010",
    "milestone_date_not_iso.json": "POAM011",
    "milestone_due_day_181.json": "POAM012",
    "milestone_due_day_151_in_c3pao_buffer.json": "POAM013",
    "milestone_overdue.json": "POAM014",
    "milestone_status_stale.json": "POAM015",
    "milestone_without_status_date.json": "POAM015",
    "resources_tbd.json": "POAM016",
    "resources_zero.json": "POAM016",
    "no_verification_path.json": "POAM017",
    "unknown_check_id.json": "POAM018",
    "check_of_another_practice.json": "POAM019",
    "entry_added_after_assessment.json": "POAM020",
    "operational_plan_of_action.json": "POAM021",
    "judged_on_all_objectives.json": "POAM022",
}


@pytest.fixture(scope="module")
def mapping() -> CheckMapping:
    return load_mapping(REPO / "mappings" / "cmmc-l2-aws.json")


def _lint_file(path: Path, mapping: CheckMapping) -> list[Problem]:
    return lint(LintContext(load_poam(path).poam, mapping, None, AS_OF))


def test_rule_ids_are_unique_and_in_order() -> None:
    ids = [rule.rule_id for rule in default_rules().rules]
    assert ids == sorted(set(ids))
    assert ids == [f"POAM{n:03}" for n in range(1, len(ids) + 1)]


def test_the_docstring_table_matches_the_rules() -> None:
    assert credibility.__doc__ is not None
    table = dict(re.findall(r"^(POAM\d{3})\s+(error|warning)\s", credibility.__doc__, re.MULTILINE))
    assert table == {rule.rule_id: rule.severity.value for rule in DEFAULT_RULES}


def test_every_rule_has_a_description() -> None:
    assert all(rule.description for rule in DEFAULT_RULES)


@pytest.mark.parametrize(("name", "rule_id"), sorted(FIXTURE_RULE.items()))
def test_each_fixture_shows_exactly_its_rule(name: str, rule_id: str, mapping: CheckMapping) -> None:
    problems = _lint_file(FIXTURES / name, mapping)
    assert problems, name
    assert {p.rule_id for p in problems} == {rule_id}


def test_every_rule_has_a_fixture_and_every_fixture_is_listed() -> None:
    assert set(FIXTURE_RULE.values()) == {rule.rule_id for rule in DEFAULT_RULES}
    on_disk = {p.name for p in FIXTURES.glob("*.json")}
    assert on_disk == set(FIXTURE_RULE) | {"credible_entry.json"}


def test_the_credible_baseline_fixture_is_clean(mapping: CheckMapping) -> None:
    assert _lint_file(FIXTURES / "credible_entry.json", mapping) == []


def test_the_repository_example_poam_is_clean(mapping: CheckMapping) -> None:
    assert _lint_file(REPO / "poam.json", mapping) == []


def test_the_mistakes_example_triggers_every_rule(mapping: CheckMapping) -> None:
    problems = _lint_file(REPO / "examples" / "poam-with-mistakes.json", mapping)
    assert {p.rule_id for p in problems} == {rule.rule_id for rule in DEFAULT_RULES}
    assert has_errors(problems)


def test_has_errors_ignores_warnings() -> None:
    warning = Problem("A", "POAM005", Severity.WARNING, "duplicate")
    assert not has_errors([warning])
    assert has_errors([warning, Problem("A", "POAM008", Severity.ERROR, "team")])


def test_lint_runs_without_a_mapping() -> None:
    assert lint(context(mapping=None)) == []


def test_lint_of_100_entries_flags_each_repeat_once() -> None:
    # Speed is measured by the benchmarks, never asserted here.
    entries = tuple(entry(id=f"POAM-{i:03}") for i in range(100))
    problems = lint(context(poam(*entries)))
    assert len(problems) == 99  # every entry after the first repeats the practice (POAM005)

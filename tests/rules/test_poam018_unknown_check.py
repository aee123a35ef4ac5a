"""POAM018: every check id the entry names exists in the mapping and in the installed Prowler (error)."""

from __future__ import annotations

from tests.rules.builders import AUDIT_CHECKS, context, entry, poam, run
from verifier.model import Verification
from verifier.rules.credibility import UnknownCheck
from verifier.rules.interface import Severity

RULE = UnknownCheck()
TYPO = "cloudtrail_log_validation_enabled"


def test_a_check_unknown_to_the_mapping_is_an_error() -> None:
    (problem,) = run(RULE, context(poam(entry(verification=Verification((TYPO,), None)))))
    assert problem.severity is Severity.ERROR
    assert "mappings/test.json" in problem.message


def test_a_check_unknown_to_the_installed_prowler_is_an_error() -> None:
    known = frozenset(AUDIT_CHECKS[:1])
    (problem,) = run(RULE, context(known_checks=known))
    assert AUDIT_CHECKS[1] in problem.message and "installed Prowler" in problem.message


def test_known_checks_pass_and_nothing_is_judged_without_a_reference() -> None:
    assert run(RULE, context(known_checks=frozenset(AUDIT_CHECKS))) == []
    assert run(RULE, context(poam(entry(verification=Verification((TYPO,), None))), mapping=None)) == []

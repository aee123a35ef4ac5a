"""POAM017: closure must be provable: an automated check (entry or mapping) or an attestation (error)."""

from __future__ import annotations

from tests.rules.builders import context, entry, poam, run
from verifier.model import Verification
from verifier.rules.credibility import NoVerificationPath
from verifier.rules.ruleset import Severity

RULE = NoVerificationPath()


def test_no_checks_anywhere_and_no_attestation_is_an_error() -> None:
    ctx = context(poam(entry(practice_id="AT.L2-3.2.3", verification=Verification(None, None))))
    (problem,) = run(RULE, ctx)
    assert problem.severity is Severity.ERROR
    assert "AT.L2-3.2.3" in problem.message and "mapping has no automated check" in problem.message


def test_an_empty_check_list_overrides_the_mapping() -> None:
    assert len(run(RULE, context(poam(entry(verification=Verification((), None)))))) == 1


def test_mapped_checks_are_a_path() -> None:
    assert run(RULE, context(poam(entry(verification=Verification(None, None))))) == []


def test_attestation_is_a_path() -> None:
    ctx = context(
        poam(entry(practice_id="AT.L2-3.2.3", verification=Verification(None, None, attestation=True)))
    )
    assert run(RULE, ctx) == []


def test_without_a_mapping_the_entry_must_name_its_checks() -> None:
    relying = context(poam(entry(verification=Verification(None, None))), mapping=None)
    assert "no mapping was given" in run(RULE, relying)[0].message
    assert len(run(RULE, context(poam(entry(verification=Verification((), None))), mapping=None))) == 1
    assert run(RULE, context(mapping=None)) == []

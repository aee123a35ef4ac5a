"""The text judgements, tested on the practitioner guide's own bad examples and on credible text."""

from __future__ import annotations

import signal

import pytest

from verifier.model import Owner, Resources
from verifier.rules import heuristics

CREDIBLE_FINDING = (
    "CloudTrail trail org-trail in account 123456789012 writes audit logs without log-file validation."
)


@pytest.mark.parametrize(
    "finding",
    [
        "Configuration baseline not enforced",  # the guide's bad example
        "implement encryption — in progress",
        "Encryption is not fully implemented across the environment as required by policy.",
        "Multi-factor authentication is not yet implemented everywhere it should be enabled.",
    ],
)
def test_vague_findings(finding: str) -> None:
    assert heuristics.finding_vagueness(finding) is not None


@pytest.mark.parametrize(
    "finding",
    [
        CREDIBLE_FINDING,
        "The 42 employees with CUI access have not received insider-threat awareness training.",
        "The CUI data bucket cui-data stores objects without default encryption at rest enabled.",
        "Host fileserver01.corp.example.com accepts SMBv1 connections from the engineering VLAN.",
        "Security group sg-0a1b2c3d4e allows SSH from 0.0.0.0/0 to the enclave's bastion in us-east-1.",
        "arn:aws:kms:us-east-1:111122223333:key/abcd has automatic key rotation disabled today.",
    ],
)
def test_specific_findings(finding: str) -> None:
    assert heuristics.finding_vagueness(finding) is None


def test_the_finding_length_boundary_is_40_characters() -> None:
    assert heuristics.finding_vagueness("IAM users lack MFA in account 12345678901"[:39]) is not None
    assert heuristics.finding_vagueness("x" * 28 + " 123456789012") is None  # 41 characters


@pytest.mark.parametrize(
    ("text", "others"),
    [
        ("Password complexity (IA.L2-3.5.7) and reuse (IA.L2-3.5.8) for IAM users", ("IA.L2-3.5.8",)),
        ("Covers 3.5.7, 3.5.8 and 3.5.10 for IAM users", ("IA.L2-3.5.10", "IA.L2-3.5.8")),
        ("Audit log protection for trail org-trail (AU.L2-3.3.8)", ()),
        ("Terraform 3.11.4.5 and Python 3.11.9 are used for the trail module", ()),
        ("NIST SP 800-171 requirement 3.3.8 is not met on trail org-trail", ()),
    ],
)
def test_other_practice_ids_in_the_text(text: str, others: tuple[str, ...]) -> None:
    assert (
        heuristics.other_practices_named(text, "IA.L2-3.5.7" if "3.5.7" in text else "AU.L2-3.3.8") == others
    )


@pytest.mark.parametrize(
    "text",
    [
        "implement all IA controls",
        "Implement all of the access control practices in account 123456789012",
        "Several access controls are missing on the enclave's workstations",
        "Gaps across the AC family on every server",
        "all AU requirements for the trail org-trail",
    ],
)
def test_blanket_scope(text: str) -> None:
    assert heuristics.blanket_scope(text) is not None


@pytest.mark.parametrize(
    "text",
    [
        CREDIBLE_FINDING,
        "The password policy misses several requirements of the enclave standard for IAM users.",
        "All IAM users in account 123456789012 can disable all trails.",
    ],
)
def test_no_blanket_scope(text: str) -> None:
    assert heuristics.blanket_scope(text) is None


@pytest.mark.parametrize(
    "root_cause",
    [
        "",
        "TBD",
        "N/A",
        "t.b.d.",
        "Resource constraints",  # the guide's bad example
        "Budget",
        "Lack of resources",
        "Limited budget and time.",
        "MFA was deferred in 2025 because of budget constraints and a long list of competing priorities.",
        "We did not have enough time",
        "Misconfigured",  # too short to explain anything
    ],
)
def test_root_causes_refused(root_cause: str) -> None:
    assert heuristics.root_cause_problem(root_cause) is not None


@pytest.mark.parametrize(
    "root_cause",
    [
        "The trail was created by an early template that predates the enclave's logging baseline.",
        "The Config recorder was disabled during a cost review in 2025 and the change was not routed "
        "through change control, because the review process did not cover security tooling budget lines.",
    ],
)
def test_root_causes_accepted(root_cause: str) -> None:
    assert heuristics.root_cause_problem(root_cause) is None


@pytest.mark.parametrize(
    ("name", "role"),
    [
        ("IT team", ""),
        ("Security", ""),
        ("Engineering", ""),
        ("IT department", ""),
        ("", "Security Operations Center"),
        ("DevOps", "Cloud Ops"),
        ("The IT & Security group", "TBD"),
    ],
)
def test_teams_are_not_owners(name: str, role: str) -> None:
    problem = heuristics.owner_problem(Owner(name, role))
    assert problem is not None and "team" in problem


@pytest.mark.parametrize(("name", "role"), [("TBD", ""), ("", ""), ("N/A", "tbd")])
def test_placeholder_owners_are_missing(name: str, role: str) -> None:
    problem = heuristics.owner_problem(Owner(name, role))
    assert problem is not None and "missing" in problem


@pytest.mark.parametrize(
    ("name", "role"),
    [
        ("Dana Whitfield", "Cloud Security Engineer"),
        ("", "Facility Security Officer"),
        ("", "Head of Security"),
        ("Tomás Ortega", "Change Control Board Chair"),
        ("", "IT team lead"),
        ("Priya Raman", ""),
        ("Dana Whitfield", "IT team"),  # a named person stands, whatever the role says
    ],
)
def test_people_and_roles_are_owners(name: str, role: str) -> None:
    assert heuristics.owner_problem(Owner(name, role)) is None


def test_no_owner_object_is_missing() -> None:
    assert heuristics.owner_problem(None) is not None


def test_function_words_do_not_backtrack_catastrophically() -> None:
    assert heuristics.owner_problem(Owner("helpdesk" * 5000 + "x", "")) is None


def _hang_guard(signum: int, frame: object) -> None:
    raise AssertionError("the heuristics did not finish: catastrophic backtracking")


@pytest.mark.parametrize("unit", ["a.", "a-", "a_", "3.", "all of the ", "helpdesk ", "lack of ", "Q"])
def test_hostile_long_text_does_not_backtrack_catastrophically(unit: str) -> None:
    # Not a speed test (those live in benchmarks): catastrophic backtracking on 100,000 characters takes
    # hours, so a generous alarm tells a hang from a slow, shared machine without ever timing the work.
    text = unit * (100_000 // len(unit))
    previous = signal.signal(signal.SIGALRM, _hang_guard)
    signal.alarm(120)
    try:
        heuristics.finding_vagueness(text)
        heuristics.other_practices_named(text, "AU.L2-3.3.8")
        heuristics.blanket_scope(text)
        heuristics.root_cause_problem(text)
        heuristics.owner_problem(Owner(text, text))
        heuristics.resources_problem(Resources(text, text, ()))
        heuristics.is_vague_due(text)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize(
    "resources",
    [
        None,
        Resources("TBD", None, ()),
        Resources("TBD", 0.5, ()),
        Resources(0, 0, ("Prowler",)),
        Resources(None, None, ("Prowler",)),
        Resources("approved", None, ()),
        Resources(1000, "tbd", ()),
    ],
)
def test_resources_refused(resources: Resources | None) -> None:
    assert heuristics.resources_problem(resources) is not None


@pytest.mark.parametrize(
    "resources",
    [
        Resources(4500, 0.2, ()),
        Resources(0, 0.1, ()),
        Resources("$4,500", None, ()),
        Resources(None, "0.5 FTE", ()),
    ],
)
def test_resources_accepted(resources: Resources) -> None:
    assert heuristics.resources_problem(resources) is None


@pytest.mark.parametrize(
    "due",
    [
        "Q3",
        "Complete by Q3",
        "3Q26",
        "Q4 2026",
        "H2 2026",
        "FY27",
        "end of year",
        "EOY",
        "summer 2027",
        "TBD",
        "next sprint",
        "2027",
        "2027-01",
        "January 2027",
        "ASAP",
    ],
)
def test_vague_due_text(due: str) -> None:
    assert heuristics.is_vague_due(due)


@pytest.mark.parametrize("due", ["2027-01-15", "15 Jan 2027", "January 15, 2027", "01/15/2027"])
def test_dates_are_not_vague(due: str) -> None:
    assert not heuristics.is_vague_due(due)

"""Credible baseline records for rule tests; each test changes only what it is about.

The baseline entry passes every credibility rule as of ``AS_OF``, so a test that alters one field and
sees one rule fire has shown that field is what the rule judges.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from verifier.inputs.known_checks import KnownChecks
from verifier.inputs.mapping import CheckMapping
from verifier.model import (
    Assessment,
    Entry,
    EntryStatus,
    Milestone,
    MilestoneStatus,
    Owner,
    Poam,
    Resources,
    ScopeTarget,
    Verification,
)
from verifier.rules.ruleset import LintContext, Problem, Rule

ASSESSED = date(2026, 9, 14)
CERTIFIED = date(2026, 9, 28)  # Day 0
DEADLINE = CERTIFIED + timedelta(days=180)  # 2027-03-27
AS_OF = date(2026, 11, 25)  # Day 58
ACCOUNT = "123456789012"

AUDIT_CHECKS = ("cloudtrail_log_file_validation_enabled", "cloudtrail_kms_encryption_enabled")
MAPPING = CheckMapping(
    practices={
        "AU.L2-3.3.8": {"aws": (*AUDIT_CHECKS, "s3_bucket_default_encryption")},
        "SC.L2-3.13.10": {"aws": ("kms_cmk_rotation_enabled",)},
        "SC.L2-3.13.16": {"aws": ("s3_bucket_default_encryption", "ec2_ebs_volume_encryption")},
        "AT.L2-3.2.3": {"aws": ()},
    },
    path="mappings/test.json",
)


def day(n: int) -> date:
    """Day ``n`` of the closeout window."""
    return CERTIFIED + timedelta(days=n)


def milestone(
    title: str = "Deploy the updated trail",
    due: date | str | None = date(2026, 12, 11),
    status: MilestoneStatus = MilestoneStatus.PLANNED,
    status_date: date | None = date(2026, 11, 20),
) -> Milestone:
    """A milestone; ``due`` given as text is kept as text (parsed only if it is an ISO date)."""
    if isinstance(due, str):
        try:
            parsed: date | None = date.fromisoformat(due)
        except ValueError:
            parsed = None
        return Milestone(title, parsed, due, status, status_date)
    return Milestone(title, due, due.isoformat() if due else "", status, status_date)


BASE_MILESTONES = (
    milestone(
        "Update the logging baseline template", date(2026, 10, 30), MilestoneStatus.DONE, date(2026, 10, 29)
    ),
    milestone("Deploy the updated trail", date(2026, 12, 11), MilestoneStatus.IN_PROGRESS),
    milestone("Verify with the Prowler checks", date(2027, 1, 15)),
)

BASE_ENTRY = Entry(
    id="POAM-001",
    practice_id="AU.L2-3.3.8",
    finding=(
        f"CloudTrail trail org-trail in account {ACCOUNT} writes audit logs without log-file integrity "
        "validation and without SSE-KMS encryption."
    ),
    root_cause="The trail was created by an early template that predates the enclave's logging baseline.",
    owner=Owner(name="Dana Whitfield", role="Cloud Security Engineer"),
    milestones=BASE_MILESTONES,
    resources=Resources(budget_usd=4500, fte=0.2, tooling=("AWS KMS", "Prowler")),
    verification=Verification(checks=AUDIT_CHECKS, scope=None),
    status=EntryStatus.OPEN,
    created=ASSESSED,
    objectives=("3.3.8[a]", "3.3.8[b]"),
)


def entry(**changes: Any) -> Entry:
    """The credible baseline entry with ``changes`` applied."""
    return replace(BASE_ENTRY, **changes)


def poam(
    *entries: Entry,
    level: int = 2,
    conditional: date | None = CERTIFIED,
    assessed: date = ASSESSED,
) -> Poam:
    """A POA&M holding ``entries`` (the baseline entry if none are given)."""
    return Poam(
        organization="Ridgeline Avionics, Inc.",
        system="Program Delta CUI Enclave (AWS)",
        assessment=Assessment(level, "c3pao", assessed, conditional),
        targets=(ScopeTarget("aws", accounts=(ACCOUNT,), partition="aws"),),
        entries=entries or (BASE_ENTRY,),
    )


def context(
    document: Poam | None = None,
    *,
    mapping: CheckMapping | None = MAPPING,
    known_checks: Mapping[str, frozenset[str]] | None = None,
    as_of: date = AS_OF,
    stale_days: int = 30,
    release_checks: KnownChecks | None = None,
) -> LintContext:
    """A lint context over ``document`` (the baseline POA&M if None)."""
    return LintContext(document or poam(), mapping, known_checks, as_of, stale_days, release_checks)


def messages(problems: list[Problem], rule_id: str) -> list[str]:
    """The messages one rule reported."""
    return [p.message for p in problems if p.rule_id == rule_id]


def run(rule: Rule, ctx: LintContext | None = None) -> list[Problem]:
    """One rule's problems over ``ctx`` (the baseline context if None)."""
    return list(rule.check(ctx or context()))

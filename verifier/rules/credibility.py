"""Credibility lint: would a C3PAO accept this POA&M? One small rule class per mistake, each with a stable id.

The schema (checked by the loader) only guarantees structure; these rules judge content, after the
practitioner guide's six questions (what, why, who, when, with what, how verified), its list of common
mistakes, and 32 CFR § 170.21. Text judgements live in ``heuristics`` (documented there).

======== ======= ==================================================================================
Id       Level   Problem
======== ======= ==================================================================================
POAM001  error   practice may not be on a Conditional POA&M (§ 170.21(a)(2)(ii) point value, (iii) list)
POAM002  error   score below 88 of 110 (§ 170.21(a)(2)(i))
POAM003  error   a Level 1 POA&M (§ 170.21(a)(1): never permitted)
POAM004  error   one entry covers several practices (other practice ids, or "all IA controls")
POAM005  warning two entries for the same practice
POAM006  warning finding too vague (short, or names no system, account, user or resource)
POAM007  error   root cause missing, too short, or an evasion ("resource constraints", "TBD")
POAM008  error   owner missing, or a team rather than a named person or role
POAM009  error   fewer than 3 or more than 5 milestones
POAM010  error   milestone without a due date, or with a period instead ("Q3", "end of year")
POAM011  warning milestone due text is not an ISO date (YYYY-MM-DD), so no deadline rule can check it
POAM012  error   milestone due after the 180-day closeout deadline
POAM013  warning milestone due in the last 30 days before the deadline (the C3PAO's buffer)
POAM014  warning milestone past due and not done
POAM015  warning milestone status not current: no status date, older than ``stale_days``, or in the future
POAM016  error   resources missing, zero, or a placeholder ("TBD")
POAM017  error   no verification path: no automated check (entry or mapping) and no attestation
POAM018  error   check id unknown to the mapping or to the installed Prowler
POAM019  warning check not mapped to the entry's practice
POAM020  error   entry created after the assessment date (the POA&M is locked at Day 0)
POAM021  warning an operational plan of action (32 CFR 170.4): not a POA&M item, not counted as open at closeout
POAM022  warning no ``objectives``: the entry is judged on all of its practice's 800-171A objectives
======== ======= ==================================================================================

Choices worth knowing: ``closed`` entries are history, so the time-driven rules (POAM012–POAM015) skip
them and their ``done`` milestones; the eligibility rules (POAM001–POAM003) judge only entries still on
the POA&M, as ``score`` does. An operational plan of action (``kind: operational``) is not a POA&M item:
``score`` leaves it out, so POAM001–POAM002 never judge it, and the 180-day rules POAM012–POAM014 skip it
(it is not subject to the closeout); POAM021 names it. Before certification (no conditional status date)
the assessment date is the planning basis for the deadline, and the messages say so. A vague period ("Q3") is an error because
it cannot be held to the deadline at all; other non-ISO text ("30 Jan 2027") is a warning: it may be a
real date, but the tool cannot check it, so write it as YYYY-MM-DD.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date

from verifier.catalog import assessment_procedures
from verifier.inputs.mapping import CheckMapping
from verifier.model import Entry, EntryStatus, Milestone, MilestoneStatus
from verifier.rules import heuristics
from verifier.rules.check_ids import unknown_check_ids
from verifier.rules.ruleset import LintContext, Problem, RuleSet, Severity
from verifier.rules.score import Paragraph, score_poam
from verifier.rules.timeline import (
    C3PAO_BUFFER_DAYS,
    CLOSEOUT_DAYS,
    Basis,
    closeout_deadline,
    day_zero,
    is_overdue,
)
from verifier.scope import QUALIFIER

MIN_MILESTONES = 3
MAX_MILESTONES = 5


class CredibilityRule(ABC):
    """Base of the credibility rules: one severity per rule; ``findings`` yields (entry id or None, message)."""

    rule_id: str
    description: str
    severity: Severity

    def check(self, ctx: LintContext) -> Iterator[Problem]:
        """Every problem this rule finds, with the rule's id and severity."""
        for entry_id, message in self.findings(ctx):
            yield Problem(entry_id, self.rule_id, self.severity, message)

    @abstractmethod
    def findings(self, ctx: LintContext) -> Iterable[tuple[str | None, str]]:
        """Each problem as the entry it concerns (None: the POA&M) and its message."""


class _EntryRule(CredibilityRule):
    """A rule that judges each entry on its own."""

    def findings(self, ctx: LintContext) -> Iterator[tuple[str | None, str]]:
        for entry in ctx.poam.entries:
            for message in self.entry_messages(entry, ctx):
                yield entry.id, message

    @abstractmethod
    def entry_messages(self, entry: Entry, ctx: LintContext) -> Iterable[str]:
        """Every problem with one entry, as messages."""


class _OpenEntryRule(_EntryRule):
    """A time-driven rule: closed entries are history and are skipped."""

    def entry_messages(self, entry: Entry, ctx: LintContext) -> Iterable[str]:
        if entry.status is EntryStatus.CLOSED:
            return ()
        return self.open_entry_messages(entry, ctx)

    @abstractmethod
    def open_entry_messages(self, entry: Entry, ctx: LintContext) -> Iterable[str]:
        """Every problem with one entry that is still on the POA&M."""


class _PoamItemRule(_OpenEntryRule):
    """A rule of the 180-day closeout clock: only POA&M items run it, not operational plans of action."""

    def entry_messages(self, entry: Entry, ctx: LintContext) -> Iterable[str]:
        if not entry.is_poam_item:
            return ()
        return super().entry_messages(entry, ctx)


# --- § 170.21 eligibility -----------------------------------------------------------------------


class _EligibilityRule(CredibilityRule):
    """Reports ``score``'s blockers for some paragraphs of § 170.21(a) (one source of truth)."""

    severity = Severity.ERROR
    paragraphs: frozenset[Paragraph]

    def findings(self, ctx: LintContext) -> Iterator[tuple[str | None, str]]:
        for blocker in score_poam(ctx.poam).blockers:
            if blocker.paragraph in self.paragraphs:
                yield blocker.entry, f"{blocker.reason} ({blocker.rule})"


class IneligiblePractice(_EligibilityRule):
    rule_id = "POAM001"
    description = "practice may not be on a Conditional POA&M (32 CFR § 170.21(a)(2)(ii), (iii))"
    paragraphs = frozenset({Paragraph.POINT_VALUE, Paragraph.NEVER_ELIGIBLE})


class ScoreBelowThreshold(_EligibilityRule):
    rule_id = "POAM002"
    description = "score below the Conditional threshold of 88 (32 CFR § 170.21(a)(2)(i))"
    paragraphs = frozenset({Paragraph.SCORE})


class LevelOnePoam(_EligibilityRule):
    rule_id = "POAM003"
    description = "a POA&M is never permitted for Level 1 (32 CFR § 170.21(a)(1))"
    paragraphs = frozenset({Paragraph.LEVEL_1})


# --- what the gap is ----------------------------------------------------------------------------


class SeveralPractices(_EntryRule):
    rule_id = "POAM004"
    description = "one entry covers several practices"
    severity = Severity.ERROR

    def entry_messages(self, entry: Entry, ctx: LintContext) -> Iterator[str]:
        others = heuristics.other_practices_named(entry.finding, entry.practice_id)
        if others:
            yield (
                f"finding also names {', '.join(others)}: each practice needs its own entry "
                "(different owners, timelines and costs)"
            )
        phrase = heuristics.blanket_scope(entry.finding)
        if phrase:
            yield f"finding covers a group of practices ({phrase!r}): give each practice its own entry"


class DuplicatePractice(CredibilityRule):
    rule_id = "POAM005"
    description = "two entries for the same practice"
    severity = Severity.WARNING

    def findings(self, ctx: LintContext) -> Iterator[tuple[str | None, str]]:
        first: dict[str, str] = {}
        for entry in ctx.poam.entries:
            earlier = first.setdefault(entry.practice_id, entry.id)
            if earlier != entry.id:
                yield (
                    entry.id,
                    (
                        f"{entry.practice_id} is already on entry {earlier}: one practice, one entry "
                        "(the score deducts it once)"
                    ),
                )


class VagueFinding(_EntryRule):
    rule_id = "POAM006"
    description = "finding too vague to act on"
    severity = Severity.WARNING

    def entry_messages(self, entry: Entry, ctx: LintContext) -> Iterable[str]:
        return _present(heuristics.finding_vagueness(entry.finding))


# --- why, who, with what ------------------------------------------------------------------------


class RootCause(_EntryRule):
    rule_id = "POAM007"
    description = "root cause missing or an evasion"
    severity = Severity.ERROR

    def entry_messages(self, entry: Entry, ctx: LintContext) -> Iterable[str]:
        return _present(heuristics.root_cause_problem(entry.root_cause))


class OwnerNamed(_EntryRule):
    rule_id = "POAM008"
    description = "owner missing, or a team rather than a named person or role"
    severity = Severity.ERROR

    def entry_messages(self, entry: Entry, ctx: LintContext) -> Iterable[str]:
        return _present(heuristics.owner_problem(entry.owner))


class ResourcesCommitted(_EntryRule):
    rule_id = "POAM016"
    description = "resources missing, zero, or TBD"
    severity = Severity.ERROR

    def entry_messages(self, entry: Entry, ctx: LintContext) -> Iterable[str]:
        return _present(heuristics.resources_problem(entry.resources))


# --- when: milestones ---------------------------------------------------------------------------


class MilestoneCount(_EntryRule):
    rule_id = "POAM009"
    description = f"fewer than {MIN_MILESTONES} or more than {MAX_MILESTONES} milestones"
    severity = Severity.ERROR

    def entry_messages(self, entry: Entry, ctx: LintContext) -> Iterator[str]:
        count = len(entry.milestones)
        if not MIN_MILESTONES <= count <= MAX_MILESTONES:
            yield (
                f"{count} milestone(s); a credible plan has {MIN_MILESTONES} to {MAX_MILESTONES} "
                "dated steps (design, pilot, deploy, verify)"
            )


class MilestoneUndated(_EntryRule):
    rule_id = "POAM010"
    description = "milestone without a due date, or with a period such as 'Q3'"
    severity = Severity.ERROR

    def entry_messages(self, entry: Entry, ctx: LintContext) -> Iterator[str]:
        for index, milestone in enumerate(entry.milestones, 1):
            if not milestone.due_text.strip():
                yield f"{_label(index, milestone)} has no due date"
            elif milestone.due is None and heuristics.is_vague_due(milestone.due_text):
                yield f"{_label(index, milestone)} is due {milestone.due_text!r}, a period, not a date"


class MilestoneDateNotIso(_EntryRule):
    rule_id = "POAM011"
    description = "milestone due text is not an ISO date"
    severity = Severity.WARNING

    def entry_messages(self, entry: Entry, ctx: LintContext) -> Iterator[str]:
        for index, milestone in enumerate(entry.milestones, 1):
            text = milestone.due_text.strip()
            if text and milestone.due is None and not heuristics.is_vague_due(text):
                yield (
                    f"{_label(index, milestone)} is due {text!r}, not an ISO date (YYYY-MM-DD): "
                    "it cannot be checked against the closeout deadline"
                )


class MilestoneAfterDeadline(_PoamItemRule):
    rule_id = "POAM012"
    description = f"milestone due after the {CLOSEOUT_DAYS}-day closeout deadline"
    severity = Severity.ERROR

    def open_entry_messages(self, entry: Entry, ctx: LintContext) -> Iterator[str]:
        deadline = closeout_deadline(ctx.poam.assessment)
        for index, milestone, due in _pending_dated(entry):
            if due > deadline:
                yield (
                    f"{_label(index, milestone)} is due {due} ({_day(ctx, due)}), after the "
                    f"{CLOSEOUT_DAYS}-day closeout deadline {deadline}{_basis_note(ctx)}"
                )


class MilestoneInC3paoBuffer(_PoamItemRule):
    rule_id = "POAM013"
    description = f"milestone due in the last {C3PAO_BUFFER_DAYS} days before the deadline"
    severity = Severity.WARNING

    def open_entry_messages(self, entry: Entry, ctx: LintContext) -> Iterator[str]:
        deadline = closeout_deadline(ctx.poam.assessment)
        for index, milestone, due in _pending_dated(entry):
            if 0 <= (deadline - due).days < C3PAO_BUFFER_DAYS:
                yield (
                    f"{_label(index, milestone)} is due {due} ({_day(ctx, due)}), in the "
                    f"last {C3PAO_BUFFER_DAYS} days before the deadline {deadline}{_basis_note(ctx)}: back it "
                    f"up by {C3PAO_BUFFER_DAYS} days and leave that time to the C3PAO"
                )


class MilestoneOverdue(_PoamItemRule):
    rule_id = "POAM014"
    description = "milestone past due and not done"
    severity = Severity.WARNING

    def open_entry_messages(self, entry: Entry, ctx: LintContext) -> Iterator[str]:
        for index, milestone in enumerate(entry.milestones, 1):
            if is_overdue(milestone, ctx.as_of):
                yield (
                    f"{_label(index, milestone)} was due {milestone.due} and is {milestone.status.value}: "
                    "record the slip, its cause and a new date"
                )


class MilestoneStatusStale(_OpenEntryRule):
    rule_id = "POAM015"
    description = "milestone status date missing, stale, or in the future"
    severity = Severity.WARNING

    def open_entry_messages(self, entry: Entry, ctx: LintContext) -> Iterator[str]:
        for index, milestone in enumerate(entry.milestones, 1):
            problem = _status_problem(milestone, ctx)
            if problem:
                yield f"{_label(index, milestone)} {problem}"


def _status_problem(milestone: Milestone, ctx: LintContext) -> str | None:
    if milestone.status_date is None:
        return "has no status date: every milestone should show when its status was last confirmed"
    if milestone.status_date > ctx.as_of:
        return f"has a status date in the future ({milestone.status_date}, as of {ctx.as_of})"
    age = (ctx.as_of - milestone.status_date).days
    if milestone.status is not MilestoneStatus.DONE and age > ctx.stale_days:
        return f"was last updated {age} days ago ({milestone.status_date}), more than {ctx.stale_days}: stale entry"
    return None


# --- how closure is verified --------------------------------------------------------------------


class NoVerificationPath(_EntryRule):
    rule_id = "POAM017"
    description = "no automated check and no attestation: nothing can confirm closure"
    severity = Severity.ERROR

    def entry_messages(self, entry: Entry, ctx: LintContext) -> Iterator[str]:
        if entry.verification.attestation:
            return
        checks = entry.verification.checks
        # Same resolution as the evaluation: explicit checks, else the mapping's; an empty list overrides.
        if checks is None and ctx.mapping is None:
            yield "no verification.checks, and no mapping was given to supply the practice's checks"
        elif checks is not None and not checks:
            yield (
                "verification.checks is empty (an empty list overrides the mapping) and verification.attestation "
                "is not true: nothing can confirm closure"
            )
        elif (
            checks is None
            and ctx.mapping is not None
            and not any(ctx.mapping.checks_for(entry.practice_id, p) for p in ctx.poam.providers)
        ):
            yield (
                f"the mapping has no automated check for {entry.practice_id} and verification.attestation is not "
                "true: nothing can confirm closure (name a check or record an attestation)"
            )


class UnknownCheck(CredibilityRule):
    rule_id = "POAM018"
    description = (
        "check id unknown to the mapping, to the Prowler release's check list or to the installed Prowler"
    )
    severity = Severity.ERROR

    def findings(self, ctx: LintContext) -> Iterator[tuple[str | None, str]]:
        mapped = (
            {p: ctx.mapping.all_checks(p) for p in ctx.poam.providers} if ctx.mapping is not None else None
        )
        release = (
            {(u.entry, u.check_id): u for u in unknown_check_ids(ctx.poam, ctx.release_checks)}
            if ctx.release_checks is not None
            else {}
        )
        for entry in ctx.poam.entries:
            for check in entry.verification.checks or ():
                unknown = release.get((entry.id, check.rpartition(QUALIFIER)[2]))
                if unknown is not None:
                    yield entry.id, unknown.message()
                    continue
                sources = _unknown_to(check, mapped, ctx)
                if sources:
                    yield entry.id, f"check {check!r} is unknown to {' and '.join(sources)}"


def _unknown_to(check: str, mapped: dict[str, frozenset[str]] | None, ctx: LintContext) -> list[str]:
    provider, _, check_id = check.rpartition(QUALIFIER)
    providers = (provider,) if provider else ctx.poam.providers
    sources: list[str] = []
    if mapped is not None and not any(check_id in mapped.get(p, ()) for p in providers):
        sources.append(f"the mapping{_path(ctx.mapping)}")
    listed = [ctx.known_checks[p] for p in providers if p in ctx.known_checks] if ctx.known_checks else []
    if listed and not any(check_id in known for known in listed):
        sources.append("the installed Prowler")
    return sources


class CheckForAnotherPractice(CredibilityRule):
    rule_id = "POAM019"
    description = "check not mapped to the entry's practice"
    severity = Severity.WARNING

    def findings(self, ctx: LintContext) -> Iterator[tuple[str | None, str]]:
        if ctx.mapping is None:
            return
        practices_of = _practices_by_check(ctx.mapping, ctx.poam.providers)
        for entry in ctx.poam.entries:
            for check in entry.verification.checks or ():
                owners = practices_of.get(check.rpartition(QUALIFIER)[2], ())
                if owners and entry.practice_id not in owners:
                    yield (
                        entry.id,
                        (
                            f"check {check!r} is mapped to {', '.join(owners)}, not to {entry.practice_id}: "
                            "its PASS may not prove this practice"
                        ),
                    )


def _practices_by_check(mapping: CheckMapping, providers: Iterable[str]) -> dict[str, tuple[str, ...]]:
    by_check: defaultdict[str, list[str]] = defaultdict(list)
    for practice_id in mapping.practices:
        checks = dict.fromkeys(c for p in providers for c in mapping.checks_for(practice_id, p))
        for check in checks:
            by_check[check].append(practice_id)
    return {check: tuple(owners) for check, owners in by_check.items()}


# --- Day 0 lock ---------------------------------------------------------------------------------


class AddedAfterAssessment(_EntryRule):
    rule_id = "POAM020"
    description = "entry created after the assessment date (the POA&M is locked at Day 0)"
    severity = Severity.ERROR

    def entry_messages(self, entry: Entry, ctx: LintContext) -> Iterator[str]:
        assessed = ctx.poam.assessment.assessment_date
        if entry.created is not None and entry.created > assessed:
            yield (
                f"created {entry.created}, after the assessment on {assessed}: no item may be added to the "
                "POA&M after the assessment"
            )


# --- operational plans of action -----------------------------------------------------------------


class OperationalPlanOfAction(_EntryRule):
    rule_id = "POAM021"
    description = (
        "an operational plan of action (32 CFR 170.4): not a POA&M item, not counted as open at closeout"
    )
    severity = Severity.WARNING

    def entry_messages(self, entry: Entry, ctx: LintContext) -> Iterator[str]:
        if not entry.is_poam_item:
            yield (
                "kind is operational: an operational plan of action (a temporary deficiency, 32 CFR 170.4) is not "
                "a POA&M item; its practice can still be MET, so it deducts nothing from the score, is not judged "
                "for § 170.21 eligibility or against the 180-day deadline, and poam closeout neither counts it as "
                "open nor waits for it (remove the kind if this is a NOT MET requirement of the assessment)"
            )


# --- objectives ------------------------------------------------------------------------------------


class JudgedOnAllObjectives(_EntryRule):
    rule_id = "POAM022"
    description = "no objectives: the entry is judged on every 800-171A objective of its practice"
    severity = Severity.WARNING

    def entry_messages(self, entry: Entry, ctx: LintContext) -> Iterator[str]:
        procedure = assessment_procedures().get(entry.practice_id)
        if entry.objectives is not None or procedure is None or len(procedure.objectives) < 2:  # noqa: PLR2004
            return
        ids = [o.objective_id for o in procedure.objectives]
        yield (
            f"judged on all {len(ids)} objectives of {entry.practice_id} ({', '.join(ids)}): list in "
            "objectives the ones the assessment found NOT MET, or each needs a check or an attestation"
        )


# --- helpers and the default rule set -----------------------------------------------------------


def _present(message: str | None) -> tuple[str, ...]:
    return (message,) if message is not None else ()


def _label(index: int, milestone: Milestone) -> str:
    return f"milestone {index} ({milestone.title!r})"


def _pending_dated(entry: Entry) -> Iterator[tuple[int, Milestone, date]]:
    """Milestones with an ISO due date that are not done yet, numbered from 1, with that date."""
    for index, milestone in enumerate(entry.milestones, 1):
        if milestone.due is not None and milestone.status is not MilestoneStatus.DONE:
            yield index, milestone, milestone.due


def _day(ctx: LintContext, when: date) -> str:
    start, _ = day_zero(ctx.poam.assessment)
    return f"Day {(when - start).days}"


def _basis_note(ctx: LintContext) -> str:
    _, basis = day_zero(ctx.poam.assessment)
    if basis is Basis.ASSESSMENT_DATE:
        return " (counted from the assessment date: there is no conditional status date yet)"
    return ""


def _path(mapping: CheckMapping | None) -> str:
    return f" {mapping.path}" if mapping is not None and mapping.path else ""


DEFAULT_RULES: tuple[CredibilityRule, ...] = (
    IneligiblePractice(),
    ScoreBelowThreshold(),
    LevelOnePoam(),
    SeveralPractices(),
    DuplicatePractice(),
    VagueFinding(),
    RootCause(),
    OwnerNamed(),
    MilestoneCount(),
    MilestoneUndated(),
    MilestoneDateNotIso(),
    MilestoneAfterDeadline(),
    MilestoneInC3paoBuffer(),
    MilestoneOverdue(),
    MilestoneStatusStale(),
    ResourcesCommitted(),
    NoVerificationPath(),
    UnknownCheck(),
    CheckForAnotherPractice(),
    AddedAfterAssessment(),
    OperationalPlanOfAction(),
    JudgedOnAllObjectives(),
)


def default_rules() -> RuleSet:
    """Every credibility rule, in id order."""
    return RuleSet(sorted(DEFAULT_RULES, key=lambda rule: rule.rule_id))


def lint(ctx: LintContext) -> list[Problem]:
    """Run the default rule set; problems are POA&M-wide first, then by entry in file order."""
    return default_rules().run(ctx)


def has_errors(problems: Iterable[Problem]) -> bool:
    """Whether any problem is an error (a POA&M with only warnings is still credible)."""
    return any(problem.severity is Severity.ERROR for problem in problems)

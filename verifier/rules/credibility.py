"""Credibility lint: would a C3PAO accept this POA&M? One small rule per mistake, each with a stable id.

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
(it is not subject to the closeout), nor does POAM020 (a temporary deficiency may be found at any
time); POAM021 names it. Before certification (no conditional status date)
the assessment date is the planning basis for the deadline, and the messages say so. A vague period ("Q3") is an error because
it cannot be held to the deadline at all; other non-ISO text ("30 Jan 2027") is a warning: it may be a
real date, but the tool cannot check it, so write it as YYYY-MM-DD.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from functools import partial

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


Judge = Callable[[LintContext], Iterable[tuple[str | None, str]]]
"""Every problem a rule finds, each as the entry it concerns (None: the POA&M) and its message."""
EntryJudge = Callable[[Entry, LintContext], Iterable[str]]
"""Every problem with one entry, as messages."""


class CredibilityRule:
    """One credibility rule: its stable id, description and one severity, and the judge that finds its problems.

    Each rule below is this class with its own settings (``SeveralPractices()`` builds one); the judges differ,
    the rest is the same.
    """

    def __init__(self, rule_id: str, description: str, severity: Severity, judge: Judge) -> None:
        self.rule_id = rule_id
        self.description = description
        self.severity = severity
        self._judge = judge

    def check(self, ctx: LintContext) -> Iterator[Problem]:
        """Every problem this rule finds, with the rule's id and severity."""
        for entry_id, message in self.findings(ctx):
            yield Problem(entry_id, self.rule_id, self.severity, message)

    def findings(self, ctx: LintContext) -> Iterable[tuple[str | None, str]]:
        """Each problem as the entry it concerns (None: the POA&M) and its message."""
        return self._judge(ctx)


# Each rule's severity and description, by id; the rules themselves (what each judges) follow.
_RULE_TABLE: dict[str, tuple[Severity, str]] = {
    "POAM001": (
        Severity.ERROR,
        "practice may not be on a Conditional POA&M (32 CFR § 170.21(a)(2)(ii), (iii))",
    ),
    "POAM002": (Severity.ERROR, "score below the Conditional threshold of 88 (32 CFR § 170.21(a)(2)(i))"),
    "POAM003": (Severity.ERROR, "a POA&M is never permitted for Level 1 (32 CFR § 170.21(a)(1))"),
    "POAM004": (Severity.ERROR, "one entry covers several practices"),
    "POAM005": (Severity.WARNING, "two entries for the same practice"),
    "POAM006": (Severity.WARNING, "finding too vague to act on"),
    "POAM007": (Severity.ERROR, "root cause missing or an evasion"),
    "POAM008": (Severity.ERROR, "owner missing, or a team rather than a named person or role"),
    "POAM009": (Severity.ERROR, f"fewer than {MIN_MILESTONES} or more than {MAX_MILESTONES} milestones"),
    "POAM010": (Severity.ERROR, "milestone without a due date, or with a period such as 'Q3'"),
    "POAM011": (Severity.WARNING, "milestone due text is not an ISO date"),
    "POAM012": (Severity.ERROR, f"milestone due after the {CLOSEOUT_DAYS}-day closeout deadline"),
    "POAM013": (Severity.WARNING, f"milestone due in the last {C3PAO_BUFFER_DAYS} days before the deadline"),
    "POAM014": (Severity.WARNING, "milestone past due and not done"),
    "POAM015": (Severity.WARNING, "milestone status date missing, stale, or in the future"),
    "POAM016": (Severity.ERROR, "resources missing, zero, or TBD"),
    "POAM017": (Severity.ERROR, "no automated check and no attestation: nothing can confirm closure"),
    "POAM018": (
        Severity.ERROR,
        "check id unknown to the mapping, to the Prowler release's check list or to the installed Prowler",
    ),
    "POAM019": (Severity.WARNING, "check not mapped to the entry's practice"),
    "POAM020": (Severity.ERROR, "entry created after the assessment date (the POA&M is locked at Day 0)"),
    "POAM021": (
        Severity.WARNING,
        "an operational plan of action (32 CFR 170.4): not a POA&M item, not counted as open at closeout",
    ),
    "POAM022": (
        Severity.WARNING,
        "no objectives: the entry is judged on every 800-171A objective of its practice",
    ),
}


def _rule(rule_id: str, judge: Judge) -> partial[CredibilityRule]:
    """The rule ``rule_id`` of the table, judging by ``judge``: called, it builds one (``SeveralPractices()``)."""
    severity, description = _RULE_TABLE[rule_id]
    return partial(CredibilityRule, rule_id, description, severity, judge)


def _each_entry(judge: EntryJudge, *, open_only: bool = False, poam_items_only: bool = False) -> Judge:
    """A judge of each entry on its own; ``open_only`` for a time-driven rule: closed entries are history;
    ``poam_items_only`` for a rule of the 180-day closeout clock, which operational plans of action are not on."""

    def findings(ctx: LintContext) -> Iterator[tuple[str | None, str]]:
        for entry in ctx.poam.entries:
            if open_only and entry.status is EntryStatus.CLOSED:
                continue
            if poam_items_only and not entry.is_poam_item:
                continue
            for message in judge(entry, ctx):
                yield entry.id, message

    return findings


def _each_text(problem: Callable[[Entry], str | None]) -> Judge:
    """A judge of each entry by one heuristic about one of its texts: its message, if any, is the problem."""
    return _each_entry(lambda entry, _ctx: _present(problem(entry)))


# --- § 170.21 eligibility -----------------------------------------------------------------------


def _eligibility(*paragraphs: Paragraph) -> Judge:
    """Reports ``score``'s blockers for some paragraphs of § 170.21(a) (one source of truth)."""

    def findings(ctx: LintContext) -> Iterator[tuple[str | None, str]]:
        for blocker in score_poam(ctx.poam).blockers:
            if blocker.paragraph in paragraphs:
                yield blocker.entry, f"{blocker.reason} ({blocker.rule})"

    return findings


IneligiblePractice = _rule("POAM001", _eligibility(Paragraph.POINT_VALUE, Paragraph.NEVER_ELIGIBLE))
ScoreBelowThreshold = _rule("POAM002", _eligibility(Paragraph.SCORE))
LevelOnePoam = _rule("POAM003", _eligibility(Paragraph.LEVEL_1))


# --- what the gap is ----------------------------------------------------------------------------


def _several_practices(entry: Entry, ctx: LintContext) -> Iterator[str]:
    others = heuristics.other_practices_named(entry.finding, entry.practice_id)
    if others:
        yield (
            f"finding also names {', '.join(others)}: each practice needs its own entry "
            "(different owners, timelines and costs)"
        )
    phrase = heuristics.blanket_scope(entry.finding)
    if phrase:
        yield f"finding covers a group of practices ({phrase!r}): give each practice its own entry"


SeveralPractices = _rule("POAM004", _each_entry(_several_practices))


def _duplicate_practice(ctx: LintContext) -> Iterator[tuple[str | None, str]]:
    first: dict[str, Entry] = {}
    for entry in ctx.poam.entries:
        earlier = first.setdefault(entry.practice_id, entry)
        if earlier is not entry:
            yield entry.id, _duplicate_reason(entry, earlier)


def _duplicate_reason(entry: Entry, earlier: Entry) -> str:
    if entry.is_poam_item == earlier.is_poam_item:
        deducted = " (the score deducts it once)" if entry.is_poam_item else ""
        return f"{entry.practice_id} is already on entry {earlier.id}: one practice, one entry{deducted}"
    item, operational = (entry, earlier) if entry.is_poam_item else (earlier, entry)
    return (
        f"{entry.practice_id} is a POA&M item on entry {item.id} and an operational plan of action on entry "
        f"{operational.id}: a practice NOT MET at the assessment is a POA&M item, an operational plan is for a "
        "practice that was MET and is temporarily deficient (32 CFR 170.4); keep the one that applies"
    )


DuplicatePractice = _rule("POAM005", _duplicate_practice)


VagueFinding = _rule("POAM006", _each_text(lambda entry: heuristics.finding_vagueness(entry.finding)))


# --- why, who, with what ------------------------------------------------------------------------


RootCause = _rule("POAM007", _each_text(lambda entry: heuristics.root_cause_problem(entry.root_cause)))


OwnerNamed = _rule("POAM008", _each_text(lambda entry: heuristics.owner_problem(entry.owner)))


ResourcesCommitted = _rule("POAM016", _each_text(lambda entry: heuristics.resources_problem(entry.resources)))


# --- when: milestones ---------------------------------------------------------------------------


def _milestone_count(entry: Entry, ctx: LintContext) -> Iterator[str]:
    count = len(entry.milestones)
    if not MIN_MILESTONES <= count <= MAX_MILESTONES:
        yield (
            f"{count} milestone(s); a credible plan has {MIN_MILESTONES} to {MAX_MILESTONES} "
            "dated steps (design, pilot, deploy, verify)"
        )


MilestoneCount = _rule("POAM009", _each_entry(_milestone_count))


def _milestone_undated(entry: Entry, ctx: LintContext) -> Iterator[str]:
    for index, milestone in enumerate(entry.milestones, 1):
        if not milestone.due_text.strip():
            yield f"{_label(index, milestone)} has no due date"
        elif milestone.due is None and heuristics.is_vague_due(milestone.due_text):
            yield f"{_label(index, milestone)} is due {milestone.due_text!r}, a period, not a date"


MilestoneUndated = _rule("POAM010", _each_entry(_milestone_undated))


def _milestone_date_not_iso(entry: Entry, ctx: LintContext) -> Iterator[str]:
    for index, milestone in enumerate(entry.milestones, 1):
        text = milestone.due_text.strip()
        if text and milestone.due is None and not heuristics.is_vague_due(text):
            yield (
                f"{_label(index, milestone)} is due {text!r}, not an ISO date (YYYY-MM-DD): "
                "it cannot be checked against the closeout deadline"
            )


MilestoneDateNotIso = _rule("POAM011", _each_entry(_milestone_date_not_iso))


def _milestone_after_deadline(entry: Entry, ctx: LintContext) -> Iterator[str]:
    deadline = closeout_deadline(ctx.poam.assessment)
    for index, milestone, due in _pending_dated(entry):
        if due > deadline:
            yield (
                f"{_label(index, milestone)} is due {due} ({_day(ctx, due)}), after the "
                f"{CLOSEOUT_DAYS}-day closeout deadline {deadline}{_basis_note(ctx)}"
            )


MilestoneAfterDeadline = _rule(
    "POAM012", _each_entry(_milestone_after_deadline, open_only=True, poam_items_only=True)
)


def _milestone_in_c3pao_buffer(entry: Entry, ctx: LintContext) -> Iterator[str]:
    deadline = closeout_deadline(ctx.poam.assessment)
    for index, milestone, due in _pending_dated(entry):
        if 0 <= (deadline - due).days < C3PAO_BUFFER_DAYS:
            yield (
                f"{_label(index, milestone)} is due {due} ({_day(ctx, due)}), in the "
                f"last {C3PAO_BUFFER_DAYS} days before the deadline {deadline}{_basis_note(ctx)}: back it "
                f"up by {C3PAO_BUFFER_DAYS} days and leave that time to the C3PAO"
            )


MilestoneInC3paoBuffer = _rule(
    "POAM013", _each_entry(_milestone_in_c3pao_buffer, open_only=True, poam_items_only=True)
)


def _milestone_overdue(entry: Entry, ctx: LintContext) -> Iterator[str]:
    for index, milestone in enumerate(entry.milestones, 1):
        if is_overdue(milestone, ctx.as_of):
            yield (
                f"{_label(index, milestone)} was due {milestone.due} and is {milestone.status.value}: "
                "record the slip, its cause and a new date"
            )


MilestoneOverdue = _rule("POAM014", _each_entry(_milestone_overdue, open_only=True, poam_items_only=True))


def _milestone_status_stale(entry: Entry, ctx: LintContext) -> Iterator[str]:
    for index, milestone in enumerate(entry.milestones, 1):
        problem = _status_problem(milestone, ctx)
        if problem:
            yield f"{_label(index, milestone)} {problem}"


MilestoneStatusStale = _rule("POAM015", _each_entry(_milestone_status_stale, open_only=True))


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


def _no_verification_path(entry: Entry, ctx: LintContext) -> Iterator[str]:
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


NoVerificationPath = _rule("POAM017", _each_entry(_no_verification_path))


def _unknown_check(ctx: LintContext) -> Iterator[tuple[str | None, str]]:
    mapped = {p: ctx.mapping.all_checks(p) for p in ctx.poam.providers} if ctx.mapping is not None else None
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


UnknownCheck = _rule("POAM018", _unknown_check)


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


def _check_for_another_practice(ctx: LintContext) -> Iterator[tuple[str | None, str]]:
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


CheckForAnotherPractice = _rule("POAM019", _check_for_another_practice)


def _practices_by_check(mapping: CheckMapping, providers: Iterable[str]) -> dict[str, tuple[str, ...]]:
    by_check: defaultdict[str, list[str]] = defaultdict(list)
    for practice_id in mapping.practices:
        checks = dict.fromkeys(c for p in providers for c in mapping.checks_for(practice_id, p))
        for check in checks:
            by_check[check].append(practice_id)
    return {check: tuple(owners) for check, owners in by_check.items()}


# --- Day 0 lock ---------------------------------------------------------------------------------


def _added_after_assessment(entry: Entry, ctx: LintContext) -> Iterator[str]:
    assessed = ctx.poam.assessment.assessment_date
    if entry.created is not None and entry.created > assessed:
        yield (
            f"created {entry.created}, after the assessment on {assessed}: no item may be added to the "
            "POA&M after the assessment"
        )


# The lock is the POA&M's: an operational plan of action records a temporary deficiency found at any time.
AddedAfterAssessment = _rule("POAM020", _each_entry(_added_after_assessment, poam_items_only=True))


# --- operational plans of action -----------------------------------------------------------------


def _operational_plan_of_action(entry: Entry, ctx: LintContext) -> Iterator[str]:
    if not entry.is_poam_item:
        yield (
            "kind is operational: an operational plan of action (a temporary deficiency, 32 CFR 170.4) is not "
            "a POA&M item; its practice can still be MET, so it deducts nothing from the score, is not judged "
            "for § 170.21 eligibility or against the 180-day deadline, may be added after the assessment, and poam closeout neither counts it as "
            "open nor waits for it (remove the kind if this is a NOT MET requirement of the assessment)"
        )


OperationalPlanOfAction = _rule("POAM021", _each_entry(_operational_plan_of_action))


# --- objectives ------------------------------------------------------------------------------------


def _judged_on_all_objectives(entry: Entry, ctx: LintContext) -> Iterator[str]:
    procedure = assessment_procedures().get(entry.practice_id)
    if entry.objectives is not None or procedure is None or len(procedure.objectives) < 2:  # noqa: PLR2004
        return
    ids = [o.objective_id for o in procedure.objectives]
    yield (
        f"judged on all {len(ids)} objectives of {entry.practice_id} ({', '.join(ids)}): list in "
        "objectives the ones the assessment found NOT MET, or each needs a check or an attestation"
    )


JudgedOnAllObjectives = _rule("POAM022", _each_entry(_judged_on_all_objectives))


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

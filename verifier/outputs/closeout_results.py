"""What a POA&M closeout determines: each entry and its objectives, and all 110 requirements and 320 objectives.

A requirement is MET only when every one of its 800-171A objectives is MET. The closeout judges only what the
POA&M holds (32 CFR 170.21(b)): an entry's objectives (``Entry.objectives``; None: all of its practice's)
carry the verdicts of its ``EntryResult.objectives``, and an objective with no ``ObjectiveResult`` is
NOT_VERIFIED, never MET (fail closed). Practices and objectives not on the POA&M were MET at the assessment.
An operational plan of action (``kind: operational``, 32 CFR 170.4) is not a POA&M item: it is listed, never
judged here, and its practice stays MET unless a POA&M item says otherwise.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from verifier.catalog import Practice, assessment_procedures, practices
from verifier.model import Basis, Entry, EntryResult, ObjectiveResult, Verdict
from verifier.outputs.reasons import render

NO_OBJECTIVE_RESULT = "no objective-level result"


class Determination(enum.StrEnum):
    """A requirement's or objective's determination as the assessment-results upload words it."""

    MET = "Met"
    NOT_MET = "Not Met"
    NOT_APPLICABLE = "Not Applicable"


@dataclass(frozen=True, slots=True)
class ObjectiveOutcome:
    """One 800-171A objective of an entry: its result (NOT_VERIFIED, on no basis, where the run judged none)
    and why, in words."""

    result: ObjectiveResult
    reasons: tuple[str, ...]

    @property
    def verdict(self) -> Verdict:
        return self.result.verdict


@dataclass(frozen=True, slots=True)
class EntryOutcome:
    """One POA&M entry at closeout: its verdict, its objectives' outcomes and where its evidence lies."""

    entry: Entry
    result: EntryResult
    objectives: tuple[ObjectiveOutcome, ...]
    evidence_path: str

    @property
    def is_poam_item(self) -> bool:
        return self.entry.is_poam_item

    @property
    def closed(self) -> bool:
        """MET, and every objective MET: the only state a closeout may be finalised in."""
        return self.result.verdict is Verdict.MET and all(o.verdict is Verdict.MET for o in self.objectives)

    def open_reasons(self) -> tuple[str, ...]:
        """Why this entry is not closed: its verdict first, then its objectives that are not MET, grouped by why."""
        reasons: list[str] = []
        if self.result.verdict is not Verdict.MET:
            why = "; ".join(render(r) for r in self.result.reasons) or "no reason recorded"
            reasons.append(f"{self.entry.id} is {self.result.verdict.value} ({why})")
        grouped: dict[tuple[Verdict, tuple[str, ...]], list[str]] = {}
        for objective in self.objectives:
            if objective.verdict is not Verdict.MET:
                grouped.setdefault((objective.verdict, objective.reasons), []).append(
                    objective.result.objective_id
                )
        for (verdict, texts), ids in grouped.items():
            label = "objective" if len(ids) == 1 else "objectives"
            text = "; ".join(texts) or "no reason recorded"
            reasons.append(f"{self.entry.id} {label} {', '.join(ids)} {verdict.value} ({text})")
        return tuple(reasons)


@dataclass(frozen=True, slots=True)
class RequirementRow:
    """One of the 110 requirements: its determination and where it stands on the POA&M."""

    practice: Practice
    statement: str
    determination: Determination
    entries: tuple[str, ...]  # the POA&M items for it
    operational: tuple[str, ...]  # operational plans of action for it (never POA&M items)

    @property
    def poam_status(self) -> str:
        if not self.entries:
            return ""
        return "Closed" if self.determination is Determination.MET else "Open"


@dataclass(frozen=True, slots=True)
class ObjectiveRow:
    """One of the 320 objectives: its determination, the artifacts behind it and the method notes."""

    objective_id: str
    practice_id: str
    text: str
    determination: Determination
    artifacts: tuple[str, ...]
    examine: str
    interview: str
    test: str


@dataclass(frozen=True, slots=True)
class CloseoutResults:
    """Every entry's outcome in POA&M order, then the 110 requirement rows and 320 objective rows."""

    entries: tuple[EntryOutcome, ...]
    requirements: tuple[RequirementRow, ...]
    objectives: tuple[ObjectiveRow, ...]

    @property
    def poam_items(self) -> tuple[EntryOutcome, ...]:
        return tuple(e for e in self.entries if e.is_poam_item)

    @property
    def still_open(self) -> tuple[EntryOutcome, ...]:
        """The POA&M items that are not closed; operational plans of action never count."""
        return tuple(e for e in self.poam_items if not e.closed)


def closeout_results(
    entries: Sequence[Entry], results: Sequence[EntryResult], evidence_paths: Mapping[str, str], assessed: str
) -> CloseoutResults:
    """The closeout's determinations from the POA&M's entries, their results and their evidence files."""
    by_id = {r.entry_id: r for r in results}
    outcomes = tuple(
        EntryOutcome(e, by_id[e.id], _objectives(e, by_id[e.id]), evidence_paths.get(e.id, ""))
        for e in entries
        if e.id in by_id
    )
    return CloseoutResults(outcomes, _requirements(outcomes), _objective_rows(outcomes, assessed))


def entry_objective_ids(entry: Entry) -> tuple[str, ...]:
    """The objectives the entry is judged on: those it names, else all of its practice's."""
    procedure = assessment_procedures().get(entry.practice_id)
    every = tuple(o.objective_id for o in procedure.objectives) if procedure else ()
    return every if entry.objectives is None else tuple(entry.objectives)


def _objectives(entry: Entry, result: EntryResult) -> tuple[ObjectiveOutcome, ...]:
    judged = {o.objective_id: o for o in result.objectives}
    return tuple(_outcome(oid, judged.get(oid)) for oid in entry_objective_ids(entry))


def _outcome(objective_id: str, judged: ObjectiveResult | None) -> ObjectiveOutcome:
    if judged is None:
        return ObjectiveOutcome(
            ObjectiveResult(objective_id, Verdict.NOT_VERIFIED, Basis.NONE, ()), (NO_OBJECTIVE_RESULT,)
        )
    return ObjectiveOutcome(judged, tuple(render(r) for r in judged.reasons))


def _requirements(outcomes: Sequence[EntryOutcome]) -> tuple[RequirementRow, ...]:
    rows = []
    for practice_id, practice in practices().items():
        items = [o for o in outcomes if o.entry.practice_id == practice_id and o.is_poam_item]
        operational = tuple(
            o.entry.id for o in outcomes if o.entry.practice_id == practice_id and not o.is_poam_item
        )
        met = all(o.closed for o in items)
        procedure = assessment_procedures().get(practice_id)
        rows.append(
            RequirementRow(
                practice,
                procedure.statement if procedure else practice.title,
                Determination.MET if met else Determination.NOT_MET,
                tuple(o.entry.id for o in items),
                operational,
            )
        )
    return tuple(rows)


def _objective_rows(outcomes: Sequence[EntryOutcome], assessed: str) -> tuple[ObjectiveRow, ...]:
    judged: dict[str, list[tuple[EntryOutcome, ObjectiveOutcome]]] = {}
    for outcome in outcomes:
        if outcome.is_poam_item:
            for objective in outcome.objectives:
                judged.setdefault(objective.result.objective_id, []).append((outcome, objective))
    return tuple(
        _objective_row(practice_id, objective.objective_id, objective.text, judged, assessed)
        for practice_id, procedure in assessment_procedures().items()
        for objective in procedure.objectives
    )


def _objective_row(
    practice_id: str,
    objective_id: str,
    text: str,
    judged: Mapping[str, list[tuple[EntryOutcome, ObjectiveOutcome]]],
    assessed: str,
) -> ObjectiveRow:
    pairs = judged.get(objective_id, [])
    if not pairs:
        note = f"MET at the assessment of {assessed}; not on the POA&M"
        return ObjectiveRow(objective_id, practice_id, text, Determination.MET, (), note, "", "")
    met = all(o.verdict is Verdict.MET for _, o in pairs)
    artifacts = tuple(dict.fromkeys(e.evidence_path for e, _ in pairs if e.evidence_path))
    examine = "; ".join(a for _, o in pairs for a in o.result.attestations)
    test = "; ".join(
        f"{e.entry.id}: {o.verdict.value} by Prowler check(s) {', '.join(o.result.checks)}"
        for e, o in pairs
        if o.result.checks
    )
    unjudged = "; ".join(
        f"{e.entry.id}: {o.verdict.value}, {'; '.join(o.reasons)}" for e, o in pairs if not o.result.checks
    )
    return ObjectiveRow(
        objective_id,
        practice_id,
        text,
        Determination.MET if met else Determination.NOT_MET,
        artifacts,
        examine,
        "",
        "; ".join(t for t in (test, unjudged) if t),
    )

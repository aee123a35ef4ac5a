"""An OSCAL plan-of-action-and-milestones (1.0.x to 1.2.x JSON): each poam-item with its related risks.

FedRAMP puts ``POAM-ID`` on the item and ``impacted-control-id`` on the risk, compliance-trestle and this
tool put them elsewhere: a property is looked for on the item first, then on its risks, by name
(case-insensitive, any namespace). This tool's export names the 800-171A objectives found NOT MET in
``objective-id`` properties (none: all of the practice's) and an operational plan of action in
``entry-kind`` (none: a POA&M item). A risk's remediation tasks are the milestones, its deadline the
scheduled completion, its statement the root cause.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from verifier.inputs.jsondoc import parse_json, read_bytes
from verifier.inputs.poam_import.rows import (
    Cell,
    Field,
    ImportFormat,
    MilestoneCell,
    PoamImportError,
    ReadOptions,
    SkippedRow,
    SourceDocument,
    SourceRow,
)

SHEET = "poam-items"
_ID_PROPS = ("poam-id", "entry-id")
_PRACTICE_PROPS = ("impacted-control-id", "practice-id")
_STATUS_PROPS = ("entry-status",)
# This tool's export names each 800-171A objective found NOT MET (3.3.8[a]); none named: all of them.
_OBJECTIVE_PROPS = ("objective-id",)
# This tool's export marks an operational plan of action (32 CFR 170.4) ``operational``; none: a POA&M item.
_KIND_PROPS = ("entry-kind",)
_NOT_ISO_DUE = "Due (not an ISO date): "

JsonObject = Mapping[str, Any]


def read(path: Path, options: ReadOptions) -> SourceDocument:
    del options  # an OSCAL document has no sheets and no columns to name
    document = parse_json(read_bytes(path, "OSCAL POA&M"), str(path))
    body = document.get("plan-of-action-and-milestones") if isinstance(document, dict) else None
    if not isinstance(body, dict):
        raise PoamImportError(f"{path}: not an OSCAL document with a plan-of-action-and-milestones")
    risks = _by_uuid(_objects(body.get("risks")))
    parties = _by_uuid(_objects(_object(body.get("metadata")).get("parties")))
    rows: list[SourceRow] = []
    skipped: list[SkippedRow] = []
    items = body.get("poam-items")
    for number, item in enumerate(items if isinstance(items, list) else [], start=1):
        if not isinstance(item, dict):
            skipped.append(SkippedRow(SHEET, number, "not an object"))
            continue
        uuids = [r.get("risk-uuid") for r in _objects(item.get("related-risks"))]
        related = [risks[u] for u in uuids if isinstance(u, str) and u in risks]
        rows.append(_row(number, item, related, parties))
    metadata = {"system": _system(body)} if _system(body) else {}
    return SourceDocument(path, ImportFormat.OSCAL, tuple(rows), tuple(skipped), metadata)


# An OSCAL file is untrusted input: a member of the wrong type is read as absent, never indexed into.
def _object(value: Any) -> JsonObject:
    return value if isinstance(value, dict) else {}


def _objects(value: Any) -> list[JsonObject]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _by_uuid(objects: list[JsonObject]) -> dict[str, JsonObject]:
    return {o["uuid"]: o for o in objects if isinstance(o.get("uuid"), str)}


def _system(body: JsonObject) -> str:
    system_id = body.get("system-id")
    return str(system_id.get("id", "")) if isinstance(system_id, dict) else ""


def _props(objects: Iterable[JsonObject], names: tuple[str, ...]) -> list[str]:
    """Values of the named properties, the item's before its risks', without repeats."""
    values: list[str] = []
    for obj in objects:
        for prop in _objects(obj.get("props")):
            name = str(prop.get("name", "")).casefold()
            value = str(prop.get("value", ""))
            if name in names and value and value not in values:
                values.append(value)
    return values


def _first(objects: Iterable[JsonObject], key: str) -> str:
    return next((str(o[key]) for o in objects if o.get(key)), "")


def _row(
    number: int, item: JsonObject, risks: Sequence[JsonObject], parties: Mapping[Any, JsonObject]
) -> SourceRow:
    both = [item, *risks]
    cells: dict[Field, Cell] = {}
    identifiers = _props(both, _ID_PROPS)
    if identifiers:
        cells[Field.ID] = identifiers[0]
    practices = _props(both, _PRACTICE_PROPS)
    if practices:
        cells[Field.PRACTICE_ID] = "; ".join(practices)
    if objectives := _props(both, _OBJECTIVE_PROPS):
        cells[Field.OBJECTIVES] = "; ".join(objectives)
    if kinds := _props(both, _KIND_PROPS):
        cells[Field.KIND] = "; ".join(kinds)  # two different kinds name none: reported, never one of them
    finding = _first(both, "description") or _first(both, "title")
    if finding:
        cells[Field.FINDING] = finding
    if root_cause := _first(risks, "statement"):
        cells[Field.ROOT_CAUSE] = root_cause
    status = _props(risks, _STATUS_PROPS) or [r["status"] for r in risks if r.get("status")]
    if status:
        cells[Field.STATUS] = status[0]
    if deadline := _first(risks, "deadline"):
        cells[Field.COMPLETION_DATE] = deadline[:10]
    tasks = [t for r in risks for rem in _objects(r.get("remediations")) for t in _objects(rem.get("tasks"))]
    if owner := _owner(tasks, parties):
        cells[Field.OWNER] = owner
    source = {"title": item["title"]} if item.get("title") else {}
    return SourceRow(SHEET, number, cells, source, tuple(_milestone(t) for t in tasks))


def _owner(tasks: list[JsonObject], parties: Mapping[Any, JsonObject]) -> str:
    for task in tasks:
        for role in _objects(task.get("responsible-roles")):
            uuids = role.get("party-uuids")
            for party_uuid in uuids if isinstance(uuids, list) else []:
                party = parties.get(party_uuid) if isinstance(party_uuid, str) else None
                if party and party.get("name"):
                    titles = _props([party], ("job-title",))
                    return ", ".join([str(party["name"]), *titles[:1]])
    return ""


def _milestone(task: JsonObject) -> MilestoneCell:
    timing = _object(task.get("timing"))
    due = (
        _object(timing.get("on-date")).get("date")
        or _object(timing.get("within-date-range")).get("end")
        or ""
    )
    remarks = str(task.get("remarks", ""))
    if not due and remarks.startswith(_NOT_ISO_DUE):
        due = remarks.removeprefix(_NOT_ISO_DUE)
    status = _props([task], ("milestone-status",))
    status_date = _props([task], ("status-date",))
    return MilestoneCell(
        title=str(task.get("title", "")),
        due=str(due)[:10] if due and str(due)[:4].isdigit() else str(due),
        status=status[0] if status else "",
        status_date=status_date[0] if status_date else "",
    )

"""Milestone cells into milestones: FedRAMP's numbered, dated lines in one cell, eMASS's one per row,
this tool's export ("1. title — 2026-11-27 (in_progress)"), or OSCAL tasks already split.
"""

from __future__ import annotations

import re
from typing import Any

from verifier.inputs.poam_import.rows import Cell, MilestoneCell
from verifier.inputs.poam_import.table import as_text
from verifier.inputs.poam_import.values import find_date, milestone_status, parse_date

_MARKER = re.compile(r"^\s*(?:\(\d+\)|\d+[.)])\s*")
# A status in brackets at the end ("… (in_progress)"): found by the last "(" rather than a search for
# "\s*\(…\)\s*$", which rescans a run of spaces from every start and is quadratic on a large cell.
_STATUS_WORD = re.compile(r"[a-z_ ]+", re.IGNORECASE)
_UNDATED = re.compile(r"^(tbd|tba|ongoing|n/?a|q[1-4]\b.*|fy\d{2,4}.*|h[12]\b.*)$", re.IGNORECASE)
_SEPARATORS = (" — ", ": ", " - ")
_NO_DUE = "no due date"


def milestones(cells: list[Cell], epoch_1904: bool) -> list[dict[str, Any]]:
    """Every milestone in the cells, in order."""
    found: list[dict[str, Any]] = []
    for cell in cells:
        dated = None if isinstance(cell, str | MilestoneCell) else parse_date(cell, epoch_1904)
        if isinstance(cell, MilestoneCell):
            found.append(_structured(cell))
        elif dated is not None:  # a date cell on a continuation row: a milestone with only a due date
            found.append(_milestone("", dated.value.isoformat(), "planned"))
        else:
            found += [_parse_item(item) for item in split_items(as_text(cell))]
    for number, milestone in enumerate(found, start=1):
        milestone["title"] = milestone["title"] or f"Milestone {number}"
    return found


def split_items(text: str) -> list[str]:
    """One text per milestone: numbered lines start one; else blank lines separate; else every line."""
    lines = text.splitlines()
    if any(_MARKER.match(line) for line in lines):
        items: list[list[str]] = []
        for line in lines:
            if _MARKER.match(line) or not items:
                items.append([line])
            else:
                items[-1].append(line)
        joined = [" ".join(" ".join(item).split()) for item in items]
    elif re.search(r"\n\s*\n", text):
        joined = [" ".join(block.split()) for block in re.split(r"\n\s*\n", text)]
    else:
        joined = [" ".join(line.split()) for line in lines]
    return [item for item in joined if item]


def _parse_item(text: str) -> dict[str, Any]:
    text = _MARKER.sub("", text, count=1).strip()
    status = "planned"
    trailing = _trailing_status(text)
    if trailing is not None:
        status, text = trailing
    found = find_date(text)
    if found is not None:
        day, match = found
        if re.match(r"^\s*(completed?|done|closed)\b", text[: match.start()], re.IGNORECASE):
            status = "done"
        title = _strip_separators(text[: match.start()] + " " + text[match.end() :])
        return _milestone(title, day.isoformat(), status)
    title, due = _undated(text)
    return _milestone(title, due, status)


def _trailing_status(text: str) -> tuple[str, str] | None:
    """A milestone status in brackets ending the text, and the text before it."""
    body = text.rstrip()
    if not body.endswith(")"):
        return None
    opening = body.rfind("(")
    word = body[opening + 1 : -1]
    if opening < 0 or not _STATUS_WORD.fullmatch(word):
        return None
    status = milestone_status(word)
    return (status, body[:opening].strip()) if status else None


def _undated(text: str) -> tuple[str, str | None]:
    """A milestone without a date: its due text when it names one ("TBD", "Q3"), else no due date."""
    for separator in _SEPARATORS:
        if separator in text:
            left, right = text.rsplit(separator, 1) if separator == " — " else text.split(separator, 1)
            for due, title in ((right, left), (left, right)):
                if due.strip().casefold() == _NO_DUE:
                    return title.strip(), None
                if _UNDATED.match(due.strip()):
                    return title.strip(), due.strip()
    return text, None


def _strip_separators(text: str) -> str:
    text = re.sub(r"^\s*(completed?|done|closed)\b", "", " ".join(text.split()), flags=re.IGNORECASE)
    return text.strip(" :—-–,;").strip()


def _milestone(title: str, due: str | None, status: str) -> dict[str, Any]:
    return {"title": title, "due": due, "status": status}


def _structured(cell: MilestoneCell) -> dict[str, Any]:
    milestone = _milestone(cell.title.strip(), cell.due or None, milestone_status(cell.status) or "planned")
    if cell.status_date:
        milestone["status_date"] = cell.status_date[:10]
    return milestone

"""Cell values into POA&M values: dates, milestones, practice ids, statuses. Nothing is guessed.

A date is a real date, an Excel serial (1900 or 1904 date system), ISO ``2026-11-27`` / ``2026/11/27``,
US ``11/27/2026``, or any of those after a word ("Completed 11/13/2018"). Anything else ("TBD",
"Ongoing") stays text for ``poam lint`` to flag. A practice id is a CMMC id, a bare NIST SP 800-171 id
or one prefixed "NIST SP 800-171"; NIST SP 800-53 controls (AC-3) are reported, never translated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from verifier.catalog import by_nist_id, objectives_by_id, practices
from verifier.inputs.poam_import.rows import Cell
from verifier.inputs.poam_import.table import as_text
from verifier.model import OPERATIONAL_KIND

_EPOCH_1900 = date(1899, 12, 30)  # Excel's serial 1 is 1900-01-01, counting its fictional 1900-02-29
_EPOCH_1904 = date(1904, 1, 1)
# Serials of plausible POA&M dates (1990 to 2100), so an id or a count is never read as a date.
_SERIAL_RANGE = (32874, 73415)
_ISO = re.compile(r"(?<!\d)(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?!\d)")
_US = re.compile(r"(?<!\d)(\d{1,2})/(\d{1,2})/(\d{4})(?!\d)")
_DONE_WORDS = re.compile(r"^\s*(completed?|closed|done)\b", re.IGNORECASE)
_CMMC = re.compile(r"\b([A-Z]{2})\.L([12])-(3\.\d{1,2}\.\d{1,2})\b", re.IGNORECASE)
_NIST_171 = re.compile(r"(?<![\d.])(3\.\d{1,2}\.\d{1,2})(?![\d.])")
# An 800-171A objective as the assessment results name it: 3.3.8[a] (also "3.3.8 [a]").
_OBJECTIVE = re.compile(r"(?<![\d.])(3\.\d{1,2}\.\d{1,2})\s*\[([a-z]{1,2})\]", re.IGNORECASE)
_NIST_53 = re.compile(r"\b[A-Z]{2}-\d{1,2}(?!\d)(?:\s*\(\d+\))?(?:\.\d+)?", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ParsedDate:
    """A date found in a cell, and whether the cell said the thing was done ("Completed 11/13/2018")."""

    value: date
    done: bool = False


def serial_to_date(serial: float, epoch_1904: bool) -> date:
    return (_EPOCH_1904 if epoch_1904 else _EPOCH_1900) + timedelta(days=int(serial))


def parse_date(cell: Cell, epoch_1904: bool = False) -> ParsedDate | None:
    """The date in a cell, or None when it holds none (then the text is kept as it is)."""
    if isinstance(cell, datetime):
        return ParsedDate(cell.date())
    if isinstance(cell, date):
        return ParsedDate(cell)
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        low, high = _SERIAL_RANGE
        return ParsedDate(serial_to_date(cell, epoch_1904)) if low <= cell <= high else None
    text = as_text(cell)
    if re.fullmatch(r"\d{5}(\.\d+)?", text):
        return parse_date(float(text), epoch_1904)
    found = find_date(text)
    return ParsedDate(found[0], bool(_DONE_WORDS.match(text))) if found else None


def find_date(text: str) -> tuple[date, re.Match[str]] | None:
    """The first ISO or US date in free text, with where it was."""
    for pattern, order in ((_ISO, (1, 2, 3)), (_US, (3, 1, 2))):
        match = pattern.search(text)
        if match:
            year, month, day = (int(match.group(i)) for i in order)
            try:
                return date(year, month, day), match
            except ValueError:
                continue
    return None


# --- practice ids ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PracticeIds:
    """What a practice cell names: CMMC Level 2 practices found, and what could not be resolved and why."""

    found: tuple[str, ...]
    problem: str = ""


def practice_ids(cell: Cell) -> PracticeIds:
    text = as_text(cell)
    if not text:
        return PracticeIds((), "no practice named")
    found: list[str] = []
    unknown: list[str] = []
    for match in _CMMC.finditer(text):
        candidate = f"{match.group(1).upper()}.L{match.group(2)}-{match.group(3)}"
        (found if candidate in practices() else unknown).append(candidate)
    # A CMMC id contains its NIST number: only what is left after the CMMC ids is read as a NIST id, so an
    # id outside the catalog (AC.L1-3.1.1) is reported rather than read as 3.1.1.
    for match in _NIST_171.finditer(_CMMC.sub(" ", text)):
        practice = by_nist_id().get(match.group(1))
        (found.append(practice.practice_id) if practice else unknown.append(match.group(1)))
    found = list(dict.fromkeys(found))
    if found:
        return PracticeIds(tuple(found))
    return PracticeIds((), _unresolved_reason(text, unknown))


def objective_ids(*cells: Cell) -> tuple[str, ...]:
    """The NIST SP 800-171A objectives (``3.3.8[a]``) the cells name, in order, as the catalog spells them;
    an id the catalog does not know is left out (the entry is then judged on all its practice's)."""
    known = objectives_by_id()
    found = (
        f"{match.group(1)}[{match.group(2).lower()}]"
        for cell in cells
        for match in _OBJECTIVE.finditer(as_text(cell))
    )
    return tuple(dict.fromkeys(objective for objective in found if objective in known))


def _unresolved_reason(text: str, unknown: list[str]) -> str:
    if unknown:
        return f"{', '.join(dict.fromkeys(unknown))}: not a CMMC Level 2 practice"
    controls = [m.group(0) for m in _NIST_53.finditer(text)]
    if controls:
        return (
            f"names only NIST SP 800-53 controls ({', '.join(controls)}); a CMMC practice id "
            "(AC.L2-3.1.1 or 3.1.1) is needed, it is not guessed from a control"
        )
    return f"{text!r} names no CMMC practice"


# --- statuses --------------------------------------------------------------------------------------

_CLOSED = frozenset({"closed", "completed", "complete", "done", "archived", "resolved"})
_READY = frozenset({"ready for closeout", "ready_for_closeout"})
_OPEN = frozenset({"open", "ongoing", "in progress", "in_progress", "planned", "delayed"})


@dataclass(frozen=True, slots=True)
class MappedStatus:
    """An entry status, and whether it was read from free text (then the original is kept and reported)."""

    status: str
    exact: bool


def entry_status(cell: Cell, default: str | None) -> MappedStatus:
    """FedRAMP open/closed by sheet; eMASS Ongoing/Completed/Risk Accepted/...; free text fails to open.

    Only words that mean the work is finished close an entry: "Risk Accepted" or "Not Applicable"
    stay open, because a CMMC POA&M item closes only when the practice is met.
    """
    text = " ".join(as_text(cell).casefold().split())
    if not text:
        return MappedStatus(default or "open", exact=default is not None)
    word = text.split(" ")[0] if _DONE_WORDS.match(text) else text
    if word in _CLOSED:
        return MappedStatus("closed", exact=text in _CLOSED)
    if text in _READY:
        return MappedStatus("ready_for_closeout", exact=True)
    return MappedStatus("open", exact=text in _OPEN)


_MILESTONE_STATUSES = frozenset({"planned", "in_progress", "done", "missed"})


def milestone_status(text: str) -> str | None:
    word = "_".join(text.casefold().split())
    if word in _MILESTONE_STATUSES:
        return word
    if word in {"completed", "complete", "closed"}:
        return "done"
    return None


# --- entry kinds -----------------------------------------------------------------------------------

_POAM_ITEM_WORDS = frozenset({"", "poam", "poa&m", "poam item", "poa&m item"})
_OPERATIONAL_WORDS = frozenset({OPERATIONAL_KIND, "operational plan", "operational plan of action"})


@dataclass(frozen=True, slots=True)
class MappedKind:
    """An entry kind: ``poam`` or ``operational``; or, for a cell naming neither, why not (``kind`` None)."""

    kind: str | None
    problem: str = ""


def entry_kind(cell: Cell) -> MappedKind:
    """This tool's Kind cell: empty (or "POA&M item") a POA&M item, "operational" an operational plan of
    action (32 CFR 170.4). Anything else is a problem, never either kind: an operational plan read as a
    POA&M item deducts and may block the closeout, a POA&M item read as operational hides an open gap."""
    text = " ".join(as_text(cell).casefold().replace("_", " ").split())
    if text in _POAM_ITEM_WORDS:
        return MappedKind("poam")
    if text in _OPERATIONAL_WORDS:
        return MappedKind(OPERATIONAL_KIND)
    return MappedKind(
        None,
        f"Kind {as_text(cell)!r} is not an entry kind (operational for an operational plan of action, "
        "empty for a POA&M item)",
    )

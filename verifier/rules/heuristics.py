"""Text heuristics behind the credibility rules: is a finding specific, a root cause real, an owner a person?

These are judgements over free text, so they are deliberately simple, documented, and tested on the
guide's own bad examples ("Configuration baseline not enforced", "Resource constraints", "IT team",
"Complete by Q3", "TBD"). Each function returns the reason something is wrong, or None. Every pattern is
compiled once at import: lint of a large POA&M runs them thousands of times.

Finding (specific enough): at least ``MIN_FINDING_CHARS`` characters, and it names what is affected, i.e.
it holds an account id (12 digits), an ARN, an IP address, a host name (``host.example.com``), an AWS
resource id (``i-0abc…``, ``vpc-…``), a resource name with an underscore or a number (``cui_data``,
``web-01``), or an asset noun (system, account, user, server, workstation, bucket, trail, employees …).
A hyphenated word alone (``multi-factor``) does not count: too many vague sentences have one.

Root cause: at least ``MIN_ROOT_CAUSE_CHARS`` characters, not a placeholder (TBD, N/A …), and not an
evasion. "Resource constraints", "lack of funding", "budget limitations", "competing priorities" and the
like are refused anywhere in the text; a bare "budget", "resources" or "time" only in a short text (under
``SHORT_ROOT_CAUSE_CHARS``), where it is the whole explanation rather than part of a real one.

Owner: a named person or role. Each of ``name`` and ``role`` is judged on its own: empty or a placeholder
counts as absent; a value holding a role noun (officer, manager, engineer, administrator, lead, chair …)
is a role; a value holding a team noun (team, department, group, committee …) or made only of function
words ("Security", "IT", "Engineering", "DevOps") is a team; anything else is taken as a person's name.
The owner passes when either field is a person or a role.

Resources: committed means a positive budget or a positive FTE count; a placeholder ("TBD") in either
field fails even if the other is set. Amounts given as text count when they hold a number ("$4,500").

Milestone due text: quarter, half-year, fiscal-year, season, "end of …", "next …", "TBD", a year or a
month without a day are vague. Other text that is not an ISO date may be a real date, but no deadline
rule can check it.
"""

from __future__ import annotations

import re
from typing import Literal

from verifier.catalog import by_nist_id, practices
from verifier.model import Owner, Resources

MIN_FINDING_CHARS = 40
MIN_ROOT_CAUSE_CHARS = 20
SHORT_ROOT_CAUSE_CHARS = 60

# Compared after folding case and collapsing punctuation, so "T.B.D." and "n/a" are caught too.
_PLACEHOLDERS = frozenset(
    {
        "",
        "tbd",
        "t b d",
        "tba",
        "tbc",
        "n a",
        "na",
        "none",
        "null",
        "nil",
        "unknown",
        "unassigned",
        "pending",
        "to be determined",
        "to be decided",
        "to be assigned",
        "to be confirmed",
        "see above",
        "various",
        "owner",
        "someone",
    }
)
_NON_WORD = re.compile(r"[\W_]+")

_ASSET_NOUNS = (
    "systems?|accounts?|users?|servers?|workstations?|laptops?|desktops?|hosts?|instances?|buckets?|"
    "trails?|vpcs?|subnets?|volumes?|snapshots?|databases?|clusters?|endpoints?|devices?|employees?|"
    "people|personnel|staff|workforce|members|individuals|engineers|operators|technicians|developers|"
    "contractors|administrators?|admins?|roles?|keys?|enclaves?|repositor(?:y|ies)|domains?|"
    "networks?|firewalls?|gateways?|routers?|switch(?:es)?|applications?|vms?|containers?|nodes?|"
    "tenants?|mailbox(?:es)?|file shares?|tables?|queues?|topics?"
)
_NAMED_TARGET = re.compile(
    r"\b\d{12}\b"  # an AWS account id
    r"|\barn:aws[a-z-]*:"  # an ARN
    r"|\b\d{1,3}(?:\.\d{1,3}){3}\b"  # an IP address
    # No nested repetition below: a long hostile string must not cost quadratic time or worse.
    r"|\w\.(?:com|net|org|gov|mil|edu|us|io|local|internal|corp|lan)\b"  # a host name
    r"|\b(?:i|vol|sg|vpc|subnet|ami|snap|eni|db|fs)-[0-9a-f]{6,}\b"  # an AWS resource id
    r"|[a-z0-9]_[a-z0-9]|[a-z]-\d+\b"  # a resource name: cui_data, web-01
    rf"|\b(?:{_ASSET_NOUNS})\b",
    re.IGNORECASE,
)

_STRONG_EVASION = re.compile(
    r"\bresources?\s+constraints?|\b(?:lack|shortage)\s+of\s+(?:\w+\s+)?(?:resources?|funding|funds|budget|"
    r"staff(?:ing)?|personnel|time|people)|\b(?:limited|insufficient|inadequate|no)\s+(?:resources?|funding|"
    r"funds|budget|staff(?:ing)?|personnel|time)\b|\b(?:budget(?:ary)?|funding|time|staffing|schedule)\s+"
    r"(?:constraints?|limitations?|cuts?|shortfalls?|restrictions?|pressures?)\b|\bcompeting\s+priorities\b|"
    r"\bnot\s+enough\s+(?:resources?|funding|budget|staff|time|people)\b|\bunder-?staffed\b|"
    r"\bnot\s+(?:a\s+)?priorit(?:y|ized|ised)\b",
    re.IGNORECASE,
)
_WEAK_EVASION = re.compile(r"\b(?:budget|funding|resources?|staffing|time|priorit(?:y|ies))\b", re.IGNORECASE)

_ROLE_NOUNS = re.compile(
    r"\b(?:officer|manager|engineer|administrator|admin|sysadmin|lead|director|chief|head|chair|"
    r"chairperson|owner|custodian|analyst|architect|specialist|coordinator|supervisor|steward|technician|"
    r"consultant|auditor|representative|president|vp|ciso|cio|cto|ceo|coo|cso|fso|isso|issm|dba|"
    r"developer|scientist|controller|counsel|principal)\b",
    re.IGNORECASE,
)
_TEAM_NOUNS = re.compile(
    r"\b(?:teams?|departments?|dept|groups?|committees?|divisions?|squads?|crews?|centers?|centres?|"
    r"staff|units?|organi[sz]ations?|org|functions?|everyone|all)\b",
    re.IGNORECASE,
)
# Each word must end at a word boundary, so the repetition cannot split a word two ways (no backtracking blow-up).
_FUNCTION_WORDS = re.compile(
    r"^\W*(?:(?:the|our|it|information|technology|security|cyber|cybersecurity|infosec|sec|engineering|"
    r"operations|ops|devops|secops|devsecops|compliance|infrastructure|network(?:ing)?|cloud|platform|"
    r"help|desk|helpdesk|service|soc|noc|hr|human|resources|legal|facilities|management|leadership|"
    r"admins|administrators|engineers|developers|contractors?|vendors?|msp|mssp|and)\b\W*)+$",
    re.IGNORECASE,
)

_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_VAGUE_DUE = re.compile(
    r"(?<![a-z0-9])(?:q[1-4]|[1-4]q|h[12]|[12]h)(?![a-z])"  # quarters and halves: Q3, 3Q26, H2
    r"|\bfy\s*'?\d{2,4}\b|\bfiscal\b|\bquarter\b|\bsprint\b"
    r"|\b(?:end|middle|mid|start|beginning|close)\s+of\b|\beo[ymqw]\b"
    r"|\b(?:spring|summer|fall|autumn|winter)\b"
    r"|\b(?:tb[dac]|asap|ongoing|soon|later|continuous)\b|\bnext\s+\w+"
    rf"|^\s*\d{{4}}(?:-\d{{1,2}})?\s*$|^\s*{_MONTH}\s+\d{{4}}\s*$",
    re.IGNORECASE,
)

_PRACTICE_ID = re.compile(r"\b[A-Z]{2}\.L[123]-(3\.\d{1,2}\.\d{1,2})e?\b")
_NIST_ID = re.compile(r"(?<![\d.])(3\.\d{1,2}\.\d{1,2})(?![\d.]*\d)")
_DOMAINS = "AC|AT|AU|CM|IA|IR|MA|MP|PE|PS|RA|CA|SC|SI"
_DOMAIN_NAMES = (
    "access control|awareness and training|audit and accountability|configuration management|"
    "identification and authentication|incident response|maintenance|media protection|"
    "physical protection|personnel security|risk assessment|security assessment|"
    "system and communications protection|system and information integrity"
)
_ALL_OF = r"\ball\s+(?:of\s+)?(?:the\s+)?"
_BLANKET_SCOPE = re.compile(
    rf"{_ALL_OF}(?:(?-i:{_DOMAINS})\s+|(?:{_DOMAIN_NAMES})\s+)?(?:controls|practices)\b"
    rf"|{_ALL_OF}(?:(?-i:{_DOMAINS})|{_DOMAIN_NAMES})\s+requirements\b"
    r"|\b(?:multiple|several|various|many|numerous)\s+(?:\w+\s+)?(?:controls|practices)\b"
    rf"|\b(?-i:{_DOMAINS})\s+(?:domain|family|controls|practices)\b",
    re.IGNORECASE,
)


def is_placeholder(text: str) -> bool:
    """Empty, or a stand-in for a value nobody has decided yet (TBD, N/A, unknown …)."""
    return _NON_WORD.sub(" ", text).strip().lower() in _PLACEHOLDERS


def finding_vagueness(finding: str) -> str | None:
    """Why a finding is too vague to act on, or None."""
    text = finding.strip()
    if len(text) < MIN_FINDING_CHARS:
        return f"finding is {len(text)} characters; say which systems or users lack what"
    if not _NAMED_TARGET.search(text):
        return "finding names no system, account, user or resource (an account id, ARN, host or bucket name)"
    return None


def other_practices_named(text: str, practice_id: str) -> tuple[str, ...]:
    """Practice ids other than ``practice_id`` that the text names, as full ids, sorted."""
    own = practices()[practice_id].nist_id
    catalog = by_nist_id()
    nist_ids = {m.group(1) for m in _PRACTICE_ID.finditer(text)} | set(_NIST_ID.findall(text))
    return tuple(sorted(catalog[n].practice_id for n in nist_ids if n != own and n in catalog))


def blanket_scope(text: str) -> str | None:
    """The phrase that makes an entry cover a group of practices ("all IA controls"), or None."""
    match = _BLANKET_SCOPE.search(text)
    return match.group(0) if match else None


def root_cause_problem(root_cause: str) -> str | None:
    """Why a root cause is missing or an evasion, or None."""
    text = root_cause.strip()
    if is_placeholder(text):
        return f"root cause is missing{_quoted(text)}: name the technical or process gap that caused it"
    evasion = _STRONG_EVASION.search(text)
    if evasion is None and len(text) < SHORT_ROOT_CAUSE_CHARS:
        evasion = _WEAK_EVASION.search(text)
    if evasion is not None:
        return (
            f"root cause {evasion.group(0)!r} is a constraint, not a cause: "
            "name the technical or process gap that created the deficiency"
        )
    if len(text) < MIN_ROOT_CAUSE_CHARS:
        return f"root cause {text!r} is too short to explain why the gap exists"
    return None


def owner_problem(owner: Owner | None) -> str | None:
    """Why an entry has no accountable owner (missing, a placeholder, or a team), or None."""
    if owner is None:
        return "no owner: name the person or role accountable for closing the gap"
    kinds = {_owner_kind(owner.name), _owner_kind(owner.role)}
    if "person" in kinds:
        return None
    if "team" in kinds:
        team = owner.name if _owner_kind(owner.name) == "team" else owner.role
        return f"owner {team!r} is a team; name the person or role accountable, not a team"
    shown = _quoted(owner.name.strip() or owner.role.strip())
    return f"owner is missing{shown}: name the person or role accountable for closing the gap"


_OwnerKind = Literal["absent", "team", "person"]


def _owner_kind(value: str) -> _OwnerKind:
    """``absent``, ``team`` or ``person`` (a named person or a role)."""
    text = value.strip()
    if is_placeholder(text):
        return "absent"
    if _ROLE_NOUNS.search(text):
        return "person"
    if _TEAM_NOUNS.search(text) or _FUNCTION_WORDS.match(text):
        return "team"
    return "person"


def resources_problem(resources: Resources | None) -> str | None:
    """Why no resources are committed (missing, zero, or TBD), or None."""
    if resources is None:
        return "no resources committed: give the budget, FTEs and tooling allocated"
    fields = (("budget_usd", resources.budget_usd), ("fte", resources.fte))
    for name, value in fields:
        if isinstance(value, str) and is_placeholder(value):
            return f"resources {name} is {value!r}: commit a budget and FTEs, not a placeholder"
    if not any(_positive_amount(value) for _, value in fields):
        return "resources commit neither a budget nor FTEs (both missing or zero)"
    return None


_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def _positive_amount(value: float | str | None) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        match = _NUMBER.search(value)
        return match is not None and float(match.group(0).replace(",", "")) > 0
    return value > 0


def is_vague_due(due_text: str) -> bool:
    """Whether a milestone's due text is a period rather than a date ("Q3", "end of year", "2026-10")."""
    return bool(_VAGUE_DUE.search(due_text))


def _quoted(text: str) -> str:
    return f" ({text!r})" if text else ""

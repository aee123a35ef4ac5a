"""Stable JSON text for every file the verifier writes (two-space indent, UTF-8, trailing newline)."""

from __future__ import annotations

import functools
import json
import operator
from datetime import datetime, timedelta
from typing import Any

import msgspec
import orjson

from verifier.model import (
    DEFAULT_PROVIDER,
    RECORD_FIELDS,
    CheckTally,
    Finding,
    Organization,
    Scope,
    ScopeTarget,
    Status,
)
from verifier.outputs.paths import recorded_path
from verifier.scope import EntryScope

_FINDING_FIELDS = RECORD_FIELDS
_record_values = operator.attrgetter(*RECORD_FIELDS)


def dumps(document: Any) -> bytes:
    """Deterministic JSON bytes; key order is the caller's (we never reorder a user's fields).

    The same bytes as ``json.dumps(document, indent=2, ensure_ascii=False)``, three times faster on a
    large POA&M: the stdlib's C encoder writes compact text (``indent`` would switch it to the pure
    Python one) and msgspec re-indents that text token by token, numbers and escapes untouched.
    """
    compact = json.dumps(document, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return msgspec.json.format(compact.encode("utf-8"), indent=2) + b"\n"


def dumps_findings(document: Any) -> bytes:
    """``dumps`` of a document the verifier built from findings (texts, integers, booleans; no floats).

    orjson writes such documents' compact text byte for byte as the stdlib does, several times faster
    (an organisation's evidence holds every deciding finding); it writes floats differently, so a user's
    own document always goes through ``dumps``. Anything orjson refuses falls back to ``dumps``.
    """
    try:
        compact = orjson.dumps(document)
    except orjson.JSONEncodeError:
        return dumps(document)
    return msgspec.json.format(compact, indent=2) + b"\n"


def tally_json(tally: CheckTally) -> dict[str, Any]:
    return {
        "pass": tally.passed,
        "fail": tally.failed,
        "muted": tally.muted,
        "manual": tally.manual,
        "resources": list(tally.resources),
    }


def finding_json(finding: Finding) -> dict[str, Any]:
    # Every field, in declaration order, as ``asdict`` gives them, without its deep copy of each value.
    record = dict(zip(_FINDING_FIELDS, _record_values(finding), strict=True))
    record["status"] = finding.status.value
    record["time"] = _isoformat(finding.time)
    record["source_file"] = recorded_path(finding.source_file)
    # Files written before findings named a provider meant AWS; writing the field only when it says
    # something else keeps AWS evidence byte-identical to theirs (and readers default it to aws).
    if finding.provider == DEFAULT_PROVIDER:
        del record["provider"]
    return record


_SERIALISED_TEXTS = tuple(
    name for name in RECORD_FIELDS if name not in ("status", "muted", "time", "provider")
)


def finding_from_json(record: Any) -> Finding:
    """The ``Finding`` a ``finding_json`` record holds: its inverse, kept beside it so the two never drift.

    ``finding_from_json(finding_json(f)) == f`` for a finding whose ``source_file`` is already as the
    evidence records it. Fails closed on anything ``finding_json`` would not have written: a missing
    field (``KeyError``), a field of the wrong type (``TypeError``), an unknown status or a time without
    a zone (``ValueError``). A record without ``provider`` is AWS, as ``finding_json`` leaves it out.
    """
    texts = {name: record[name] for name in _SERIALISED_TEXTS}
    provider, muted, moment = record.get("provider", DEFAULT_PROVIDER), record["muted"], record["time"]
    if not isinstance(muted, bool) or not all(
        isinstance(v, str) for v in (*texts.values(), provider, moment)
    ):
        raise TypeError("a finding field has the wrong type")
    time = datetime.fromisoformat(moment)
    if time.tzinfo is None:
        raise ValueError("a finding time has no time zone")
    return Finding(status=Status(record["status"]), muted=muted, time=time, provider=provider, **texts)


def _isoformat(moment: datetime) -> str:
    """A scan time as text; one scan's findings share a few times, so each is written out once.

    Keyed with the UTC offset too: equal instants at different offsets are written differently.
    """
    return _offset_isoformat(moment, moment.utcoffset())


@functools.lru_cache(maxsize=4096)
def _offset_isoformat(moment: datetime, _offset: timedelta | None) -> str:
    return moment.isoformat()


def entry_scope_json(scope: EntryScope, schema_version: int) -> dict[str, Any]:
    """An entry's scope as recorded in its evidence: the union, plus (version 2) each provider target."""
    document = scope_json(scope.union())
    if schema_version > 1:  # version 1 evidence stays exactly as it was
        document["targets"] = [_target_json(t) for t in scope.targets]
    return document


def _target_json(target: ScopeTarget) -> dict[str, Any]:
    document: dict[str, Any] = {
        "provider": target.provider,
        "accounts": list(target.accounts),
        "regions": list(target.regions),
    }
    if target.tenant_id:
        document["tenant_id"] = target.tenant_id
    if target.organization is not None:  # never listed: the accounts are unknown
        document["organization"] = _organization_json(target.organization)
    return document


def scope_json(scope: Scope) -> dict[str, Any]:
    document: dict[str, Any] = {
        "accounts": list(scope.accounts),
        "regions": list(scope.regions),
        "resources": list(scope.resources),
    }
    if scope.organization is not None:  # never listed: the accounts are unknown
        document["organization"] = _organization_json(scope.organization)
    return document


def _organization_json(organization: Organization) -> dict[str, Any]:
    return {"ou_ids": list(organization.ou_ids), "exclude_accounts": list(organization.exclude_accounts)}

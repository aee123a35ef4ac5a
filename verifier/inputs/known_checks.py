"""The check ids one Prowler release knows, per provider: ``mappings/prowler-checks.json``.

``poam mapping sync`` writes the file from ``prowler <provider> --list-checks-json``; a copy made from the
pinned Prowler ships in the package. A misspelled check id would otherwise surface only as "no in-scope
findings" on every run, so ``verify`` refuses it and ``lint`` names it, with the closest known id.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from verifier.inputs.jsondoc import parse_json, read_bytes, validate
from verifier.inputs.packaged import resolve_mapping

CHECKS_NAME = "prowler-checks"
SCHEMA = "prowler-checks.schema.json"


@dataclass(frozen=True, slots=True)
class KnownChecks:
    """Every check id of ``prowler_version`` for each provider it lists."""

    prowler_version: str
    providers: Mapping[str, frozenset[str]]

    def knows(self, provider: str, check_id: str) -> bool:
        """False only when the list covers ``provider`` and lacks the id: an unlisted provider is not judged."""
        listed = self.providers.get(provider)
        return listed is None or check_id in listed

    def closest(self, provider: str, check_id: str) -> str | None:
        """The most similar known id of ``provider``, when one is close enough to be a misspelling."""
        matches = difflib.get_close_matches(check_id, self.providers.get(provider, ()), n=1, cutoff=0.8)
        return matches[0] if matches else None

    def to_json(self, generator: str) -> dict[str, Any]:
        """The file ``mapping sync`` writes: sorted, so a re-sync changes only what Prowler changed."""
        return {
            "generator": generator,
            "prowler_version": self.prowler_version,
            "providers": {p: sorted(ids) for p, ids in sorted(self.providers.items())},
        }


def load_known_checks(path: Path) -> KnownChecks:
    """The list at ``path``; a malformed file is an ``InputError`` naming it."""
    document = parse_json(read_bytes(path, "Prowler check list"), str(path))
    validate(document, SCHEMA, str(path))
    providers = {name: frozenset(ids) for name, ids in document["providers"].items()}
    return KnownChecks(document["prowler_version"], providers)


def default_known_checks() -> KnownChecks:
    """``./mappings/prowler-checks.json`` (a repository's own sync) when present, else the shipped list."""
    return load_known_checks(resolve_mapping(None, CHECKS_NAME).path)

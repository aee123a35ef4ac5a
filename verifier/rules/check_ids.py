"""Check ids a POA&M names that the Prowler release's check list does not have: typos, or a newer Prowler."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from verifier.errors import InputError
from verifier.inputs.known_checks import KnownChecks
from verifier.model import Poam
from verifier.scope import QUALIFIER


@dataclass(frozen=True, slots=True)
class UnknownCheckId:
    """One check id an entry lists that no provider of the POA&M knows, with the closest known id."""

    entry: str
    provider: str
    check_id: str
    prowler_version: str
    closest: str | None

    def message(self) -> str:
        hint = f"; did you mean `{self.closest}`?" if self.closest else ""
        return f"unknown check `{self.check_id}` for {self.provider} (Prowler {self.prowler_version}){hint}"


def unknown_check_ids(poam: Poam, known: KnownChecks) -> tuple[UnknownCheckId, ...]:
    """Every explicit check id of every entry that the list says no Prowler provider in scope runs."""
    return tuple(_unknown(poam, known))


def _unknown(poam: Poam, known: KnownChecks) -> Iterator[UnknownCheckId]:
    for entry in poam.entries:
        for name in entry.verification.checks or ():
            provider, _, check_id = name.rpartition(QUALIFIER)
            providers = (provider,) if provider else poam.providers
            if any(known.knows(p, check_id) for p in providers):
                continue
            closest = next((c for p in providers if (c := known.closest(p, check_id))), None)
            yield UnknownCheckId(entry.id, providers[0], check_id, known.prowler_version, closest)


def refuse_unknown_checks(poam: Poam, known: KnownChecks, source: Path) -> None:
    """Exit 3 naming every check id no Prowler provider in scope runs: a typo would only ever be NOT_VERIFIED."""
    unknown = unknown_check_ids(poam, known)
    if unknown:
        listed = "; ".join(f"{u.entry}: {u.message()}" for u in unknown)
        raise InputError(f"{source}: {listed} (for a check of a newer Prowler, pass --allow-unknown-checks)")

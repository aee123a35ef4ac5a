"""Results repeated across files (one scan saved as OCSF, CSV and ASFF side by side), kept once.

Only exact repeats are dropped: same check, account, region, resource, status, mute state and scan time,
read from an earlier file. Such a copy adds nothing, while a result that differs in any of those is
always kept, so nothing that could decide a verdict is lost. Repeats within one file are kept (a check
may report one resource several times, under different finding ids). Of the copies, the one from the
format that carries the most is kept (OCSF has every field; ASFF has its own finding ids and folds muted
results into WARNING).
"""

from __future__ import annotations

import itertools
from array import array
from collections.abc import Callable
from datetime import datetime

from verifier.model import Finding, Status

# The identity of one result of one scan, whichever format it was read from.
ResultKey = tuple[str, str, str, str, Status, bool, datetime]
_RICHNESS = {"ocsf": 3, "csv": 2, "compliance-csv": 1, "asff": 0}


class Collected:
    """Findings in read order, one file at a time, with results repeated across files kept once.

    A million findings are tracked, so the result key is not stored: its hash maps to the position of
    the last finding holding it, and the kept finding itself confirms the key on a hit. A different key
    with the same hash (rare) is tracked by its whole key instead.
    """

    def __init__(self, hasher: Callable[[ResultKey], int] = hash) -> None:
        self.kept: list[Finding] = []
        self._hash = hasher
        self._by_hash: dict[int, int] = {}
        self._collided: dict[ResultKey, int] = {}
        self._file_of = array("I")  # per kept position: the number of the file it came from
        self._richness = bytearray()  # per kept position: the richness of its format
        self._files = 0

    def add_apart(self, findings: list[Finding], format_name: str) -> None:
        """Add a file no other file shares an account with: nothing can repeat its results, so it is
        kept whole, never looked up."""
        self._files += 1
        self.kept.extend(findings)
        self._file_of.extend(itertools.repeat(self._files, len(findings)))
        self._richness.extend(itertools.repeat(_RICHNESS.get(format_name, 0), len(findings)))

    def add_checked(self, findings: list[Finding], format_name: str) -> None:
        """Add a file whose results may repeat an earlier file's, each looked up."""
        self._files += 1
        richness = _RICHNESS.get(format_name, 0)
        for finding in findings:
            self._add(finding, richness)

    def _add(self, finding: Finding, richness: int) -> None:
        key = result_key(finding)
        earlier = self._position(key)
        if earlier is None or self._file_of[earlier] == self._files:
            self._remember(key, len(self.kept))
            self.kept.append(finding)
            self._file_of.append(self._files)
            self._richness.append(richness)
        elif richness > self._richness[earlier]:
            self.kept[earlier] = finding
            self._file_of[earlier] = self._files
            self._richness[earlier] = richness

    def _position(self, key: ResultKey) -> int | None:
        position = self._by_hash.get(self._hash(key))
        if position is not None and result_key(self.kept[position]) == key:
            return position
        return self._collided.get(key) if self._collided else None

    def _remember(self, key: ResultKey, position: int) -> None:
        slot = self._hash(key)
        held = self._by_hash.get(slot)
        if held is None or result_key(self.kept[held]) == key:
            self._by_hash[slot] = position
        else:
            self._collided[key] = position


def result_key(finding: Finding) -> ResultKey:
    return (
        finding.check_id,
        finding.account,
        finding.region,
        finding.resource_uid,
        finding.status,
        finding.muted,
        finding.time,
    )

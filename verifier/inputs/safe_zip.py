"""Judging a zip handed in by someone else before a byte of it is inflated, and inflating it boundedly.

Shared by the findings zips (``findings/archives.py``) and evidence bundles (``bundle_reader.py``): a
member whose name escapes the archive (``..``, absolute, backslash), a symbolic link, a name given
twice, too many members, too much data or (where a ratio is set) a compression ratio no honest file
reaches is refused. Each caller words the refusal as its own error (``Refuse``).
"""

from __future__ import annotations

import re
import stat
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

Refuse = Callable[[str | None, str], Exception]
"""The caller's error for a member (its name; None for the archive as a whole) and the reason."""


@dataclass(frozen=True, slots=True)
class ZipLimits:
    """How much a zip may hold: members, bytes of one member, bytes of all together; and, when
    ``max_ratio`` is set, how far a member above ``ratio_floor`` bytes may inflate."""

    members: int
    member_bytes: int
    total_bytes: int
    max_ratio: int | None = None
    ratio_floor: int = 0


def check_members(members: list[zipfile.ZipInfo], limits: ZipLimits, refuse: Refuse, within: str) -> None:
    """Judge every name, kind and declared size; ``within`` names what ``..`` would escape."""
    if len(members) > limits.members:
        raise refuse(None, f"has {len(members)} members, more than {limits.members}")
    repeated = [name for name, n in Counter(m.filename for m in members).items() if n > 1]
    if repeated:
        raise refuse(repeated[0], "appears twice (which one is the evidence?)")
    for member in members:
        _check_member(member, limits, refuse, within)
    declared = sum(m.file_size for m in members)
    if declared > limits.total_bytes:
        raise refuse(None, f"members declare {declared} bytes, more than {limits.total_bytes}")


def _check_member(member: zipfile.ZipInfo, limits: ZipLimits, refuse: Refuse, within: str) -> None:
    name = member.filename
    if "\\" in name:
        raise refuse(name, "has a backslash in its name")
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        raise refuse(name, "has an absolute path")
    if ".." in name.rstrip("/").split("/"):
        raise refuse(name, f"escapes the {within} ('..')")
    if stat.S_ISLNK(member.external_attr >> 16):
        raise refuse(name, "is a symbolic link")
    if member.file_size > limits.member_bytes:
        raise refuse(name, f"is larger than {limits.member_bytes} bytes ({member.file_size} declared)")
    ratio = limits.max_ratio
    if (
        ratio is not None
        and member.file_size > limits.ratio_floor
        and member.file_size > ratio * max(member.compress_size, 1)
    ):
        raise refuse(name, f"inflates more than {ratio}:1 (a zip bomb)")


def inflate(archive: zipfile.ZipFile, member: zipfile.ZipInfo, most: int, refuse: Refuse) -> bytes:
    """The member's bytes, never reading more than one byte past ``most`` whatever its header says."""
    try:
        with archive.open(member) as handle:
            data = handle.read(most + 1)
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, EOFError) as exc:
        raise refuse(member.filename, f"is unreadable ({exc})") from exc
    if len(data) > most:
        raise refuse(member.filename, f"inflates past {most} bytes")
    return data

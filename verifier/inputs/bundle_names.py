"""File names in an evidence bundle made from user text (entry ids, source and artifact file names).

Defined once, below both the bundle's writer (``outputs.evidence``) and the attestation artifacts'
``bundle_name``, so whatever names a file when the bundle is written names it when it is verified.
"""

from __future__ import annotations

import re

from verifier.inputs.jsondoc import sha256_hex

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
_HASH_CHARS = 16  # 64 bits of SHA-256: two different ids never share a name in practice

MAX_STEM = 200
"""Longest stem kept as is: a name built on it (with a ``-N`` suffix and extension) stays well under
the 255 bytes most file systems allow for one path component."""


def safe_stem(text: str, fallback: str, max_chars: int = MAX_STEM) -> str:
    """``text`` as a file-name stem: ``[A-Za-z0-9._-]`` only, never ``.``/``..``, at most ``max_chars``.

    A stem that fits is today's readable name; a longer one keeps a readable prefix and ends with a
    short hash of the whole text, so two long ids sharing a prefix still get different names.
    """
    stem = _UNSAFE.sub("_", text).strip(".") or fallback
    if len(stem) <= max_chars:
        return stem
    digest = sha256_hex(text.encode("utf-8", "surrogatepass"))[:_HASH_CHARS]
    return f"{stem[: max_chars - _HASH_CHARS - 1]}-{digest}"

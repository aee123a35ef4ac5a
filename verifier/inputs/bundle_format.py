"""The evidence bundle's layout, defined once: every name its writer, its reader and the S3 uploader use.

It sits in ``inputs`` because the lowest of its users (the attestation artifacts' ``bundle_name``) is
there; the writer (``outputs.evidence``, ``outputs.signing``, ``outputs.s3``) and the reader
(``poam bundle verify``) import the same constants, so a file the writer names is the file the reader
looks for. ``docs/bundle-format.md`` describes each file for an assessor; the manifest's shape is the
shipped JSON Schema ``MANIFEST_SCHEMA``.
"""

from __future__ import annotations

from typing import Final

BUNDLE_DIR: Final = "evidence"
"""The bundle's directory beside the reports, and the one folder of ``evidence.zip``."""

FORMAT_VERSION: Final = 1
"""``manifest.json``'s ``bundle_format``: what a reader of this version can check."""

MANIFEST_FILE: Final = "manifest.json"
MANIFEST_SCHEMA: Final = "evidence-manifest.schema.json"
SUMS_FILE: Final = "SHA256SUMS"
POAM_FILE: Final = "poam.json"
VERIFICATION_FILE: Final = "verification.json"
ENTRIES_DIR: Final = "entries/"
ENVELOPE_FILE: Final = "bundle.dsse.json"
"""The DSSE envelope of a signed bundle; it signs every other file, so no listing names it."""

ATTESTATIONS_FILE: Final = "attestations/attestations.json"
ARTIFACTS_DIR: Final = "attestations/artifacts"
EXCERPTS_DIR: Final = "prowler"
EXCERPTS_INDEX: Final = f"{EXCERPTS_DIR}/index.json"
EXCERPTS_PER_ENTRY: Final = 20
"""How many deciding findings of one entry the bundle quotes in Prowler's own JSON, FAILs first; the index
records it and the reader holds a bundle to it."""

LISTINGS: Final = frozenset({SUMS_FILE, MANIFEST_FILE})
"""The files that list the others' digests (the manifest lists all but itself, ``SHA256SUMS`` and the
envelope; ``SHA256SUMS`` lists all but itself and the envelope)."""

COMPLETE_MARKER: Final = "COMPLETE"
"""Written last under an S3 prefix: its presence says every object of the run arrived."""
S3_MANIFEST_KEY: Final = f"{BUNDLE_DIR}/{MANIFEST_FILE}"
"""The manifest's key under an S3 prefix, whose digest the marker records."""

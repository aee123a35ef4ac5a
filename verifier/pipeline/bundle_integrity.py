"""``poam bundle verify``, integrity: the digests every file is listed with, the manifest's shape, and the
DSSE signature over them.

``SHA256SUMS`` and ``manifest.json`` must list every file with its SHA-256 and nothing more (the envelope
signs the others, so neither lists it); the manifest must have the shape of the shipped schema; with a
public key, the DSSE envelope must verify, sign every file by digest, and sign the verdicts the entry
files hold. Whether those verdicts are right is re-evaluation's question, not this module's.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from verifier.errors import BundleInvalid, InputError, SchemaError
from verifier.inputs.bundle_format import (
    ENVELOPE_FILE,
    FORMAT_VERSION,
    LISTINGS,
    MANIFEST_FILE,
    MANIFEST_SCHEMA,
    SUMS_FILE,
)
from verifier.inputs.jsondoc import parse_json, sha256_hex, validate
from verifier.model import Verdict
from verifier.outputs.signing import SignatureError, keyid, load_public_key, verify_envelope
from verifier.pipeline.keys import read_public_key

_SUMS_LINE = re.compile(r"^([0-9a-f]{64}) [ *](.+)$")


class SignatureStatus(enum.StrEnum):
    """What was established about the bundle's signature."""

    VERIFIED = "verified"
    NOT_CHECKED = "signature not checked"
    UNSIGNED = "unsigned"


# --- digests -------------------------------------------------------------------------------------


def check_digests(files: Mapping[str, bytes]) -> None:
    """Every file is listed in SHA256SUMS and manifest.json with its digest; nothing else is present."""
    listed = _parse_sums(required_file(files, SUMS_FILE))
    for name, digest in listed.items():
        if name not in files:
            raise BundleInvalid(f"{name}: listed in {SUMS_FILE} but missing from the bundle")
        if sha256_hex(files[name]) != digest:
            raise BundleInvalid(f"{name}: SHA-256 does not match {SUMS_FILE}")
    extra = sorted(set(files) - set(listed) - {SUMS_FILE, ENVELOPE_FILE})
    if extra:
        raise BundleInvalid(f"{extra[0]}: not listed in {SUMS_FILE} (a file was added to the bundle)")
    _check_manifest(files)


def _parse_sums(data: bytes) -> dict[str, str]:
    listed: dict[str, str] = {}
    for number, line in enumerate(_text(data, SUMS_FILE).splitlines(), start=1):
        match = _SUMS_LINE.match(line)
        if match is None:
            raise BundleInvalid(f"{SUMS_FILE}: line {number} is not '<sha256>  <file>'")
        digest, name = match.groups()
        if name in listed:
            raise BundleInvalid(f"{SUMS_FILE}: {name} is listed twice")
        listed[name] = digest
    return listed


def _check_manifest(files: Mapping[str, bytes]) -> None:
    recorded = read_manifest(files).get("files")
    if not isinstance(recorded, dict):
        raise BundleInvalid(f"{MANIFEST_FILE}: no 'files' table")
    expected = {
        n: sha256_hex(d) for n, d in files.items() if n not in (MANIFEST_FILE, SUMS_FILE, ENVELOPE_FILE)
    }
    for name in sorted(set(recorded) | set(expected)):
        if name not in expected:
            raise BundleInvalid(f"{name}: listed in {MANIFEST_FILE} but missing from the bundle")
        if recorded.get(name) != expected[name]:
            raise BundleInvalid(f"{name}: SHA-256 does not match {MANIFEST_FILE}")


def read_manifest(files: Mapping[str, bytes]) -> dict[str, Any]:
    manifest = json_file(files, MANIFEST_FILE)
    if not isinstance(manifest, dict) or manifest.get("bundle_format") != FORMAT_VERSION:
        raise BundleInvalid(f"{MANIFEST_FILE}: not a bundle manifest of bundle_format 1")
    return manifest


def check_manifest_shape(manifest: Mapping[str, Any]) -> None:
    """The manifest has exactly the shape the writer gives it (the shipped ``MANIFEST_SCHEMA``).

    Checked before anything in it is believed: a manifest of another shape (a field renamed, one added,
    a digest that is not one) is not a record this version knows how to check, so it fails by name.
    """
    try:
        validate(manifest, MANIFEST_SCHEMA, MANIFEST_FILE)
    except SchemaError as exc:
        raise BundleInvalid(
            f"{exc.message} (not the shape of a bundle_format {FORMAT_VERSION} manifest)"
        ) from exc


# --- signature -----------------------------------------------------------------------------------


def check_signature(
    files: Mapping[str, bytes], pubkey: Path | None
) -> tuple[dict[str, Any] | None, SignatureStatus, str]:
    envelope = files.get(ENVELOPE_FILE)
    if pubkey is None:
        return None, SignatureStatus.NOT_CHECKED if envelope else SignatureStatus.UNSIGNED, ""
    if envelope is None:
        raise BundleInvalid(f"{ENVELOPE_FILE}: missing, but --pubkey asks for a signed bundle")
    public_pem = read_public_key(pubkey)
    try:
        statement = verify_envelope(envelope, public_pem)
    except SignatureError as exc:
        raise BundleInvalid(exc.message) from exc
    _check_subjects(statement["subject"], files)
    return statement, SignatureStatus.VERIFIED, keyid(load_public_key(public_pem))


def _check_subjects(subjects: list[dict[str, Any]], files: Mapping[str, bytes]) -> None:
    signed = {s["name"]: s["digest"]["sha256"] for s in subjects}
    if len(signed) != len(subjects):
        raise BundleInvalid(f"{ENVELOPE_FILE}: a subject is listed twice")
    for name in sorted(set(files) - {ENVELOPE_FILE} - set(signed)):
        raise BundleInvalid(f"{name}: not covered by the signature in {ENVELOPE_FILE}")
    # Content before the listings that hash it, so the message names the file actually changed.
    for name, digest in sorted(signed.items(), key=lambda item: (item[0] in LISTINGS, item[0])):
        if name not in files:
            raise BundleInvalid(f"{name}: signed in {ENVELOPE_FILE} but missing from the bundle")
        if sha256_hex(files[name]) != digest:
            raise BundleInvalid(f"{name}: SHA-256 does not match the signed statement in {ENVELOPE_FILE}")


def check_predicate(statement: Mapping[str, Any], verdicts: Iterable[tuple[str, Verdict]]) -> None:
    entries = statement.get("predicate", {}).get("entries")
    signed = {e.get("id"): e.get("verdict") for e in entries} if isinstance(entries, list) else None
    if signed != {entry_id: verdict.value for entry_id, verdict in verdicts}:
        raise BundleInvalid(f"{ENVELOPE_FILE}: the signed verdicts differ from the entry files")


def required_file(files: Mapping[str, bytes], name: str) -> bytes:
    if name not in files:
        raise BundleInvalid(f"{name}: missing from the bundle")
    return files[name]


def json_file(files: Mapping[str, bytes], name: str) -> Any:
    try:
        return parse_json(required_file(files, name), name)
    except InputError as exc:
        raise BundleInvalid(exc.message) from exc


def _text(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BundleInvalid(f"{name}: not UTF-8 text") from exc

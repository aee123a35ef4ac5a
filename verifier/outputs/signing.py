"""Signing the evidence bundle: an in-toto Statement v1 in a DSSE envelope, signed with Ed25519.

The statement's subjects are every bundle file (by SHA-256) except the envelope itself, so one
signature covers the entry files, the POA&M copy, the manifest and ``SHA256SUMS``. The predicate
repeats the run's metadata and verdicts so a reader of the envelope alone sees what was attested.
Keys are bytes handed in by the caller; nothing here reads or writes a key file, and no key ever
becomes part of the bundle.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from verifier.errors import ExitCode, VerifierError
from verifier.inputs.bundle_format import ENVELOPE_FILE
from verifier.outputs.run import VerificationRun, timestamp

PAYLOAD_TYPE = "application/vnd.in-toto+json"
STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PREDICATE_TYPE = "https://poam-verifier.invalid/closure-evidence/v1"

_Key = TypeVar("_Key", Ed25519PrivateKey, Ed25519PublicKey)


class SignatureError(VerifierError):
    """The envelope is malformed, or its signature does not verify with the given key."""

    exit_code = ExitCode.GATE


def generate_keypair() -> tuple[bytes, bytes]:
    """A new Ed25519 key pair: (unencrypted PKCS#8 PEM private key, SubjectPublicKeyInfo PEM public key)."""
    private_key = Ed25519PrivateKey.generate()
    private_pem = private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return private_pem, public_pem(private_key.public_key())


def public_pem(public_key: Ed25519PublicKey) -> bytes:
    """The SubjectPublicKeyInfo PEM of ``public_key``."""
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def load_private_key(private_key_pem: bytes) -> Ed25519PrivateKey:
    """Parse an unencrypted PEM Ed25519 private key; anything else is a ``SignatureError``."""
    return _ed25519_key(
        lambda: serialization.load_pem_private_key(private_key_pem, password=None),
        Ed25519PrivateKey,  # type: ignore[type-abstract]  # only isinstance is asked of it
        "signing key",
        "an unencrypted PEM private key",
    )


def load_public_key(public_key_pem: bytes) -> Ed25519PublicKey:
    """Parse a PEM Ed25519 public key; anything else is a ``SignatureError``."""
    return _ed25519_key(
        lambda: serialization.load_pem_public_key(public_key_pem),
        Ed25519PublicKey,  # type: ignore[type-abstract]  # only isinstance is asked of it
        "public key",
        "a PEM public key",
    )


def _ed25519_key(load: Callable[[], object], kind: type[_Key], what: str, pem: str) -> _Key:
    """The key ``load`` parses if it is a ``kind``; anything else is a ``SignatureError`` naming ``what``."""
    try:
        key = load()
    except (ValueError, TypeError) as exc:
        # The library's message can quote key material context; keep ours generic.
        raise SignatureError(f"{what} is not {pem}") from exc
    if not isinstance(key, kind):
        raise SignatureError(f"{what} is not an Ed25519 key")
    return key


def keyid(public_key: Ed25519PublicKey) -> str:
    """SHA-256 hex of the raw 32-byte public key: the hint that tells a verifier which key to use."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def pae(payload_type: str, payload: bytes) -> bytes:
    """DSSE v1 pre-authentication encoding: ``DSSEv1 SP LEN(type) SP type SP LEN(body) SP body``.

    Lengths are the ASCII decimal byte counts; signing this (not the bare payload) binds the type.
    """
    type_bytes = payload_type.encode("utf-8")
    return b"DSSEv1 %d %b %d %b" % (len(type_bytes), type_bytes, len(payload), payload)


def closure_predicate(run: VerificationRun) -> dict[str, Any]:
    """The run metadata and per-entry verdicts the signature attests."""
    return {
        "tool": {"name": "poam-verifier", "version": run.context.tool_version},
        "verified_at": timestamp(run.context.verified_at),
        "as_of": run.context.as_of.isoformat(),
        "max_scan_age_days": run.context.max_scan_age_days,
        "prowler_versions": list(run.findings.prowler_versions),
        "accounts_seen": list(run.accounts_seen),
        "entries": [
            {"id": r.entry_id, "practice_id": r.practice_id, "verdict": r.verdict.value} for r in run.results
        ],
    }


def statement(files: Mapping[str, bytes], predicate: Mapping[str, Any]) -> dict[str, Any]:
    """The in-toto Statement v1 over every bundle file except the envelope itself."""
    subjects = [
        {"name": name, "digest": {"sha256": hashlib.sha256(data).hexdigest()}}
        for name, data in sorted(files.items())
        if name != ENVELOPE_FILE
    ]
    return {
        "_type": STATEMENT_TYPE,
        "subject": subjects,
        "predicateType": PREDICATE_TYPE,
        "predicate": dict(predicate),
    }


def sign_bundle(files: Mapping[str, bytes], predicate: dict[str, Any], private_key_pem: bytes) -> bytes:
    """The DSSE envelope (JSON bytes, stored as ``bundle.dsse.json``) signing ``files`` and ``predicate``."""
    key = load_private_key(private_key_pem)
    payload = _canonical(statement(files, predicate))
    signature = key.sign(pae(PAYLOAD_TYPE, payload))
    envelope = {
        "payloadType": PAYLOAD_TYPE,
        "payload": base64.b64encode(payload).decode("ascii"),
        "signatures": [
            {"keyid": keyid(key.public_key()), "sig": base64.b64encode(signature).decode("ascii")}
        ],
    }
    return (json.dumps(envelope, indent=2) + "\n").encode("utf-8")


def with_signature(
    files: Mapping[str, bytes], predicate: dict[str, Any], private_key_pem: bytes
) -> dict[str, bytes]:
    """``files`` plus the envelope signing them, ready for ``zip_bundle`` and the writer."""
    signed = dict(files)
    signed[ENVELOPE_FILE] = sign_bundle(files, predicate, private_key_pem)
    return dict(sorted(signed.items()))


def verify_envelope(envelope: bytes, public_key_pem: bytes) -> dict[str, Any]:
    """The in-toto statement of ``envelope`` once a signature verifies with ``public_key_pem``.

    Raises ``SignatureError`` for a malformed envelope, a foreign payload type or a signature
    that does not verify. Key ids are unauthenticated hints, so every signature is tried.
    """
    public_key = load_public_key(public_key_pem)
    document = _parse_envelope(envelope)
    payload = _b64decode(document["payload"], "payload")
    message = pae(document["payloadType"], payload)
    if not any(_verifies(public_key, sig, message) for sig in document["signatures"]):
        signers = ", ".join(str(s.get("keyid", "?")) for s in document["signatures"])
        raise SignatureError(
            f"{ENVELOPE_FILE}: no signature verifies with the given public key "
            f"(key {keyid(public_key)}; envelope signed by {signers})"
        )
    return _parse_statement(payload)


def _verifies(public_key: Ed25519PublicKey, signature: dict[str, Any], message: bytes) -> bool:
    try:
        public_key.verify(_b64decode(signature["sig"], "signature"), message)
    except InvalidSignature:
        return False
    return True


def _parse_envelope(envelope: bytes) -> dict[str, Any]:
    document = _json(envelope, "not a JSON DSSE envelope")
    if not isinstance(document, dict) or document.get("payloadType") != PAYLOAD_TYPE:
        raise SignatureError(f"{ENVELOPE_FILE}: not a DSSE envelope with payloadType {PAYLOAD_TYPE}")
    signatures = document.get("signatures")
    if not isinstance(document.get("payload"), str) or not isinstance(signatures, list) or not signatures:
        raise SignatureError(f"{ENVELOPE_FILE}: the envelope has no payload or no signatures")
    if not all(isinstance(s, dict) and isinstance(s.get("sig"), str) for s in signatures):
        raise SignatureError(f"{ENVELOPE_FILE}: a signature entry has no 'sig'")
    return document


def _parse_statement(payload: bytes) -> dict[str, Any]:
    document = _json(payload, "the signed payload is not JSON")
    if not isinstance(document, dict) or document.get("_type") != STATEMENT_TYPE:
        raise SignatureError(f"{ENVELOPE_FILE}: the signed payload is not an in-toto Statement v1")
    if document.get("predicateType") != PREDICATE_TYPE:
        raise SignatureError(f"{ENVELOPE_FILE}: unexpected predicateType {document.get('predicateType')!r}")
    if not isinstance(document.get("subject"), list) or not all(_is_subject(s) for s in document["subject"]):
        raise SignatureError(f"{ENVELOPE_FILE}: the statement's subjects are malformed")
    return document


def _json(data: bytes, not_json: str) -> Any:
    try:
        return json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SignatureError(f"{ENVELOPE_FILE}: {not_json} ({exc})") from exc


def _is_subject(subject: Any) -> bool:
    return (
        isinstance(subject, dict)
        and isinstance(subject.get("name"), str)
        and isinstance(subject.get("digest"), dict)
        and isinstance(subject["digest"].get("sha256"), str)
    )


def _b64decode(text: str, what: str) -> bytes:
    # DSSE allows standard or URL-safe base64; normalise to standard and decode strictly.
    try:
        return base64.b64decode(text.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise SignatureError(f"{ENVELOPE_FILE}: the {what} is not valid base64") from exc


def _canonical(document: Mapping[str, Any]) -> bytes:
    # Sorted keys and no whitespace: the same statement always yields the same payload and signature.
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")

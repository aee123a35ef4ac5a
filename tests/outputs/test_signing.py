"""Signing the evidence bundle: DSSE PAE, the in-toto statement, Ed25519 round trip on a real bundle."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from verifier.outputs.signing import (
    ENVELOPE_FILE,
    PAYLOAD_TYPE,
    PREDICATE_TYPE,
    STATEMENT_TYPE,
    SignatureError,
    closure_predicate,
    generate_keypair,
    pae,
    sign_bundle,
    verify_envelope,
    with_signature,
)
from verifier.pipeline.bundle import read_bundle
from verifier.pipeline.verify import VerifyOptions, VerifyOutcome, run_verify

REPO = Path(__file__).resolve().parents[2]
FIXED_CLOCK = datetime(2026, 11, 25, 12, 0, 0, tzinfo=UTC)


def _verify_example(out: Path) -> VerifyOutcome:
    options = VerifyOptions(
        poam=REPO / "poam.json",
        mapping=REPO / "mappings" / "cmmc-l2-aws.json",
        findings=(REPO / "examples" / "prowler-output",),
        out=out,
        as_of=date(2026, 11, 25),
        history=out.with_name(f"{out.name}-history.jsonl"),  # not beside the repository's POA&M
    )
    return run_verify(options, clock=lambda: FIXED_CLOCK)


@pytest.fixture
def example(tmp_path: Path) -> tuple[dict[str, bytes], dict[str, Any]]:
    """The example's real evidence bundle and the predicate its run would sign."""
    outcome = _verify_example(tmp_path / "out")
    return read_bundle(tmp_path / "out" / "evidence"), closure_predicate(outcome.run)


@pytest.fixture
def keypair() -> tuple[bytes, bytes]:
    return generate_keypair()


def _envelope(data: bytes) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(data)
    return document


def test_pae_matches_the_dsse_specification_example() -> None:
    # The worked example of the DSSE v1 protocol document.
    assert pae("http://example.com/HelloWorld", b"hello world") == (
        b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"
    )


def test_pae_counts_bytes_not_characters() -> None:
    assert pae("t/é", b"\xc3\xa9") == b"DSSEv1 4 t/\xc3\xa9 2 \xc3\xa9"


def test_round_trip_on_the_example_bundle(
    example: tuple[dict[str, bytes], dict[str, Any]], keypair: tuple[bytes, bytes]
) -> None:
    files, predicate = example
    private_pem, public_pem = keypair
    statement = verify_envelope(sign_bundle(files, predicate, private_pem), public_pem)
    assert statement["_type"] == STATEMENT_TYPE
    assert statement["predicateType"] == PREDICATE_TYPE
    subjects = {s["name"]: s["digest"]["sha256"] for s in statement["subject"]}
    assert subjects == {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
    verdicts = {e["id"]: e["verdict"] for e in statement["predicate"]["entries"]}
    assert verdicts["POAM-001"] == "NOT_MET"
    assert verdicts["POAM-002"] == "MET"
    assert statement["predicate"]["as_of"] == "2026-11-25"


def test_envelope_shape_and_keyid(
    example: tuple[dict[str, bytes], dict[str, Any]], keypair: tuple[bytes, bytes]
) -> None:
    files, predicate = example
    private_pem, public_pem = keypair
    envelope = _envelope(sign_bundle(files, predicate, private_pem))
    assert envelope["payloadType"] == PAYLOAD_TYPE
    public_key = serialization.load_pem_public_key(public_pem)
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    assert [s["keyid"] for s in envelope["signatures"]] == [hashlib.sha256(raw).hexdigest()]
    # The signature is over PAE(type, payload), not over the bare payload.
    payload = base64.b64decode(envelope["payload"])
    sig = base64.b64decode(envelope["signatures"][0]["sig"])
    public_key.verify(sig, pae(PAYLOAD_TYPE, payload))  # type: ignore[union-attr, call-arg]


def test_signing_is_deterministic(
    example: tuple[dict[str, bytes], dict[str, Any]], keypair: tuple[bytes, bytes]
) -> None:
    files, predicate = example
    assert sign_bundle(files, predicate, keypair[0]) == sign_bundle(files, predicate, keypair[0])


def test_the_envelope_is_not_its_own_subject(
    example: tuple[dict[str, bytes], dict[str, Any]], keypair: tuple[bytes, bytes]
) -> None:
    files, predicate = example
    signed = with_signature(files, predicate, keypair[0])
    assert set(signed) == {*files, ENVELOPE_FILE}
    statement = verify_envelope(signed[ENVELOPE_FILE], keypair[1])
    assert ENVELOPE_FILE not in {s["name"] for s in statement["subject"]}


def test_no_key_material_in_the_signed_bundle(
    example: tuple[dict[str, bytes], dict[str, Any]], keypair: tuple[bytes, bytes]
) -> None:
    files, predicate = example
    private_pem, _ = keypair
    key = serialization.load_pem_private_key(private_pem, password=None)
    raw = key.private_bytes(  # type: ignore[union-attr]
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    for data in with_signature(files, predicate, private_pem).values():
        assert b"PRIVATE KEY" not in data
        assert raw not in data
        assert base64.b64encode(raw) not in data


def test_wrong_public_key_is_refused(
    example: tuple[dict[str, bytes], dict[str, Any]], keypair: tuple[bytes, bytes]
) -> None:
    files, predicate = example
    _, other_public = generate_keypair()
    with pytest.raises(SignatureError, match=f"{ENVELOPE_FILE}: no signature verifies"):
        verify_envelope(sign_bundle(files, predicate, keypair[0]), other_public)


def test_a_changed_payload_is_refused(
    example: tuple[dict[str, bytes], dict[str, Any]], keypair: tuple[bytes, bytes]
) -> None:
    files, predicate = example
    envelope = _envelope(sign_bundle(files, predicate, keypair[0]))
    statement = json.loads(base64.b64decode(envelope["payload"]))
    statement["predicate"]["entries"][0]["verdict"] = "MET"
    envelope["payload"] = base64.b64encode(json.dumps(statement).encode()).decode()
    with pytest.raises(SignatureError, match="no signature verifies"):
        verify_envelope(json.dumps(envelope).encode(), keypair[1])


def test_a_changed_payload_type_is_refused(
    example: tuple[dict[str, bytes], dict[str, Any]], keypair: tuple[bytes, bytes]
) -> None:
    files, predicate = example
    envelope = _envelope(sign_bundle(files, predicate, keypair[0]))
    envelope["payloadType"] = "application/json"
    with pytest.raises(SignatureError, match="payloadType"):
        verify_envelope(json.dumps(envelope).encode(), keypair[1])


@pytest.mark.parametrize(
    "envelope",
    [
        b"not json",
        b"[]",
        b'{"payloadType": "application/vnd.in-toto+json", "payload": "e30=", "signatures": []}',
    ],
)
def test_malformed_envelopes_are_refused(envelope: bytes, keypair: tuple[bytes, bytes]) -> None:
    with pytest.raises(SignatureError, match=ENVELOPE_FILE):
        verify_envelope(envelope, keypair[1])


def test_a_signed_payload_that_is_not_a_statement_is_refused(keypair: tuple[bytes, bytes]) -> None:
    key = serialization.load_pem_private_key(keypair[0], password=None)
    payload = b'{"_type": "something else"}'
    sig = key.sign(pae(PAYLOAD_TYPE, payload))  # type: ignore[union-attr, call-arg]
    envelope = {
        "payloadType": PAYLOAD_TYPE,
        "payload": base64.b64encode(payload).decode(),
        "signatures": [{"keyid": "", "sig": base64.b64encode(sig).decode()}],
    }
    with pytest.raises(SignatureError, match="not an in-toto Statement v1"):
        verify_envelope(json.dumps(envelope).encode(), keypair[1])


def test_generated_keys_are_unencrypted_pkcs8_and_spki_pem() -> None:
    private_pem, public_pem = generate_keypair()
    assert private_pem.startswith(b"-----BEGIN PRIVATE KEY-----")
    assert public_pem.startswith(b"-----BEGIN PUBLIC KEY-----")
    assert isinstance(serialization.load_pem_private_key(private_pem, password=None), Ed25519PrivateKey)


def test_non_ed25519_or_garbage_keys_are_refused(example: tuple[dict[str, bytes], dict[str, Any]]) -> None:
    files, predicate = example
    with pytest.raises(SignatureError, match="not an unencrypted PEM private key"):
        sign_bundle(files, predicate, b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
    with pytest.raises(SignatureError, match="public key is not a PEM public key"):
        verify_envelope(b"{}", b"garbage")

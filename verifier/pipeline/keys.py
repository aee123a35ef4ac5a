"""Key files for signing the evidence bundle: ``poam keygen`` and reading a key for ``--sign-key``.

The private key is written mode 0600 and never over an existing key, so a slip of the prompt
cannot destroy the key earlier bundles were signed with.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from verifier.errors import InputError, UsageError
from verifier.inputs.jsondoc import read_bytes
from verifier.outputs.signing import (
    SignatureError,
    generate_keypair,
    keyid,
    load_private_key,
    load_public_key,
)
from verifier.outputs.writer import write_atomic


@dataclass(frozen=True, slots=True)
class KeyPair:
    """Where ``keygen`` wrote the keys, and the key id bundles signed with them will carry."""

    private_key: Path
    public_key: Path
    keyid: str


def key_paths(out_prefix: Path) -> tuple[Path, Path]:
    """``PREFIX.key`` and ``PREFIX.pub`` (appended, not ``with_suffix``: a prefix may contain dots)."""
    return Path(f"{out_prefix}.key"), Path(f"{out_prefix}.pub")


def keygen(out_prefix: Path) -> KeyPair:
    """Generate an Ed25519 key pair and write ``PREFIX.key`` (0600) and ``PREFIX.pub``."""
    private_path, public_path = key_paths(out_prefix)
    for path in (private_path, public_path):
        if path.exists() or path.is_symlink():
            raise UsageError(f"{path} already exists; refusing to overwrite a key")
    private_pem, public_pem = generate_keypair()
    # write_atomic stages through mkstemp (created 0600), so the key is never readable by others.
    write_atomic(private_path, private_pem, mode=0o600)
    write_atomic(public_path, public_pem, mode=0o644)
    return KeyPair(private_path, public_path, keyid(load_public_key(public_pem)))


def read_private_key(path: Path) -> bytes:
    """The PEM bytes of an Ed25519 signing key, checked now so a bad key fails before anything is written."""
    return _read_key(path, "signing key", load_private_key)


def read_public_key(path: Path) -> bytes:
    """The PEM bytes of an Ed25519 public key for ``poam bundle verify --pubkey``."""
    return _read_key(path, "public key", load_public_key)


def _read_key(path: Path, what: str, load: Callable[[bytes], object]) -> bytes:
    """The PEM bytes at ``path`` once ``load`` accepts them; a key it refuses is an ``InputError`` naming ``path``."""
    data = read_bytes(path, what)
    try:
        load(data)
    except SignatureError as exc:
        raise InputError(f"{path}: {exc.message}") from exc
    return data

"""Doctors' signing keys: Ed25519 key pairs whose private half never enters the repository.

A private key lives in one file, mode 0600, under the user's configuration
directory (``click.get_app_dir("pipeline")/keys``), or under ``PIPELINE_KEYS_DIR``,
or wherever ``--key-file`` says. Public keys are written into the roster as
base64 of the raw 32 bytes; a key's id is a short fingerprint of those bytes.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

import click
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from pipeline.cache.digests import sha256
from pipeline.errors import SignoffError
from pipeline.fsutil import atomic_file
from pipeline.paths import escapes, real

KEYS_DIR_VARIABLE = "PIPELINE_KEYS_DIR"
REVIEWER_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


@dataclass(frozen=True)
class NewKey:
    """A freshly written key pair: where the private half went, and the public half to publish."""

    reviewer: str
    path: Path
    public_key: str
    key_id: str


def keys_dir() -> Path:
    """Where private keys go by default: ``$PIPELINE_KEYS_DIR`` or the user's config directory."""
    configured = os.environ.get(KEYS_DIR_VARIABLE)
    if configured:
        return Path(configured).expanduser()
    return _default_keys_dir()


def default_key_file(reviewer: str) -> Path:
    return keys_dir() / f"{reviewer}.key"


def outside_project(path: Path, project: Path | None, writing: bool) -> Path:
    """``path``, refused when it is (really) inside the project: ``git add -A`` would commit it.

    A key in the repository lets anyone who can read it sign in the doctor's name, so
    keys are neither written nor read there (``*.key`` is in ``.gitignore`` as well).
    """
    if project is None or escapes(path, project) is not None:
        return path
    if writing and os.environ.get(KEYS_DIR_VARIABLE) and real(path.parent) == real(keys_dir()):
        raise SignoffError(f"{KEYS_DIR_VARIABLE} points into the project, where 'git add -A' would "
                           "commit a private key: set it to a folder outside the project, or unset "
                           f"it (default: {_default_keys_dir()})", path)
    if writing:
        raise SignoffError("a private key is never written inside the project ('git add -A' would "
                           "commit it): pass a --key-file outside the project, or leave it out "
                           f"(default: {_default_keys_dir()})", path)
    raise SignoffError("a private key inside the project is refused ('git add -A' would commit it "
                       "and anyone with the repository could sign in your name): move it out "
                       f"(e.g. to {_default_keys_dir()}) and pass its new --key-file, or set "
                       f"{KEYS_DIR_VARIABLE}; if it was ever committed, make a new key", path)


def _default_keys_dir() -> Path:
    return Path(click.get_app_dir("pipeline")) / "keys"


def check_reviewer_id(reviewer: str) -> None:
    """Reviewer ids become TOML keys and file names: letters, digits, ``-`` and ``_`` only."""
    if not REVIEWER_ID_RE.match(reviewer):
        raise SignoffError(f"'{reviewer}' is not a valid reviewer id: use letters, digits, "
                           "'-' and '_' (for example 'zahide-eris')")


def public_key_text(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def parse_public_key(text: str) -> Ed25519PublicKey:
    """A roster public key (base64 of 32 raw bytes); ValueError when it is not one."""
    return Ed25519PublicKey.from_public_bytes(decode_base64(text, 32))


def decode_base64(text: str, size: int) -> bytes:
    """Strict base64 of exactly ``size`` bytes; ValueError saying what is wrong otherwise."""
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise ValueError("not base64") from None
    if len(raw) != size:
        raise ValueError(f"{len(raw)} bytes instead of {size}")
    return raw


def key_id(public_key: Ed25519PublicKey) -> str:
    """A 16-hex-digit fingerprint naming the key in ledger statements."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return sha256(raw)[:16]


def verify_signature(public_key: Ed25519PublicKey, signature: bytes, data: bytes) -> bool:
    try:
        public_key.verify(signature, data)
    except InvalidSignature:
        return False
    return True


def generate_key(reviewer: str, path: Path | None = None, project: Path | None = None) -> NewKey:
    """Write a new private key (mode 0600, never over an existing file) and return its public half.

    With ``project`` (the project's root), a key path inside it is refused.
    """
    check_reviewer_id(reviewer)
    path = outside_project(path or default_key_file(reviewer), project, writing=True)
    if path.exists():
        raise SignoffError("a key file already exists here and is never overwritten: "
                           "move it away first, or pass another --key-file", path)
    private_key = Ed25519PrivateKey.generate()
    pem = private_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
    _write_private(path, pem)
    public_key = private_key.public_key()
    return NewKey(reviewer, path, public_key_text(public_key), key_id(public_key))


def load_private_key(path: Path) -> Ed25519PrivateKey:
    """Read a private key file, refusing one that group or others can read."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise SignoffError("no key file here: create one with 'pipeline keygen ID', "
                           "or pass --key-file", path) from None
    if os.name == "posix" and mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise SignoffError(f"key file is accessible to group or others (mode {stat.S_IMODE(mode):04o}); "
                           f"a signing key must be private: run 'chmod 600 {path}'", path)
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError):
        raise SignoffError("not an unencrypted PEM private key", path) from None
    except OSError as exc:
        raise SignoffError(f"cannot read key file: {exc.strerror}", path) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SignoffError("not an Ed25519 key (make one with 'pipeline keygen ID')", path)
    return key


def _write_private(path: Path, data: bytes) -> None:
    """Write through a private temp file, then link it into place so an existing file always wins."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        with atomic_file(path, mode=0o600, exclusive=True) as handle:
            handle.write(data)
    except FileExistsError:
        raise SignoffError("a key file appeared here while writing; it was left untouched",
                           path) from None

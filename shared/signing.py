"""Ed25519 signatures on events: only the services write the log, and anyone can check that they did.

A producing service signs each envelope over the bytes its hash chain already commits to: the previous event's
hash followed by the RFC 8785 canonical JSON of the envelope without `hash` and without `signature`. The
signature travels in the envelope as `signature: {key_id, algorithm, value}`, and `hash` then covers it too,
so the published chain rule is unchanged. Signing over `prev_hash` binds each signature to the whole history
before it: the first signed event of a store vouches for every unsigned one the chain holds below it.

Private keys are files (PEM, PKCS#8), one per service, named by each process's `signing_key_file`. The public
keys are a keyring (JSON, `trusted_keys_file`) that every consumer trusts: an event is accepted only when a
key of its own producer in that keyring signed it. Rotating a key adds the new one and keeps the old one, so
old events still verify (`retired_at` says only that it signs nothing new).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ALGORITHM = "Ed25519"
KEYRING_NAME = "trusted-keys.json"


def signed_bytes(envelope: Mapping[str, Any]) -> bytes:
    """What an event's signature covers: its `prev_hash`, then its canonical JSON without `hash` and `signature`."""
    body = {k: v for k, v in envelope.items() if k not in ("hash", "signature")}
    return str(envelope["prev_hash"]).encode("ascii") + rfc8785.dumps(body)


def b64(raw: bytes) -> str:
    """Unpadded base64url, as JOSE writes keys and signatures."""
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _raw(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(producer: str, public: Ed25519PublicKey) -> str:
    """A key's name: its producer and the start of the SHA-256 of its raw public key, e.g. `pledge:1f0c…`."""
    return f"{producer}:{hashlib.sha256(_raw(public)).hexdigest()[:16]}"


class Signer:
    """One service's current private key, signing the envelopes it appends."""

    def __init__(self, producer: str, private: Ed25519PrivateKey) -> None:
        self.producer, self._private = producer, private
        self.key_id = key_id(producer, private.public_key())

    @classmethod
    def generate(cls, producer: str) -> Signer:
        """A signer with a new key of its own, in memory only: for a scratch store no consumer trusts."""
        return cls(producer, Ed25519PrivateKey.generate())

    @classmethod
    def from_file(cls, producer: str, path: str | Path) -> Signer:
        if not str(path):
            raise RuntimeError(f"SIGNING_KEY_FILE is not set: {producer} cannot sign the events it appends")
        private = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
        if not isinstance(private, Ed25519PrivateKey):
            raise ValueError(f"{path} does not hold an Ed25519 private key")
        return cls(producer, private)

    def sign(self, envelope: Mapping[str, Any]) -> dict[str, str]:
        """The `signature` field for an envelope complete but for `hash` and `signature`."""
        return {"key_id": self.key_id, "algorithm": ALGORITHM, "value": self.sign_bytes(signed_bytes(envelope))}

    def public_key(self) -> PublicKey:
        """This signer's entry for a keyring, dated now."""
        return PublicKey(self.key_id, self.producer, b64(_raw(self._private.public_key())), _now())

    def sign_bytes(self, data: bytes) -> str:
        """The signature of `data` (a checkpoint's), unpadded base64url."""
        return b64(self._private.sign(data))


@dataclass(frozen=True)
class PublicKey:
    """One entry of the keyring, as `/api/v1/audit/keys` publishes it."""

    key_id: str
    producer: str
    public_key: str  # the 32 raw bytes, base64url
    created_at: str
    retired_at: str | None = None
    algorithm: str = ALGORITHM

    def verifier(self) -> Ed25519PublicKey:
        return Ed25519PublicKey.from_public_bytes(unb64(self.public_key))


class Keyring:
    """The public keys consumers trust, read from a file and read again when an event names a key it lacks.

    `unsigned_through` names, per producer, the last position written before that store signed anything (0 for
    a store that signed from its first event): an unsigned event is accepted only at or below it.
    """

    def __init__(self, keys: Iterable[PublicKey], unsigned_through: Mapping[str, int] | None = None,
                 path: Path | None = None, reload_s: float = 1.0) -> None:
        self.path, self._reload_s, self._read_at = path, reload_s, time.monotonic()
        self._lock = threading.Lock()
        self._set(list(keys), dict(unsigned_through or {}))

    def _set(self, keys: list[PublicKey], unsigned_through: dict[str, int]) -> None:
        self.keys = {k.key_id: k for k in keys}
        self.unsigned_through = unsigned_through
        self._verifiers = {k.key_id: k.verifier() for k in keys}

    @classmethod
    def load(cls, path: str | Path) -> Keyring:
        if not str(path):
            raise RuntimeError("TRUSTED_KEYS_FILE is not set: without the producers' public keys no event verifies")
        path = Path(path)
        keys, unsigned = _read(path)
        return cls(keys, unsigned, path)

    def to_dict(self) -> dict[str, Any]:
        """The keyring as published (and as written to its file): every key, the retired ones too."""
        return {"algorithm": ALGORITHM, "keys": [asdict(k) for k in self.keys.values()],
                "unsigned_through": self.unsigned_through}

    def problem(self, envelope: Mapping[str, Any]) -> str | None:
        """Why an envelope is not a genuine event of its producer, or None when its signature verifies."""
        signature = envelope.get("signature")
        producer = envelope.get("producer")
        if signature is None:
            position = envelope.get("position")
            if isinstance(position, int) and position <= self.unsigned_through.get(str(producer), 0):
                return None
            return "unsigned: the event carries no signature"
        if not isinstance(signature, Mapping) or not all(isinstance(signature.get(f), str)
                                                       for f in ("key_id", "algorithm", "value")):
            return "badly signed: the signature is not {key_id, algorithm, value}"
        if signature["algorithm"] != ALGORITHM:
            return f"badly signed: algorithm {signature['algorithm']!r} is not {ALGORITHM}"
        try:
            data = signed_bytes(envelope)
        except (KeyError, TypeError, ValueError):
            return "badly signed: the envelope cannot be put in canonical form"
        return self.bytes_problem(signature["key_id"], str(producer), data, signature["value"])

    def bytes_problem(self, kid: str, producer: str, data: bytes, value: str) -> str | None:
        """Why `value` is not `producer`'s signature of `data` under key `kid`, or None when it is."""
        verifier = self._verifier(kid)
        if verifier is None:
            return f"signed by an unknown key {kid!r}"
        if self.keys[kid].producer != producer:
            return f"signed by a key of {self.keys[kid].producer!r}, not of {producer!r}"
        try:
            verifier.verify(unb64(value), data)
        except (InvalidSignature, ValueError, TypeError):
            return f"badly signed: the signature does not verify under {kid!r}"
        return None

    def _verifier(self, kid: str) -> Ed25519PublicKey | None:
        if kid not in self._verifiers and self.path is not None:
            with self._lock:  # a key rotated in since this process read the file: read it again, at most each second
                if kid not in self._verifiers and time.monotonic() - self._read_at >= self._reload_s:
                    self._read_at = time.monotonic()
                    with contextlib.suppress(OSError, ValueError):  # a file being rewritten: the keys read stand
                        self._set(*_read(self.path))
        return self._verifiers.get(kid)


def _read(path: Path) -> tuple[list[PublicKey], dict[str, int]]:
    data = json.loads(path.read_text())
    return [PublicKey(**k) for k in data["keys"]], {str(p): int(n) for p, n in data.get("unsigned_through", {}).items()}


# --- Keys on disk: made by `make run` and the tests, rotated by `charter keys rotate` ---

def private_key_file(directory: str | Path, producer: str) -> Path:
    """Where a directory of keys keeps a producer's current private key."""
    return Path(directory) / f"{producer}.pem"


def ensure_keys(directory: str | Path, producers: Iterable[str],
                unsigned_through: Mapping[str, int] | None = None) -> Path:
    """Make a private key for each producer that has none in `directory`, and the keyring of them; its path.

    Keys already there are kept, and so is every key the keyring lists. A producer new to the keyring is
    recorded with `unsigned_through` (the position its store had reached unsigned; 0 for a new store).
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    ring_path = directory / KEYRING_NAME
    keys, unsigned = _read(ring_path) if ring_path.exists() else ([], {})
    by_id = {k.key_id: k for k in keys}
    for producer in producers:
        path = private_key_file(directory, producer)
        if not path.exists():
            _write_private(path, Ed25519PrivateKey.generate())
        signer = Signer.from_file(producer, path)
        if signer.key_id not in by_id:
            by_id[signer.key_id] = signer.public_key()
        unsigned.setdefault(producer, int((unsigned_through or {}).get(producer, 0)))
    _write_ring(ring_path, Keyring(by_id.values(), unsigned))
    return ring_path


def rotate(directory: str | Path, producer: str) -> str:
    """Give `producer` a new current key, keeping the old public key trusted (retired); the new key id.

    Processes signing as `producer` sign with the new key once restarted; consumers learn it from the keyring.
    """
    directory = Path(directory)
    ring_path = directory / KEYRING_NAME
    ring = Keyring.load(ring_path)
    now = _now()
    keys = [replace(k, retired_at=now) if k.producer == producer and k.retired_at is None else k
            for k in ring.keys.values()]
    path = private_key_file(directory, producer)
    _write_private(path, Ed25519PrivateKey.generate())
    signer = Signer.from_file(producer, path)
    _write_ring(ring_path, Keyring([*keys, signer.public_key()], ring.unsigned_through))
    return signer.key_id


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _write_private(path: Path, private: Ed25519PrivateKey) -> None:
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # readable by its owner only
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
    os.replace(tmp, path)


def _write_ring(path: Path, ring: Keyring) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(ring.to_dict(), indent=2) + "\n")
    os.replace(tmp, path)  # readers never see half a file

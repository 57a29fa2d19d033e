"""Personal fields sealed with a key per data subject, so erasing a person is deleting one key (crypto-shredding).

An event holds a person's fields only as a sealed value: AES-256-GCM over their canonical JSON, bound (as
associated data) to the subject and to the record it belongs to, so a sealed value copied into another event
does not open. The hash chain and the signatures cover the sealed bytes, which never change: when the owning
service deletes the subject's key, every copy of the log (topics, exports, councils' mirrors) keeps verifying
and none can be opened again. Readers that cannot open a value show `ERASED` in place of each field.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Mapping

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

ERASED = "erased"  # what a read model shows for a field whose subject was erased
FORMAT = "a1"  # the sealed value's format: AES-256-GCM, a 96-bit random nonce, then ciphertext and tag
_NONCE_BYTES = 12


class SealBroken(ValueError):
    """A sealed value that its subject's key does not open: altered, or sealed for another subject or record."""


def new_key() -> bytes:
    """A fresh 256-bit key for one data subject."""
    return AESGCM.generate_key(bit_length=256)


def seal(key: bytes, subject_id: str, record: str, fields: Mapping[str, str]) -> str:
    """`fields` sealed for `subject_id` within `record` (e.g. a signature id): `a1.<base64url>`."""
    nonce = os.urandom(_NONCE_BYTES)
    plain = json.dumps(dict(fields), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    sealed = AESGCM(key).encrypt(nonce, plain, _bound(subject_id, record))
    return f"{FORMAT}.{base64.urlsafe_b64encode(nonce + sealed).decode()}"


def open_sealed(key: bytes, subject_id: str, record: str, sealed: str) -> dict[str, str]:
    """The fields `seal` sealed; SealBroken if the value was altered or belongs to another subject or record."""
    form, _, body = sealed.partition(".")
    if form != FORMAT:
        raise SealBroken(f"unknown sealed-value format {form!r}")
    try:
        raw = base64.urlsafe_b64decode(body.encode())
        plain = AESGCM(key).decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], _bound(subject_id, record))
    except (InvalidTag, ValueError) as exc:
        raise SealBroken("the sealed value does not open with its subject's key") from exc
    return json.loads(plain)


def erased(names: tuple[str, ...]) -> dict[str, str]:
    """What a reader shows for `names` once their subject's key is gone."""
    return dict.fromkeys(names, ERASED)


def key_text(key: bytes) -> str:
    """A key as it travels between services (base64url)."""
    return base64.urlsafe_b64encode(key).decode()


def key_bytes(text: str) -> bytes:
    """A key from its travelling form."""
    return base64.urlsafe_b64decode(text.encode())


def _bound(subject_id: str, record: str) -> bytes:
    return f"{subject_id}\n{record}".encode()

"""Secrets and how they are kept: argon2 for passwords, SHA-256 for high-entropy random secrets."""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

TOKEN_PREFIX = "ict_"
MIN_PASSWORD_CHARS = 10

# OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane): ~50 ms a hash here, so sign-ins stay cheap for the
# server while guessing stays expensive; stored hashes carry their parameters, so raising these later
# upgrades each account at its next sign-in (see `needs_rehash`).
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


@functools.cache
def _dummy_hash() -> str:
    # Verifying against this when no account matches costs the same time as a real check, so the
    # response time does not tell whether an e-mail has an account.
    return _hasher.hash(secrets.token_urlsafe(16))


def new_secret(prefix: str = "") -> str:
    """A random secret of 256 bits, URL-safe, optionally prefixed so it can be recognised (e.g. by scanners)."""
    return prefix + secrets.token_urlsafe(32)


def digest(secret: str) -> bytes:
    """How a random secret is stored: its SHA-256 (a 256-bit secret needs no slow hash)."""
    return hashlib.sha256(secret.encode()).digest()


def same(a: str, b: str) -> bool:
    """Constant-time comparison of two strings."""
    return hmac.compare_digest(a.encode(), b.encode())


def hash_password(password: str) -> str:
    """The argon2id hash of a password, with its own salt and parameters."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether the password matches; with no hash, spends the same time and answers no."""
    try:
        return _hasher.verify(password_hash or _dummy_hash(), password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether a stored hash was made with other parameters than today's."""
    return _hasher.check_needs_rehash(password_hash)


def normalise_email(email: str) -> str:
    """The form an e-mail is stored and looked up in: trimmed, lower-case."""
    return email.strip().lower()


def email_key(email: str, salt: str) -> str:
    """A stable key for an e-mail that does not reveal it (for the sign-in failure counters)."""
    return "email:" + hmac.new(salt.encode(), normalise_email(email).encode(), hashlib.sha256).hexdigest()

"""Signing in with e-mail and password, behind the lockout: the one path the API and web pages share."""

from __future__ import annotations

from .credentials import email_key
from .store import Identity


class TooManyAttempts(Exception):
    """Sign-in is locked for this e-mail or address for `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed sign-ins; try again in {retry_after} seconds")
        self.retry_after = retry_after


class WrongCredentials(Exception):
    """No account has this e-mail and password (which of the two is wrong is not said)."""


def sign_in(identity: Identity, email: str, password: str, client_ip: str) -> str:
    """The account id for these credentials; raises TooManyAttempts while locked, WrongCredentials on failure.

    While a key is locked the password is not even checked, so a locked account cannot be probed.
    """
    keys = [email_key(email, identity.email_salt), f"ip:{client_ip}"]
    wait = identity.signin_limits.retry_after(keys)
    if wait:
        raise TooManyAttempts(wait)
    account_id = identity.accounts.authenticate(email, password)
    if account_id is None:
        identity.signin_limits.failed(keys)
        raise WrongCredentials()
    identity.signin_limits.succeeded(keys[0])
    return account_id

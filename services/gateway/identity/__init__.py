"""Accounts, sessions, API tokens, roles and sign-in limits, kept in the gateway's own `gateway_auth` schema.

Unlike the read models this is not rebuilt from the log: it is the gateway's own state, and holds the
only copy of account e-mails (personal data, never logged, never in events or public reads).
"""

"""The end-to-end tests' fixtures (`settings`, `stack`, `web`) live in tests/conftest.py, shared with tests/fuzz."""

from .browser import chromium, tab  # noqa: F401  (the session's chromium, and a fresh tab per test)

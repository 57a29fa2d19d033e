"""The end-to-end tests' fixtures (`settings`, `stack`, `web`) live in tests/conftest.py, shared with tests/fuzz."""

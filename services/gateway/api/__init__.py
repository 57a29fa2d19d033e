"""The public HTTP API under /api/v1: commands forwarded to their service, queries from read models."""

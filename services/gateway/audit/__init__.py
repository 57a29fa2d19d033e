"""The auditor's tools: verify the hash chains and topics, replay the log, export it."""

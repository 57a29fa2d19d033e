"""Council delivery: webhooks, the server-sent event stream and the feed behind it, and their one filter."""

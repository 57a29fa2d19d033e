"""The edge: authentication, CSRF, session cookies, ETags, read-your-writes and the one forward to a service."""

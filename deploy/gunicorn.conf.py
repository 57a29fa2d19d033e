"""Gunicorn settings for every HTTP service; each overridable by GUNICORN_* environment variables."""

import os

workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
keepalive = 30
graceful_timeout = 5
timeout = 30
accesslog = None  # the apps write one structured line per request themselves (see gunicorn.access below)


# Gunicorn's own lines (start, stop, worker timeouts) in the same JSON shape as the apps' lines.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "shared.logging.JsonFormatter", "process_name": "gunicorn"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"level": "INFO", "handlers": ["stderr"]},
    "loggers": {
        "gunicorn.error": {"handlers": ["stderr"], "level": "INFO", "propagate": False, "qualname": "gunicorn.error"},
        # Gunicorn's access line holds the whole request line, query string included, and a query can carry a
        # secret (a watch list's feed key, a signature's verification token). The apps log each request
        # themselves, by path only; any log configuration turns gunicorn's access log on, so it is silenced here.
        "gunicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False, "qualname": "gunicorn.access"},
    },
}

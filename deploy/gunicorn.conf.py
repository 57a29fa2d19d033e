"""Gunicorn settings for every HTTP service; each overridable by GUNICORN_* environment variables."""

import os

workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
keepalive = 30
graceful_timeout = 5
timeout = 30
accesslog = None  # the apps write one structured line per request themselves


# Gunicorn's own lines (start, stop, worker timeouts) in the same JSON shape as the apps' lines.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "shared.logging.JsonFormatter", "process_name": "gunicorn"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"level": "INFO", "handlers": ["stderr"]},
    "loggers": {
        "gunicorn.error": {"handlers": ["stderr"], "level": "INFO", "propagate": False, "qualname": "gunicorn.error"},
        "gunicorn.access": {"handlers": ["stderr"], "level": "INFO", "propagate": False, "qualname": "gunicorn.access"},
    },
}

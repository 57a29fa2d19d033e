"""Gunicorn settings for every HTTP service; each overridable by GUNICORN_* environment variables."""

import os

workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
keepalive = 30
graceful_timeout = 5
timeout = 30
accesslog = None  # the apps write one structured line per request themselves

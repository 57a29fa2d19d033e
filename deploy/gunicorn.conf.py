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


# Metrics (prometheus-client's multiprocess mode): every worker writes its counts to files in PROMETHEUS_MULTIPROC_DIR
# and a scrape of any worker adds them all up. The directory is this master's own (made here unless the environment
# names one), emptied on start so a restarted service never adds a dead one's counts, and a dead worker's live gauges
# are dropped. prometheus-client is imported only after the variable is set: the workers fork from this process.
_made_metrics_dir = None


def on_starting(server):
    global _made_metrics_dir
    import shutil
    import tempfile

    path = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if path:
        shutil.rmtree(path, ignore_errors=True)
        os.makedirs(path, exist_ok=True)
    else:
        path = _made_metrics_dir = tempfile.mkdtemp(prefix="charter-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = path
    _import_the_service_code(server)


def _import_the_service_code(server):
    """Import the service's code here, in the master, before the socket is bound: workers then fork with it loaded.

    Importing takes 1.5 s on a quiet machine and more under load; done in every worker after the bind, requests
    sent to a restarted service waited in the listen queue all that time. The app itself (its database pools) is
    still made in each worker, since connections must not be shared across a fork: `preload_app` would share them.
    """
    import importlib

    package = (server.app.app_uri or "").partition(":")[0].rpartition(".")[0]
    if package:
        importlib.import_module(f"{package}.app")


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if _made_metrics_dir is not None:
        import shutil

        shutil.rmtree(_made_metrics_dir, ignore_errors=True)

"""gunicorn in production: `gunicorn -c config/gunicorn.py config.wsgi`.

Threaded workers (`gthread`). A streamed CSV export is a long response whose pace the client
sets: a download at 200 KiB/s of a 20 MB file takes minutes. With gunicorn's default sync
workers, one slow download holds a whole worker, and the worker timeout (30 s) kills it
mid-file, so the client gets a truncated file with status 200. Here a download holds one
thread; the worker's main loop keeps answering the arbiter, so `timeout` only restarts a worker
that is really stuck, and the other threads keep serving the API meanwhile.

Why not an ASGI server: the export reads rows from a database cursor in a plain generator,
which an ASGI server would run chunk by chunk in a thread pool anyway, at a cost per chunk.

Every value can be changed from the environment (or by the command line, which wins).
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
# Concurrent requests per worker: long downloads and API calls share them.
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
# A worker whose main loop has not checked in for this long is restarted; a thread that is
# streaming a download does not block that loop.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
accesslog = "-"

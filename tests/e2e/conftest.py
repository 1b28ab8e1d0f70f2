"""The end-to-end stack: a baked project served by gunicorn, with a Celery worker and beat,
PostgreSQL, Redis and moto's S3 server, each a separate process on 127.0.0.1.

One session fixture (`e2e`) starts everything inside a `tools.stack.Stack` and stops it all
at the end, whatever the tests did. It skips, saying why, when PostgreSQL or Redis is not
running here. Topology:

- PostgreSQL (127.0.0.1:5432): a fresh database for this run, dropped at the end.
- The machine's Redis (127.0.0.1:6379), database 14 (the worker's own under xdist, see
  tests/conftest.py; E2E_BROKER_URL moves it): Celery's broker and result backend (flushed at
  the start and the end; the suite never stops this server).
- A Redis server of the suite's own on a free port: the Django cache (export progress), so a
  test can stop it mid-export without touching the broker.
- moto's S3 server on a free port: the exports bucket's endpoint.
- gunicorn (config.settings.production over plain http), a Celery worker with its own TMPDIR,
  and Celery beat.

Production settings work over plain http with DJANGO_SECURE_SSL_REDIRECT=false: the API
clients log in with a token (JWT) as a front end does, and Chromium keeps `Secure`
cookies on http://127.0.0.1 (a potentially trustworthy origin), so the admin login works too.
Three settings differ from the defaults, through the environment: EXPORTS_ROW_LIMIT (below the
seeded row count, for the row-limit test), EXPORTS_STREAM_MAX_ROWS (the row limit too, so the
suite compares the streamed file of about 140,000 paid logs with a job's) and
EXPORTS_STALE_AFTER_SECONDS (see STALE_AFTER_SECONDS).
"""

from __future__ import annotations

import contextlib
import functools
import os
import secrets
import shlex
import shutil
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import E2E_REDIS_URL, reachable, run, temporary_postgres_database
from tools.client import ApiClient
from tools.project import TEMPLATE_DIR, bake
from tools.stack import Stack, free_port

# Reward-log rows to seed: enough that an async export takes seconds, long enough to interrupt
# (status=paid holds about 70% of them), and more than the row limit when unfiltered.
E2E_LOGS = int(os.environ.get("E2E_LOGS", "200000"))
ROW_LIMIT = 150_000
# How long a running job's heartbeat may be silent before beat's sweep (every minute) fails it;
# short, so the suite can watch a lost worker's job fail without waiting five minutes.
STALE_AFTER_SECONDS = 20
BROKER_URL = os.environ.get("E2E_BROKER_URL", E2E_REDIS_URL)
ARTIFACTS_DIR = TEMPLATE_DIR / ".artifacts"

ADMIN = ("e2e-admin", secrets.token_urlsafe(12))
OTHER = ("e2e-other", secrets.token_urlsafe(12))
STAFF = ("e2e-staff", secrets.token_urlsafe(12))  # staff, not a superuser


@dataclass
class E2EStack:
    """The running project: its processes, URLs, users and the commands to restart them."""

    stack: Stack
    project: Path
    python: Path
    env: dict[str, str]
    base_url: str
    s3_url: str
    cache_port: int
    worker_tmp: Path
    commands: dict[str, tuple[str, dict[str, str]]] = field(default_factory=dict)
    admin: ApiClient | None = None  # staff, logged in with a token (set once web is up)

    @functools.cached_property
    def other(self) -> ApiClient:
        """One client, so it logs in once: the token endpoint is throttled per address."""
        return ApiClient(self.base_url, *OTHER)

    def staff(self) -> ApiClient:
        """A new session of the staff user who is not a superuser."""
        client = ApiClient(self.base_url)
        client.login(*STAFF)
        return client

    @property
    def anonymous(self) -> ApiClient:
        return ApiClient(self.base_url)

    def manage(self, *args: str, env: dict[str, str] | None = None, timeout: float = 600) -> str:
        return run(
            [self.python, "manage.py", *args], self.project, env={**self.env, **(env or {})}, timeout=timeout
        )

    # Processes --------------------------------------------------------------------------

    def start(self, name: str) -> None:
        """Start process `name` (again) and wait until it is ready."""
        command, env = self.commands[name]
        rotate_log(self.stack, name)
        self.stack.start(name, shlex.split(command), env=env)
        READY[name](self)

    def stop(self, name: str, sig: int = signal.SIGTERM) -> None:
        self.stack.stop(name, sig=sig)

    def running(self, name: str) -> bool:
        process = self.stack.processes.get(name)
        return process is not None and process.popen.poll() is None

    def ensure_running(self, *names: str) -> None:
        for name in names:
            if not self.running(name):
                self.start(name)

    def log(self, name: str) -> str:
        path = self.stack.log_dir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""


def wait_cache_ready(e2e: E2EStack) -> None:
    # Redis is not HTTP: wait for its own "ready" line in this start's log.
    e2e.stack.wait_for_log("cache", "Ready to accept connections", timeout=30)
    deadline = time.monotonic() + 10
    while not reachable("127.0.0.1", e2e.cache_port):
        assert time.monotonic() < deadline, "the cache Redis does not accept connections"
        time.sleep(0.1)


READY = {
    "cache": wait_cache_ready,
    "s3": lambda e2e: e2e.stack.wait_for_http("s3", f"{e2e.s3_url}/", timeout=60),
    "web": lambda e2e: e2e.stack.wait_for_http("web", f"{e2e.base_url}/health/", timeout=60),
    "worker": lambda e2e: e2e.stack.wait_for_log("worker", " ready.", timeout=60),
    "beat": lambda e2e: e2e.stack.wait_for_log("beat", "beat: Starting...", timeout=60),
}


def rotate_log(stack: Stack, name: str) -> None:
    """A restart must wait for *its own* ready line: move the previous run's log aside."""
    path = stack.log_dir / f"{name}.log"
    if path.exists():
        path.rename(stack.log_dir / f"{name}.{time.time_ns()}.log")


@pytest.fixture(scope="session")
def e2e_services(services_available) -> None:
    """Skip the end-to-end suite, saying why, on a machine without its services."""
    if shutil.which("redis-server") is None:
        pytest.skip(
            "end-to-end suite not run: redis-server is not installed (it runs a cache Redis of its own)"
        )


def flush_broker(python: Path, project: Path, broker_url: str) -> None:
    code = "import sys, redis; redis.Redis.from_url(sys.argv[1], socket_timeout=5).flushdb()"
    run([python, "-c", code, broker_url], project, timeout=30)


@pytest.fixture(scope="session")
def e2e_database(e2e_services, project_python) -> Iterator[str]:
    with temporary_postgres_database(project_python, "template_e2e") as database_url:
        yield database_url


@pytest.fixture(scope="session")
def e2e(e2e_database, project_python, tmp_path_factory) -> Iterator[E2EStack]:
    """Bake, migrate, seed, and run the whole stack for the session."""
    root = tmp_path_factory.mktemp("e2e")
    with running_stack(root, bake(root), project_python, e2e_database) as stack:
        yield stack


@contextlib.contextmanager
def running_stack(
    root: Path,
    project: Path,
    python: Path,
    database_url: str,
    *,
    logs: int = E2E_LOGS,
    own_broker: bool = False,
) -> Iterator[E2EStack]:
    """Migrate and seed `project` (with `logs` reward logs), run the whole stack, stop it at the end.

    `own_broker`: Celery's broker is the stack's own Redis (database 1), not BROKER_URL's, so
    this stack's worker never takes another stack's tasks.
    """
    started = time.monotonic()
    web_port, s3_port, cache_port = free_port(), free_port(), free_port()
    broker_url = f"redis://127.0.0.1:{cache_port}/1" if own_broker else BROKER_URL
    worker_tmp = root / "worker-tmp"
    worker_tmp.mkdir()
    env = {
        **os.environ,
        "PATH": f"{python.parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_LOG_LEVEL": "INFO",
        "DATABASE_URL": database_url,
        "REDIS_URL": f"redis://127.0.0.1:{cache_port}/0",
        "CELERY_BROKER_URL": broker_url,
        "CELERY_RESULT_BACKEND": broker_url,
        "AWS_S3_ENDPOINT_URL": f"http://127.0.0.1:{s3_port}",
        "AWS_S3_ADDRESSING_STYLE": "path",
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_ACCESS_KEY_ID": "e2e",
        "AWS_SECRET_ACCESS_KEY": "e2e-secret",
        "EXPORTS_S3_BUCKET": "e2e-exports",
        "EXPORTS_ROW_LIMIT": str(ROW_LIMIT),
        "EXPORTS_STREAM_MAX_ROWS": str(ROW_LIMIT),
        "EXPORTS_STALE_AFTER_SECONDS": str(STALE_AFTER_SECONDS),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    stack = Stack(cwd=project, env=env, log_dir=root / "logs")
    e2e = E2EStack(
        stack=stack,
        project=project,
        python=python,
        env=env,
        base_url=f"http://127.0.0.1:{web_port}",
        s3_url=f"http://127.0.0.1:{s3_port}",
        cache_port=cache_port,
        worker_tmp=worker_tmp,
    )
    py, tmp = shlex.quote(str(python)), shlex.quote(str(root))
    e2e.commands = {
        "cache": (
            f"redis-server --bind 127.0.0.1 --port {cache_port} --save '' --appendonly no "
            f"--daemonize no --dir {tmp}",
            {},
        ),
        "s3": (f"{py} -m moto.server -H 127.0.0.1 -p {s3_port}", {}),
        "web": (
            # The production set-up (config/gunicorn.py), with two workers for this 2-core machine.
            f"{py} -m gunicorn -c config/gunicorn.py config.wsgi --bind 127.0.0.1:{web_port} --workers 2",
            {},
        ),
        # Its own TMPDIR, so a test can see whether a failed export left a file behind.
        "worker": (
            f"{py} -m celery -A config worker --loglevel info --concurrency 2 --hostname e2e-{web_port}@%h",
            {"TMPDIR": str(worker_tmp)},
        ),
        "beat": (f"{py} -m celery -A config beat --loglevel info --schedule {tmp}/celerybeat-schedule", {}),
    }

    if not own_broker:
        flush_broker(python, project, broker_url)
    with stack:
        try:
            for name in ("cache", "s3"):
                e2e.start(name)
            e2e.manage("migrate", "--no-input", "-v", "0")
            e2e.manage("collectstatic", "--no-input", "-v", "0")
            e2e.manage(
                "createsuperuser",
                "--no-input",
                "--username",
                ADMIN[0],
                "--email",
                "admin@example.com",
                env={"DJANGO_SUPERUSER_PASSWORD": ADMIN[1]},
            )
            for (username, password), is_staff in ((OTHER, False), (STAFF, True)):
                e2e.manage(
                    "shell",
                    "-c",
                    "import os; from django.contrib.auth import get_user_model; "
                    "get_user_model().objects.create_user(username=os.environ['E2E_USERNAME'], "
                    "password=os.environ['E2E_PASSWORD'], is_staff=os.environ['E2E_STAFF'] == 'y')",
                    env={"E2E_USERNAME": username, "E2E_PASSWORD": password, "E2E_STAFF": "yn"[not is_staff]},
                )
            seeded = time.monotonic()
            seed_output = e2e.manage("seed_demo_data", "--logs", str(logs), timeout=900)
            print(
                f"\n[e2e] seeded {logs} reward logs in {time.monotonic() - seeded:.1f}s: "
                f"{seed_output.strip().splitlines()[-1]}"
            )
            e2e.manage("create_export_bucket")
            for name in ("web", "worker", "beat"):
                e2e.start(name)
            e2e.admin = ApiClient(e2e.base_url, *ADMIN)
            print(f"[e2e] stack up in {time.monotonic() - started:.1f}s (logs in {stack.log_dir})")
            yield e2e
        finally:
            if not own_broker:
                flush_broker(python, project, broker_url)


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium(e2e_services):
    """Debian's headless Chromium driven by Playwright (never `playwright install`)."""
    if not CHROMIUM.exists():
        pytest.skip(f"browser test not run: {CHROMIUM} is missing here (.ci/install-browser installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """When an end-to-end test fails, show the end of each process's log with the failure."""
    outcome = yield
    report = outcome.get_result()
    e2e = item.funcargs.get("e2e") if hasattr(item, "funcargs") else None
    if report.failed and isinstance(e2e, E2EStack):
        for name in e2e.commands:
            tail = "\n".join(e2e.log(name).splitlines()[-40:])
            report.sections.append((f"{name} log (last 40 lines)", tail or "(empty)"))

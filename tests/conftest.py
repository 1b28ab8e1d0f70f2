from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import socket
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tools.interpreters import (
    DEFAULT_DJANGO_VERSION,
    DEFAULT_PYTHON_VERSION,
    TEMPLATE_DIR,
    MissingInterpreter,
    find_interpreter,
)
from tools.project import (
    CACHE_DIR,
    DJANGO_PIN,
    LOCK_FILE,
    bake,
    ensure_project_venv,
    exclusive,
)

# `make test` runs this suite; its variables would make every `make` the tests run in a bake a
# sub-make that prints "make[1]: Leaving directory ..." after the output the tests read. The
# baked projects' commands run as a developer's would, outside any make.
for _variable in ("MAKELEVEL", "MAKEFLAGS", "MFLAGS", "MAKEOVERRIDES"):
    os.environ.pop(_variable, None)

POSTGRES_URL = os.environ.get("TEMPLATE_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_SERVER = os.environ.get("TEMPLATE_REDIS_SERVER", "redis://127.0.0.1:6379")
# `make test` runs the suite on pytest-xdist workers gw0, gw1, ...; a run without xdist is gw0.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
WORKER_INDEX = int(WORKER.removeprefix("gw"))
# The machine's Redis databases the template's tests use, one set per worker: each one a test may
# flush is its own, so tests running side by side never flush each other's. Redis has 16 (0-15);
# 0, a developer's default, is never used. The first set is the one a run without xdist uses.
REDIS_DATABASES = (
    {"suite": 15, "e2e": 14, "ci_github": 12, "ci_gitlab": 11, "developer": 10},
    {"suite": 9, "e2e": 8, "ci_github": 7, "ci_gitlab": 6, "developer": 5},
    {"suite": 4, "e2e": 3, "ci_github": 2, "ci_gitlab": 1, "developer": 13},
)
try:
    _REDIS_DBS = REDIS_DATABASES[WORKER_INDEX]
except IndexError:
    raise pytest.UsageError(
        f"At most {len(REDIS_DATABASES)} test workers (-n): each needs Redis databases of its own."
    ) from None
REDIS_URL = f"{REDIS_SERVER}/{_REDIS_DBS['suite']}"  # the generated suite on real services
E2E_REDIS_URL = f"{REDIS_SERVER}/{_REDIS_DBS['e2e']}"  # the end-to-end suite's Celery broker
# A developer's own data, which `make test` must leave alone.
DEVELOPER_REDIS_URL = f"{REDIS_SERVER}/{_REDIS_DBS['developer']}"
CI_REDIS_URLS = {  # the emulated CI jobs
    "github": f"{REDIS_SERVER}/{_REDIS_DBS['ci_github']}",
    "gitlab": f"{REDIS_SERVER}/{_REDIS_DBS['ci_gitlab']}",
}


def mypy_env(project: Path) -> dict[str, str]:
    """`MYPY_CACHE_DIR` for a bake's lint, read when the lint runs (`make app` adds apps).

    The caches live outside the checkout, so every clone shares them, and are kept across runs:
    the stubs (Django, DRF, boto3) are read once, not for every bake (about 45 s a bake). One per
    worker, so two mypy runs never write one cache; per Django version, whose lock pins its own
    mypy and stubs; and per set of apps: the Django plugin makes `apps/users/models.py` depend on
    every app whose models point at the user, so a cache written with an app that a later bake
    lacks fails that bake ("Cannot find ... apps.reward_logs.models").
    """
    django = DJANGO_PIN.search((project / LOCK_FILE).read_text())
    assert django is not None, f"{project / LOCK_FILE} pins no django"
    apps = sorted(path.parent.name for path in (project / "apps").glob("*/models.py"))
    cache = CACHE_DIR / f"mypy-{WORKER}" / f"django{django.group(1)}-{'-'.join(apps)}"
    return {"MYPY_CACHE_DIR": str(cache)}


# A test's summary (a table, timings) shown after the run; `-s` cannot show a worker's output.
SUMMARY = "summary"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The end-to-end tests share one running stack (a session fixture, tests/e2e/conftest.py):
    under xdist they all run on one worker (`--dist loadgroup`), in one group."""
    for item in items:
        if item.get_closest_marker("e2e"):
            item.add_marker(pytest.mark.xdist_group("e2e"))


def pytest_configure(config: pytest.Config) -> None:
    """Refuse `--dist loadgroup` where it cannot group (each group would run on every worker)."""
    version = tuple(int(part) for part in pytest.__version__.split(".")[:2])
    if config.getoption("dist", default="no") == "loadgroup" and version >= (9, 2):
        raise pytest.UsageError(
            f"pytest {pytest.__version__}: pytest-xdist's --dist loadgroup does not group tests under "
            "pytest 9.2 and later; install the template's requirements.txt (make test does)."
        )


def reachable(host: str, port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex((host, port)) == 0


def run(args: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 600) -> str:
    """Run a command in a baked project; fail the test with its output if it fails."""
    result = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"{' '.join(map(str, args))} failed in {cwd}:\n{output[-4000:]}"
    return output


@pytest.fixture(scope="session")
def run_folder(request, tmp_path_factory) -> Path:
    """A folder of this run's that every worker sees: the run's temporary root under xdist (a
    worker's own folder is a subfolder of it), else the run's own temporary folder."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if hasattr(request.config, "workerinput") else base


@pytest.fixture(scope="session")
def shared_bake(run_folder) -> Callable[..., Path]:
    """`shared_bake(**answers)`: one bake of these answers for the whole run, for tests that only
    read it (and run its tools, which write nothing but caches); a test that changes its project
    bakes its own into tmp_path.

    Every worker of a run finds the same folder (the run's temporary root); a file lock lets
    the first one bake it and the others wait for it.
    """
    root = run_folder / "shared-bakes"

    questions = json.loads((TEMPLATE_DIR / "cookiecutter.json").read_text())
    defaults = {key: value[0] if isinstance(value, list) else value for key, value in questions.items()}

    def shared(**answers: str) -> Path:
        # Named by the answers that differ from the defaults: one bake whichever way it is asked for.
        changed = sorted((key, value) for key, value in answers.items() if defaults.get(key) != value)
        name = "-".join(f"{key}_{value}" for key, value in changed) or "defaults"
        folder = root / name
        done = folder / "baked"
        with exclusive(root / f"{name}.lock"):
            if not done.exists():
                shutil.rmtree(folder, ignore_errors=True)
                done.parent.mkdir(parents=True)
                done.write_text(str(bake(folder / "output", **answers)))
        return Path(done.read_text())

    return shared


@pytest.fixture(scope="session")
def python_for(shared_bake):
    """`python_for("3.12")`: that version's shared virtualenv python (installed from the lock once);
    `python_for("3.12", "6.1")` the one with that Django version's lock.

    Skips, naming the version and where it looked, when this machine has no such interpreter.
    """

    pythons: dict[tuple[str, str], Path] = {}

    def venv_python(version: str, django_version: str = DEFAULT_DJANGO_VERSION) -> Path:
        try:
            find_interpreter(version)
        except MissingInterpreter as missing:
            pytest.skip(f"Python {version} not tested: {missing}")
        key = (version, django_version)
        if key not in pythons:
            project = shared_bake(python_version=version, django_version=django_version)
            pythons[key] = ensure_project_venv(project, version)
        return pythons[key]

    return venv_python


@pytest.fixture(scope="session")
def project_python(python_for) -> Path:
    """The default Python's shared virtualenv, with the default bake's lock installed."""
    return python_for(DEFAULT_PYTHON_VERSION)


@pytest.fixture
def summary(record_property) -> Callable[[str], None]:
    """`summary(text)`: show `text` after the run, under the test's name (also under xdist)."""
    return lambda text: record_property(SUMMARY, text)


def pytest_terminal_summary(terminalreporter) -> None:
    for report in terminalreporter.getreports("passed") + terminalreporter.getreports("failed"):
        for name, text in report.user_properties:
            if name == SUMMARY and report.when == "call":
                terminalreporter.write_sep("-", report.nodeid)
                terminalreporter.write_line(text)


@pytest.fixture(scope="session")
def services_available() -> None:
    if not (reachable("127.0.0.1", 5432) and reachable("127.0.0.1", 6379)):
        pytest.skip(
            "PostgreSQL (127.0.0.1:5432) or Redis (127.0.0.1:6379) is not running: "
            "the tests against real services were not run. .ci/run starts them."
        )


def _postgres_admin(python: Path, statement: str) -> None:
    code = (
        "import sys, psycopg\n"
        "with psycopg.connect(sys.argv[1], autocommit=True, connect_timeout=5) as c:\n"
        "    c.execute(sys.argv[2])\n"
    )
    run([python, "-c", code, POSTGRES_URL, statement], python.parent, timeout=60)


@contextlib.contextmanager
def temporary_postgres_database(python: Path, prefix: str) -> Iterator[str]:
    """A fresh PostgreSQL database for one baked project, dropped afterwards whatever happens."""
    name = f"{prefix}_{secrets.token_hex(4)}"
    _postgres_admin(python, f'CREATE DATABASE "{name}"')
    try:
        yield f"{POSTGRES_URL.rsplit('/', 1)[0]}/{name}"
    finally:
        _postgres_admin(python, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tools.interpreters import (
    DEFAULT_DJANGO_VERSION,
    DEFAULT_PYTHON_VERSION,
    MissingInterpreter,
    find_interpreter,
)
from tools.project import bake, ensure_project_venv

# `make test` runs this suite; its variables would make every `make` the tests run in a bake a
# sub-make that prints "make[1]: Leaving directory ..." after the output the tests read. The
# baked projects' commands run as a developer's would, outside any make.
for _variable in ("MAKELEVEL", "MAKEFLAGS", "MFLAGS", "MAKEOVERRIDES"):
    os.environ.pop(_variable, None)

POSTGRES_URL = os.environ.get("TEMPLATE_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_SERVER = os.environ.get("TEMPLATE_REDIS_SERVER", "redis://127.0.0.1:6379")
# The machine's Redis databases the template's tests use; each one a test may flush is its own,
# so tests running side by side never flush each other's (the e2e suite's broker uses 14).
REDIS_URL = f"{REDIS_SERVER}/15"  # the generated suite on real services
DEVELOPER_REDIS_URL = f"{REDIS_SERVER}/10"  # a developer's own data, which `make test` must leave alone
CI_REDIS_URLS = {"github": f"{REDIS_SERVER}/12", "gitlab": f"{REDIS_SERVER}/11"}  # the emulated CI jobs


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
def python_for(tmp_path_factory):
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
            project = bake(
                tmp_path_factory.mktemp(f"venv-bake-py{version}-django{django_version}"),
                python_version=version,
                django_version=django_version,
            )
            pythons[key] = ensure_project_venv(project, version)
        return pythons[key]

    return venv_python


@pytest.fixture(scope="session")
def project_python(python_for) -> Path:
    """The default Python's shared virtualenv, with the default bake's lock installed."""
    return python_for(DEFAULT_PYTHON_VERSION)


@pytest.fixture(scope="session")
def default_project(tmp_path_factory) -> Path:
    return bake(tmp_path_factory.mktemp("default"))


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

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tools.project import bake, ensure_project_venv

POSTGRES_URL = os.environ.get("TEMPLATE_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("TEMPLATE_REDIS_URL", "redis://127.0.0.1:6379/15")


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
def project_python(tmp_path_factory) -> Path:
    """The shared virtualenv's python, with the default bake's dependencies installed."""
    return ensure_project_venv(bake(tmp_path_factory.mktemp("venv-bake")))


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

"""Run each baked project's own test suite and lint, through its own Makefile.

On SQLite: with and without the example apps on the default Python, and the full example
bake once on every other offered Python, on that interpreter (its own cached virtualenv);
Django 6.1 with and without the example apps on Python 3.12 and 3.13.
The default project also runs `make test-services` on PostgreSQL + Redis.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import POSTGRES_URL, REDIS_URL, run
from tools.interpreters import DEFAULT_DJANGO_VERSION, DEFAULT_PYTHON_VERSION, PYTHON_VERSIONS
from tools.project import bake

SUMMARY = re.compile(r"(\d+) passed")

LTS = DEFAULT_DJANGO_VERSION
SUITES = [
    ("y", DEFAULT_PYTHON_VERSION, LTS),
    ("n", DEFAULT_PYTHON_VERSION, LTS),
    *[("y", version, LTS) for version in PYTHON_VERSIONS if version != DEFAULT_PYTHON_VERSION],
    *[(examples, version, "6.1") for version in ("3.12", "3.13") for examples in ("y", "n")],
]


def passed_count(output: str) -> int:
    summary = output.strip().splitlines()[-1]
    match = SUMMARY.search(summary)
    assert match, f"no pytest summary in:\n{output[-2000:]}"
    assert "skipped" not in summary, summary
    return int(match.group(1))


def make(project: Path, python: Path, *targets: str, env: dict[str, str] | None = None) -> str:
    """`make <targets>` in a baked project, with the shared virtualenv as its VENV."""
    return run(["make", *targets, f"VENV={python.parent.parent}"], project, env=env)


@pytest.mark.parametrize(
    ("examples", "version", "django"), SUITES, ids=[f"examples_{e}-py{v}-django{d}" for e, v, d in SUITES]
)
def test_baked_project_lints_and_passes_its_suite_on_its_python(
    tmp_path, python_for, examples, version, django
):
    python = python_for(version, django)
    project = bake(tmp_path, include_example_apps=examples, python_version=version, django_version=django)

    make(project, python, "lint")
    output = make(project, python, "test")
    version_line = run([python, "--version"], project).strip()
    django_line = run([python, "-m", "django", "--version"], project).strip()

    print(
        f"examples={examples} on {version_line}, Django {django_line} ({python}): "
        f"{passed_count(output)} passed on SQLite"
    )
    assert version_line.startswith(f"Python {version}.")
    assert django_line.startswith(f"{django}.")
    assert passed_count(output) > 0


def test_default_project_suite_passes_on_postgresql_and_redis(tmp_path, project_python, services_available):
    project = bake(tmp_path)
    # pytest-django creates (and drops) test_<this name>; the name itself is never touched.
    database = POSTGRES_URL.rsplit("/", 1)[0] + f"/template_{tmp_path.name.replace('-', '_')}"
    services = {"TEST_DATABASE_URL": database, "TEST_REDIS_URL": REDIS_URL}

    output = make(project, project_python, "test-services", env=services)

    print(f"default project: {passed_count(output)} passed on PostgreSQL + Redis")
    vendor = run(
        [
            project_python,
            "manage.py",
            "shell",
            "-c",
            "from django.db import connection; print(connection.vendor)",
        ],
        project,
        env={"DJANGO_SETTINGS_MODULE": "config.settings.test", **services},
    )
    assert vendor.strip().splitlines()[-1] == "postgresql"

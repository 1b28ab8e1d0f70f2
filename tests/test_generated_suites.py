"""Run each baked project's own test suite through its own Makefile, on its own Python.

On SQLite: with and without the example apps on the default Python, and the full example
bake once on every other offered Python, on that interpreter (its own cached virtualenv);
Django 6.1 with and without the example apps on Python 3.12 and 3.13.
Each is a bake of the matrix (tests/test_bake.py), shared with it: its `make lint` runs there.
The default project also runs `make test-services` on PostgreSQL + Redis.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import POSTGRES_URL, REDIS_URL, WORKER, run
from tests.test_bake import MATRIX, matrix_id
from tools.interpreters import DEFAULT_DJANGO_VERSION, DEFAULT_PYTHON_VERSION, PYTHON_VERSIONS

SUMMARY = re.compile(r"(\d+) passed")


def matrix_bake(examples: str, version: str, django: str = DEFAULT_DJANGO_VERSION) -> dict[str, str]:
    """The first bake of the matrix with these example apps on this Python and Django."""
    return next(
        answers
        for answers in MATRIX
        if answers["include_example_apps"] == examples
        and answers["python_version"] == version
        and answers.get("django_version", DEFAULT_DJANGO_VERSION) == django
    )


SUITES = [
    matrix_bake("y", DEFAULT_PYTHON_VERSION),
    matrix_bake("n", DEFAULT_PYTHON_VERSION),
    *[matrix_bake("y", version) for version in PYTHON_VERSIONS if version != DEFAULT_PYTHON_VERSION],
    *[matrix_bake(examples, version, "6.1") for version in ("3.12", "3.13") for examples in ("y", "n")],
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


@pytest.mark.parametrize("answers", SUITES, ids=matrix_id)
def test_baked_project_passes_its_suite_on_its_python(shared_bake, python_for, answers):
    version = answers["python_version"]
    django = answers.get("django_version", DEFAULT_DJANGO_VERSION)
    python = python_for(version, django)
    project = shared_bake(**answers)

    output = make(project, python, "test")
    version_line = run([python, "--version"], project).strip()
    django_line = run([python, "-m", "django", "--version"], project).strip()

    print(f"{matrix_id(answers)} on {version_line} ({python}): {passed_count(output)} passed on SQLite")
    assert version_line.startswith(f"Python {version}.")
    assert django_line.startswith(f"{django}.")
    assert passed_count(output) > 0


def test_default_project_suite_passes_on_postgresql_and_redis(
    shared_bake, project_python, services_available
):
    project = shared_bake()
    # pytest-django creates (and drops) test_<this name>; the name itself is never touched.
    database = POSTGRES_URL.rsplit("/", 1)[0] + f"/template_suite_{WORKER}"
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

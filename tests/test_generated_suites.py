"""Run each baked project's own test suite: on SQLite, and the default one on PostgreSQL + Redis."""

from __future__ import annotations

import re

import pytest

from tests.conftest import POSTGRES_URL, REDIS_URL, run
from tools.project import bake

SUMMARY = re.compile(r"(\d+) passed")


def passed_count(output: str) -> int:
    match = SUMMARY.search(output.splitlines()[-1])
    assert match, f"no pytest summary in:\n{output[-2000:]}"
    assert "skipped" not in output.splitlines()[-1], output.splitlines()[-1]
    return int(match.group(1))


@pytest.mark.parametrize("examples", ["y", "n"])
def test_baked_project_suite_passes_on_sqlite(tmp_path, project_python, examples):
    project = bake(tmp_path, include_example_apps=examples)

    output = run([project_python, "-m", "pytest", "-q", "-p", "no:randomly"], project)

    print(f"examples={examples}: {passed_count(output)} passed on SQLite")
    assert passed_count(output) > 0


def test_default_project_suite_passes_on_postgresql_and_redis(tmp_path, project_python, services_available):
    project = bake(tmp_path)
    database = POSTGRES_URL.rsplit("/", 1)[0] + f"/template_{tmp_path.name.replace('-', '_')}"

    output = run(
        [project_python, "-m", "pytest", "-q"],
        project,
        env={"DATABASE_URL": database, "REDIS_URL": REDIS_URL},
    )

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
        env={"DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": database},
    )
    assert vendor.strip().splitlines()[-1] == "postgresql"

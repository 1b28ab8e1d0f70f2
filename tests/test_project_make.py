"""The baked project's own tools: `make format` leaves code that `make lint` accepts, the import
contracts refuse imports against the layers, and the ports of `make run` and `make s3` move."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import MYPY_CACHE_DIR, run
from tools.project import bake

# A line ruff format splits (E501 until then) and imports ruff check --fix sorts and drops.
UNTIDY_MODULE = """import sys
import os

GREETINGS = {"first": "hello there", "second": "good morning to you", "third": "good evening to you all"}
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return bake(tmp_path_factory.mktemp("make"), include_example_apps="n")


def make(project: Path, project_python: Path, *args: str) -> str:
    venv = project_python.parent.parent
    return run(["make", *args, f"VENV={venv}"], project, env={"MYPY_CACHE_DIR": str(MYPY_CACHE_DIR)})


def test_make_format_fixes_a_long_line_and_untidy_imports_then_make_lint_passes(project, project_python):
    untidy = project / "apps" / "users" / "greetings.py"
    untidy.write_text(UNTIDY_MODULE)
    assert max(len(line) for line in UNTIDY_MODULE.splitlines()) > 100

    make(project, project_python, "format")

    tidy = untidy.read_text()
    assert max(len(line) for line in tidy.splitlines()) <= 100
    assert "import os" not in tidy
    assert "import sys" not in tidy
    assert '"third": "good evening to you all"' in tidy
    make(project, project_python, "lint")


def test_make_run_and_make_s3_take_their_ports_from_the_command_line(project, project_python):
    assert "runserver 127.0.0.1:8000" in make(project, project_python, "-n", "run")
    assert "runserver 127.0.0.1:8123" in make(project, project_python, "-n", "run", "PORT=8123")
    assert "-p 5000" in make(project, project_python, "-n", "s3")
    assert "-p 5123" in make(project, project_python, "-n", "s3", "S3_PORT=5123")


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        (
            "apps/missions/admin.py",
            "from apps.reward_logs import selectors",
            "apps.missions is not allowed to import apps.reward_logs",
        ),
        (
            "apps/common/health.py",
            "import apps.users.models",
            "apps.common is not allowed to import apps.users",
        ),
        (
            "apps/missions/models.py",
            "from apps.missions import views",
            "apps.missions.models is not allowed to import apps.missions.views",
        ),
    ],
    ids=["example-apps-cycle", "common-imports-an-app", "models-import-views"],
)
def test_import_contracts_refuse_an_import_against_the_layers(tmp_path, project_python, module, line, broken):
    project = bake(tmp_path, include_example_apps="y")
    path = project / module
    path.write_text(f"{path.read_text()}{line}  # noqa: E402, F401\n")

    result = subprocess.run(
        [project_python.parent / "lint-imports"], cwd=project, capture_output=True, text=True, timeout=120
    )

    assert result.returncode != 0
    assert broken in result.stdout

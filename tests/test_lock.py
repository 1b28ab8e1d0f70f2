"""The generated project's lock: exact pins, in step with pyproject.toml and with every tool."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml

from tools.project import TEMPLATE_DIR, bake

DEV_ONLY = ("pytest", "ruff", "mypy", "pre-commit", "uv")


def pins(lock_file: Path) -> dict[str, str]:
    lines = [line for line in lock_file.read_text().splitlines() if line and not line.startswith((" ", "#"))]
    for line in lines:
        assert re.fullmatch(r"[a-z0-9][a-z0-9._-]*==[^\s;]+( ; .+)?", line), f"not an exact pin: {line!r}"
    return {line.split("==")[0]: line.split("==")[1].split(" ;")[0] for line in lines}


def check_lock(project: Path, python: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(python), "scripts/check_lock.py"], cwd=project, capture_output=True, text=True, timeout=60
    )


@pytest.fixture(scope="module")
def baked(shared_bake) -> Path:
    return shared_bake()


def test_the_lock_pins_exact_versions_and_the_runtime_lock_only_runtime_ones(baked):
    dev, runtime = pins(baked / "requirements-dev.txt"), pins(baked / "requirements.txt")

    print(f"lock: {len(dev)} packages pinned with the dev tools, {len(runtime)} at runtime")
    assert {"django", "celery", "psycopg", "boto3"} <= set(runtime)
    assert set(runtime) < set(dev)
    assert all(dev[name] == version for name, version in runtime.items())
    assert not set(DEV_ONLY) & set(runtime), set(DEV_ONLY) & set(runtime)


def test_lock_check_passes_on_the_bake_and_names_each_disagreement(baked, project_python, tmp_path):
    assert check_lock(baked, project_python).returncode == 0

    project = bake(tmp_path)
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text()
    assert '"django>=5.2,<5.3",' in text
    text = text.replace('"django>=5.2,<5.3",', '"django>=6.0",\n    "django-unlocked-extension>=1.0",')
    pyproject.write_text(text)
    runtime_lock = project / "requirements.txt"
    django_pin = f"django=={pins(runtime_lock)['django']}"
    runtime_lock.write_text(runtime_lock.read_text().replace(django_pin, "django==5.2.0"))

    result = check_lock(project, project_python)

    django_version = django_pin.split("==")[1]
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"requirements-dev.txt pins django=={django_version}, outside 'django>=6.0'",
        "django-unlocked-extension is in pyproject.toml, not pinned in requirements-dev.txt",
        "requirements.txt pins django==5.2.0, outside 'django>=6.0'",
        "django-unlocked-extension is in pyproject.toml, not pinned in requirements.txt",
        "requirements.txt pins django ['5.2.0'], requirements-dev.txt does not",
        "The lock is out of date: run `make lock` and commit the result.",
    ]


def test_every_tool_runs_the_locked_version(baked):
    dev = pins(baked / "requirements-dev.txt")
    template_requirements = (TEMPLATE_DIR / "requirements.txt").read_text()
    hooks = yaml.safe_load((baked / ".pre-commit-config.yaml").read_text())

    # The template's `make lock` resolves with the uv the lock pins for the project's own `make lock`.
    assert f"\nuv=={dev['uv']}\n" in template_requirements
    # Pre-commit runs the virtualenv's tools, installed from the lock; nothing is fetched.
    assert [repo["repo"] for repo in hooks["repos"]] == ["local"]
    for hook in hooks["repos"][0]["hooks"]:
        assert hook["language"] == "system" and hook["entry"].startswith(".venv/bin/"), hook
    assert {"ruff", "pre-commit", "pre-commit-hooks"} <= set(dev)
    dockerfile = (baked / "Dockerfile").read_text()
    assert "RUN pip install -r requirements.txt\n" in dockerfile
    assert "pip install ." not in dockerfile

"""The generated project's lock: exact pins, in step with pyproject.toml and with every tool."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from tools.interpreters import DJANGO_VERSIONS, oldest_python_for
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


def release(version: str) -> str:
    """ "6.1.3" -> "6.1": the Django release (and its stubs' release) a version belongs to."""
    return ".".join(version.split(".")[:2])


@pytest.fixture(scope="module", params=DJANGO_VERSIONS, ids=lambda version: f"django{version}")
def baked(request, shared_bake) -> Path:
    """A bake of each Django version, on the oldest Python it runs on (its lock's target)."""
    django_version = request.param
    return shared_bake(django_version=django_version, python_version=oldest_python_for(django_version))


def django_of(project: Path) -> str:
    return json.loads((project / ".cruft.json").read_text())["context"]["cookiecutter"]["django_version"]


def test_the_lock_pins_exact_versions_and_the_runtime_lock_only_runtime_ones(baked):
    dev, runtime = pins(baked / "requirements-dev.txt"), pins(baked / "requirements.txt")

    print(
        f"lock ({django_of(baked)}): {len(dev)} packages pinned with the dev tools, {len(runtime)} at runtime"
    )
    assert {"django", "celery", "psycopg", "boto3"} <= set(runtime)
    assert set(runtime) < set(dev)
    assert all(dev[name] == version for name, version in runtime.items())
    assert not set(DEV_ONLY) & set(runtime), set(DEV_ONLY) & set(runtime)


def test_each_django_version_has_its_own_lock_with_the_stubs_of_its_release(baked):
    django_version = django_of(baked)
    dev, runtime = pins(baked / "requirements-dev.txt"), pins(baked / "requirements.txt")

    assert release(runtime["django"]) == release(dev["django"]) == django_version
    # Django 6.1's stubs are its own release's; 5.2's code is typed against the newer stubs, whose
    # 5.2 release reports errors in it (the move to them is still to do).
    stubs = tuple(map(int, release(dev["django-stubs"]).split(".")))
    assert stubs >= tuple(map(int, django_version.split(".")))
    if django_version != "5.2":
        assert release(dev["django-stubs"]) == django_version
    # Django 6 has the Content Security Policy built in; 5.2 uses django-csp.
    assert ("django-csp" in runtime) == (django_version == "5.2")
    # The bake keeps its own lock only, where pip and uv look for it.
    assert not (baked / "locks").exists()
    template_locks = TEMPLATE_DIR / "{{cookiecutter.project_slug}}" / "locks"
    assert sorted(path.name for path in template_locks.iterdir()) == [f"django-{v}" for v in DJANGO_VERSIONS]


def test_lock_check_passes_on_the_bake(baked, project_python):
    result = check_lock(baked, project_python)

    assert result.returncode == 0, result.stderr


def test_lock_check_names_each_disagreement(project_python, tmp_path):
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

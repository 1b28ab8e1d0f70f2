"""Every offered Python version: the files of a bake that name it agree.

The generated suite, `make lint`, and the CI files run on each version's own interpreter in
tests/test_generated_suites.py and tests/test_ci_files.py (a skip naming the version when its
interpreter is missing; `.ci/run` refuses to start without all of them).
"""

from __future__ import annotations

import re
import tomllib

import pytest

from tests.ci_emulator import github_jobs, gitlab_jobs
from tools.interpreters import DEFAULT_PYTHON_VERSION, PYTHON_VERSIONS


def first_match(pattern: str, text: str) -> str:
    match = re.search(pattern, text, re.MULTILINE)
    assert match, f"{pattern!r} not found"
    return match.group(1)


@pytest.mark.parametrize("version", PYTHON_VERSIONS)
def test_makefile_dockerfile_ci_and_pyproject_follow_the_python_answer(shared_bake, version):
    github = shared_bake(python_version=version, ci_provider="github", use_docker="y")
    gitlab = shared_bake(python_version=version, ci_provider="gitlab", use_docker="n")
    pyproject = tomllib.loads((github / "pyproject.toml").read_text())
    makefile = (github / "Makefile").read_text()
    workflow = github / ".github" / "workflows" / "ci.yml"

    found = {
        "Makefile PYTHON": first_match(r"^PYTHON \?= python(\S+)$", makefile),
        "Makefile lock --python-version": first_match(r"--python-version (\S+)", makefile),
        "Dockerfile FROM": first_match(r"^FROM python:(\S+)-slim$", (github / "Dockerfile").read_text()),
        "GitHub setup-python": {job.python_version for job in github_jobs(workflow)},
        "GitLab image": {job.python_version for job in gitlab_jobs(gitlab / ".gitlab-ci.yml", gitlab)},
        "requires-python": pyproject["project"]["requires-python"],
        "ruff target-version": pyproject["tool"]["ruff"]["target-version"],
        "mypy python_version": pyproject["tool"]["mypy"]["python_version"],
    }

    assert found == {
        "Makefile PYTHON": version,
        "Makefile lock --python-version": version,
        "Dockerfile FROM": version,
        "GitHub setup-python": {version},
        "GitLab image": {version},
        "requires-python": f">={version}",
        "ruff target-version": f"py{version.replace('.', '')}",
        "mypy python_version": version,
    }


def test_the_default_answer_is_the_oldest_offered_version():
    """The lock is resolved from the default bake for it and every newer version."""
    oldest = min(PYTHON_VERSIONS, key=lambda version: tuple(map(int, version.split("."))))
    assert oldest == DEFAULT_PYTHON_VERSION

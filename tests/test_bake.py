"""Bake every supported combination of the options and prove each one is a working project."""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import secrets
from pathlib import Path

import pytest

from tests.conftest import POSTGRES_URL, mypy_env, run
from tools.interpreters import DEFAULT_DJANGO_VERSION

EXAMPLE_APPS = ("y", "n")
DOCKER = ("y", "n")
CI_PROVIDERS = ("github", "gitlab", "none")
PYTHON_VERSIONS = ("3.11", "3.12", "3.13")

# Every yes/no and choice combination; the Python version is sampled round-robin so each
# version is baked several times without multiplying the matrix by three.
MATRIX = [
    {
        "include_example_apps": examples,
        "use_docker": docker,
        "ci_provider": ci,
        "python_version": PYTHON_VERSIONS[index % len(PYTHON_VERSIONS)],
    }
    for index, (examples, docker, ci) in enumerate(itertools.product(EXAMPLE_APPS, DOCKER, CI_PROVIDERS))
]
# Django 6.1 needs Python 3.12 or newer: with and without the example apps on each of those.
MATRIX += [
    {
        "include_example_apps": examples,
        "use_docker": "y",
        "ci_provider": "github",
        "python_version": version,
        "django_version": "6.1",
    }
    for examples, version in itertools.product(EXAMPLE_APPS, ("3.12", "3.13"))
]

FEATURE_FILES = {
    "examples": ["apps/missions", "apps/reward_logs"],
    "docker": ["Dockerfile", "docker-compose.yml", ".dockerignore"],
    "github": [".github/workflows/ci.yml"],
    "gitlab": [".gitlab-ci.yml"],
    "django_csp": ["apps/common/context_processors.py"],
}
# Words that may only appear in a project that has the feature.
FEATURE_WORDS = {
    "examples": re.compile(r"\bmissions\b|reward_logs|reward-logs|MissionRewardLog"),
    "docker": re.compile(r"docker", re.IGNORECASE),
    "github": re.compile(r"\.github|GitHub Actions"),
    "gitlab": re.compile(r"gitlab", re.IGNORECASE),
    # Django 6 has the Content Security Policy built in: no trace of django-csp.
    "django_csp": re.compile(r"django-csp|\bcsp\.(middleware|constants|decorators)|from csp\b"),
}
# The dev lock pins moto's dependency `docker` (a PyPI package), which is not the Docker feature.
FEATURE_WORD_EXEMPT = {"docker": {"requirements-dev.txt"}}
# Django templates (HTML pages, and `make app`'s *-tpl files) are copied without rendering, so their
# {{ }} and {% %} are Django's own.
UNRENDERED = re.compile(r"\{\{|\{%|cookiecutter")
# cruft's record of the bake: the answers by name ("use_docker": "n") under a "cookiecutter" key.
CRUFT_STATE = ".cruft.json"
# The dev lock pins cruft's dependency `cookiecutter`: there only Jinja's own marks are a fault.
UNRENDERED_JINJA = re.compile(r"\{\{|\{%")
LOCK_FILES = {"requirements.txt", "requirements-dev.txt"}
# What no lint or `manage.py check` reads: the Docker and CI files, the prose, cruft's record of the
# answers and the bake's own `.env` (a fresh secret key each bake; the checks set their own).
UNCHECKED_FILES = {"Dockerfile", "docker-compose.yml", ".dockerignore", ".gitlab-ci.yml", ".env", CRUFT_STATE}


def matrix_id(answers: dict[str, str]) -> str:
    bake_id = "examples_{include_example_apps}-docker_{use_docker}-ci_{ci_provider}-py{python_version}"
    django = answers.get("django_version")
    return bake_id.format(**answers) + (f"-django{django}" if django else "")


def text_of(path: Path) -> str:
    """A file's text; a compiled catalogue (.mo) is binary, with its messages in UTF-8."""
    if path.suffix == ".mo":
        return path.read_bytes().decode("utf-8", errors="replace")
    return path.read_text()


# What the tools write into a project (the bakes are shared: another test may have run them).
TOOL_CACHES = {"__pycache__", ".ruff_cache", ".mypy_cache", ".pytest_cache"}


def project_files(project: Path) -> list[Path]:
    return [path for path in project.rglob("*") if path.is_file() and not TOOL_CACHES & set(path.parts)]


def checked_sources_digest(project: Path, python: Path) -> str:
    """A digest of everything the lint and the Django checks below read, and of the virtualenv
    they run in: two bakes with one digest get one verdict, so the checks run once for both
    (the Docker and CI answers change no file they read)."""
    digest = hashlib.sha256(str(python).encode())
    for path in sorted(project_files(project)):
        relative = path.relative_to(project)
        if str(relative) in UNCHECKED_FILES or relative.parts[0] == ".github" or path.suffix == ".md":
            continue
        digest.update(f"{relative}\0".encode() + path.read_bytes() + b"\0")
    return digest.hexdigest()


def features_on(answers: dict[str, str]) -> dict[str, bool]:
    return {
        "examples": answers["include_example_apps"] == "y",
        "docker": answers["use_docker"] == "y",
        "github": answers["ci_provider"] == "github",
        "gitlab": answers["ci_provider"] == "gitlab",
        "django_csp": answers.get("django_version", DEFAULT_DJANGO_VERSION) == "5.2",
    }


def production_env() -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "backoffice.example.com",
        "DATABASE_URL": POSTGRES_URL,
        "REDIS_URL": "redis://127.0.0.1:6379/0",
    }


@pytest.mark.parametrize("answers", MATRIX, ids=matrix_id)
def test_bake_combination_renders_cleanly_and_passes_its_checks(shared_bake, python_for, run_folder, answers):
    """Each bake on its own Python; tests/test_generated_suites.py runs the suites of some of
    these same (shared) bakes, and relies on the `make lint` here."""
    project = shared_bake(**answers)
    django_version = answers.get("django_version", DEFAULT_DJANGO_VERSION)
    python = python_for(answers["python_version"], django_version)
    files = project_files(project)

    for path in files:
        relative = path.relative_to(project)
        assert not UNRENDERED.search(str(relative)), f"unrendered file name {relative}"
        if str(relative) == CRUFT_STATE:
            continue
        if ("templates" in relative.parts and path.suffix == ".html") or path.suffix.endswith("-tpl"):
            assert "cookiecutter" not in path.read_text(), f"unrendered text in {relative}"
            continue
        match = (UNRENDERED_JINJA if str(relative) in LOCK_FILES else UNRENDERED).search(text_of(path))
        assert match is None, f"unrendered {match.group()!r} in {relative}"

    for feature, on in features_on(answers).items():
        for relative in FEATURE_FILES[feature]:
            assert (project / relative).exists() == on, f"{relative} present={not on} with {feature}={on}"
        if not on:
            for path in files:
                relative = str(path.relative_to(project))
                if relative == CRUFT_STATE or relative in FEATURE_WORD_EXEMPT.get(feature, set()):
                    continue
                found = FEATURE_WORDS[feature].search(text_of(path))
                assert found is None, f"{path.relative_to(project)} mentions {found.group()!r}"

    readme = (project / "README.md").read_text()
    assert f"Baked with Django {django_version}, " in readme
    assert "long-term support (LTS)" in readme

    cruft_state = json.loads((project / CRUFT_STATE).read_text())
    assert cruft_state["commit"] and cruft_state["template"]
    assert {key: cruft_state["context"]["cookiecutter"][key] for key in answers} == answers

    # The same sources in the same virtualenv passed these checks already in this run (a bake
    # that differs only in its Docker or CI answers): that verdict is this bake's too.
    passed = run_folder / "checks-passed" / checked_sources_digest(project, python)
    if passed.exists():
        print(f"lint and Django checks: same sources as {passed.read_text()}, which passed them")
        return
    # ruff check, ruff format --check, mypy and the import contracts, as the project runs them.
    run(["make", "lint", f"VENV={python.parent.parent}"], project, env=mypy_env(project))
    run([python, "manage.py", "check", "--fail-level", "WARNING"], project)
    run([python, "manage.py", "makemigrations", "--check", "--dry-run"], project)
    run(
        [python, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        project,
        env=production_env(),
    )
    passed.parent.mkdir(exist_ok=True)
    passed.write_text(matrix_id(answers))

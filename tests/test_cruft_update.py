"""Template updates flow into baked projects: .cruft.json records the revision and the answers,
and `cruft update` merges a later template revision into a project that has changes of its own."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cookiecutter.main import cookiecutter

from tests.conftest import run
from tools.interpreters import DJANGO_VERSIONS, oldest_python_for
from tools.project import TEMPLATE_DIR

CRUFT = Path(sys.executable).parent / "cruft"
GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Template Test",
    "GIT_AUTHOR_EMAIL": "template-test@example.com",
    "GIT_COMMITTER_NAME": "Template Test",
    "GIT_COMMITTER_EMAIL": "template-test@example.com",
}
NOT_COPIED = shutil.ignore_patterns(
    ".git", ".venv", ".cache", ".demo", ".artifacts", "__pycache__", ".pytest_cache", ".ruff_cache"
)
TEMPLATE_NOTE = "Upgraded by the template's newer revision."
LOCAL_NOTE = "## Our team's notes\n\nKept across template updates.\n"


def git(cwd: Path, *args: str) -> str:
    return run(["git", *args], cwd, env=GIT_IDENTITY).strip()


def commit_all(cwd: Path, message: str) -> str:
    git(cwd, "add", "-A")
    git(cwd, "commit", "-q", "-m", message)
    return git(cwd, "rev-parse", "HEAD")


@pytest.fixture
def template_repo(tmp_path) -> tuple[Path, str]:
    """A copy of the template in a git repository of its own, committed once: the old revision."""
    template = tmp_path / "template"
    shutil.copytree(TEMPLATE_DIR, template, ignore=NOT_COPIED)
    git(template, "init", "-q", "-b", "main")
    return template, commit_all(template, "old revision")


# Each Django version on the oldest Python it runs on.
DJANGO_ANSWERS = {
    django_version: {"django_version": django_version, "python_version": oldest_python_for(django_version)}
    for django_version in DJANGO_VERSIONS
}


def bake_with(tool: str, template: Path, output_dir: Path, django_version: str) -> Path:
    """Bake the template copy's current revision the way a team would, with one tool or the other."""
    output_dir.mkdir()
    answers = {
        "include_example_apps": "n",
        "use_docker": "n",
        "ci_provider": "none",
        **DJANGO_ANSWERS[django_version],
    }
    if tool == "cookiecutter":
        return Path(
            cookiecutter(str(template), no_input=True, output_dir=str(output_dir), extra_context=answers)
        )
    command = [
        CRUFT,
        "create",
        "--no-input",
        "--output-dir",
        output_dir,
        "--extra-context",
        json.dumps(answers),
    ]
    run([*command, template], output_dir)
    return output_dir / "back_office"


def cruft_check(project: Path) -> int:
    return subprocess.run([CRUFT, "check"], cwd=project, capture_output=True, timeout=120).returncode


@pytest.mark.parametrize("django_version", DJANGO_VERSIONS, ids=lambda version: f"django{version}")
@pytest.mark.parametrize("tool", ["cookiecutter", "cruft create"])
def test_a_template_change_arrives_by_cruft_update_and_local_changes_survive(
    tmp_path, template_repo, tool, django_version
):
    template, old_commit = template_repo
    project = bake_with(tool, template, tmp_path / "baked", django_version)
    lock = (project / "requirements-dev.txt").read_text()

    state = json.loads((project / ".cruft.json").read_text())
    assert state["template"] == str(template)
    assert state["commit"] == old_commit
    assert state["context"]["cookiecutter"]["include_example_apps"] == "n"
    assert state["context"]["cookiecutter"]["project_slug"] == "back_office"
    assert state["context"]["cookiecutter"]["django_version"] == django_version
    assert f"\ndjango=={django_version}." in lock

    # The team commits the project and changes it: a note at the end of the README.
    git(project, "init", "-q", "-b", "main")
    commit_all(project, "baked")
    readme = project / "README.md"
    readme.write_text(readme.read_text() + "\n" + LOCAL_NOTE)
    commit_all(project, "our notes")
    local_secret = (project / ".env").read_text()

    # The template moves on: a line near the top of the same README and a new file.
    template_readme = template / "{{cookiecutter.project_slug}}" / "README.md"
    title, rest = template_readme.read_text().split("\n", 1)
    template_readme.write_text(f"{title}\n\n{TEMPLATE_NOTE}\n{rest}")
    (template / "{{cookiecutter.project_slug}}" / "UPGRADING.md").write_text(
        "# Upgrading {{ cookiecutter.project_name }}\n"
    )
    new_commit = commit_all(template, "new revision")
    assert cruft_check(project) != 0, "cruft check should report the project as out of date"

    run([CRUFT, "update", "-y"], project)

    updated = readme.read_text()
    assert TEMPLATE_NOTE in updated
    assert updated.endswith(LOCAL_NOTE)
    assert (project / "UPGRADING.md").read_text() == "# Upgrading Back Office\n"
    assert (project / ".env").read_text() == local_secret
    assert not list(project.rglob("*.rej"))
    # The update re-rendered this bake's Django version: its own lock, and no other's.
    assert (project / "requirements-dev.txt").read_text() == lock
    assert not (project / "locks").exists()
    assert json.loads((project / ".cruft.json").read_text())["commit"] == new_commit
    assert cruft_check(project) == 0

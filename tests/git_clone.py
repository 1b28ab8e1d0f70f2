"""A baked project as a team gets it: committed to a new git repository, then cloned fresh.

The clone holds only what was committed: no `.env` (git-ignored), no virtualenv. `link_venv`
gives it the shared virtualenv of its Python as `.venv`, the way a CI cache restores one.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run

GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Template Test",
    "GIT_AUTHOR_EMAIL": "template-test@example.com",
    "GIT_COMMITTER_NAME": "Template Test",
    "GIT_COMMITTER_EMAIL": "template-test@example.com",
}


def git(project: Path, *args: str) -> str:
    return run(["git", "-c", "init.defaultBranch=main", *args], project, env=GIT_IDENTITY)


def init_repository(project: Path) -> None:
    git(project, "init", "-q")
    git(project, "add", "-A")


def commit_and_clone(project: Path, clone_dir: Path) -> Path:
    """`git init`, commit everything, and clone the result into `clone_dir`."""
    init_repository(project)
    git(project, "commit", "-q", "-m", "Bake")
    run(["git", "clone", "-q", project, clone_dir], project.parent)
    return clone_dir


def link_venv(project: Path, python: Path) -> None:
    """The shared virtualenv whose interpreter is `python`, as the project's `.venv`."""
    (project / ".venv").symlink_to(python.parent.parent, target_is_directory=True)

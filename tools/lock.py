"""`make lock`: re-resolve the generated project's lock files, one pair per Django version.

For each Django version the template offers, bakes it on the oldest Python that version runs
on into a temporary folder, runs the baked project's own `make lock` there with the template's
pinned uv (requirements.txt), and copies `requirements.txt` and `requirements-dev.txt` back into
the template's `locks/django-<version>/` (the bake keeps its own version's pair, see
hooks/post_gen_project.py), with the baked project's name in uv's annotations turned back into
the cookiecutter expression. Pins that still satisfy pyproject.toml are kept; delete a line (or
the file) to let uv pick a newer version.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from tools.interpreters import DJANGO_VERSIONS, oldest_python_for
from tools.project import TEMPLATE_DIR, bake

TEMPLATE_PROJECT = TEMPLATE_DIR / "{{cookiecutter.project_slug}}"
LOCK_FILES = ("requirements-dev.txt", "requirements.txt")
# uv names the project in its "# via" annotations by its normalized distribution name.
PROJECT_NAME_IN_LOCK = "{{ cookiecutter.project_slug.replace('_', '-') }}"
LOCK_PROJECT_SLUG = "lock_project"


def lock_dir(django_version: str) -> Path:
    """Where the template keeps the lock files of one Django version."""
    return TEMPLATE_PROJECT / "locks" / f"django-{django_version}"


def main() -> int:
    uv = Path(sys.executable).parent / "uv"
    for django_version in DJANGO_VERSIONS:
        with tempfile.TemporaryDirectory() as output_dir:
            # The bake carries the template's lock: uv starts from it, so only what changed moves.
            project = bake(
                Path(output_dir),
                project_slug=LOCK_PROJECT_SLUG,
                django_version=django_version,
                python_version=oldest_python_for(django_version),
            )
            subprocess.run(["make", "lock", f"UV={uv}"], cwd=project, check=True)
            for name in LOCK_FILES:
                text = (project / name).read_text()
                text = text.replace(LOCK_PROJECT_SLUG.replace("_", "-"), PROJECT_NAME_IN_LOCK)
                (lock_dir(django_version) / name).write_text(text)
        print(f"Wrote {', '.join(LOCK_FILES)} in {lock_dir(django_version).relative_to(TEMPLATE_DIR)}/.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

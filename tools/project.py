"""Bake the template and prepare virtualenvs for baked projects.

Shared by `make demo` (tools/demo.py) and the template's tests, so both bake and install
the same way: with the baked project's own `make install`, from its lock.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cookiecutter.main import cookiecutter

from tools.interpreters import (
    DEFAULT_PYTHON_VERSION,
    TEMPLATE_DIR,
    find_interpreter,
    full_version,
)

# Virtualenvs (and the tests' mypy caches) live outside the checkout, so every clone on a machine
# shares them (CI tests a fresh clone each time). They are safe to share: each virtualenv is keyed by
# the lock's pins and the interpreter's version, and rebuilt when either changes.
CACHE_DIR = Path(
    os.environ.get("TEMPLATE_CACHE_DIR")
    or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "django-backoffice-template"
)
LOCK_FILE = "requirements-dev.txt"
DJANGO_PIN = re.compile(r"^django==(\d+\.\d+)", re.MULTILINE)


def bake(output_dir: Path, **answers: str) -> Path:
    """Bake the template with its defaults overridden by `answers`; return the project folder."""
    output_dir.mkdir(parents=True, exist_ok=True)
    project = cookiecutter(
        str(TEMPLATE_DIR),
        no_input=True,
        output_dir=str(output_dir),
        extra_context=answers,
        overwrite_if_exists=False,
    )
    return Path(project)


@contextmanager
def exclusive(lock_path: Path) -> Iterator[None]:
    """One process at a time (parallel test workers share the cached virtualenvs)."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def ensure_project_venv(project_dir: Path, python_version: str = DEFAULT_PYTHON_VERSION) -> Path:
    """The python of a virtualenv holding the baked project's locked dependencies.

    One virtualenv per Python version and Django version (each Django version has its own lock)
    under .cache/, e.g. `project-venv-py3.12-django6.1`, made by the project's own `make install`
    (so from its lock) and rebuilt from scratch when the lock or the interpreter's x.y.z
    changes. Only the dependencies are installed, not the project itself, so one virtualenv
    serves every bake of those versions (each runs from its own folder, first on sys.path).
    """
    interpreter = find_interpreter(python_version)
    lock_text = (project_dir / LOCK_FILE).read_text()
    django = DJANGO_PIN.search(lock_text)
    if django is None:
        raise ValueError(f"{project_dir / LOCK_FILE} pins no django")
    name = f"project-venv-py{python_version}-django{django.group(1)}"
    venv_dir = CACHE_DIR / name
    python = venv_dir / "bin" / "python"
    # The pins only: uv's "# via" comments name the project, which differs from bake to bake.
    pins = "\n".join(line for line in lock_text.splitlines() if not line.lstrip().startswith("#"))
    lock_hash = hashlib.sha256(pins.encode()).hexdigest()
    fingerprint = f"{lock_hash} Python {full_version(interpreter)}"
    marker = venv_dir / "fingerprint"
    with exclusive(CACHE_DIR / f"{name}.lock"):
        if marker.exists() and marker.read_text() == fingerprint and python.exists():
            return python
        shutil.rmtree(venv_dir, ignore_errors=True)
        print(f"Installing the project's locked dependencies into {venv_dir} ...", file=sys.stderr)
        subprocess.run(
            ["make", "install", f"VENV={venv_dir}", f"PYTHON={interpreter}"],
            cwd=project_dir,
            check=True,
            env={**os.environ, "PIP_NO_INPUT": "1"},
        )
        marker.write_text(fingerprint)
    return python

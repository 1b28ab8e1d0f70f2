"""Bake the template and prepare a virtualenv for baked projects.

Shared by `make demo` (tools/demo.py) and the template's tests, so both bake and install
the same way.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

from cookiecutter.main import cookiecutter

TEMPLATE_DIR = Path(__file__).resolve().parent.parent
CACHE_DIR = TEMPLATE_DIR / ".cache"
PROJECT_VENV = CACHE_DIR / "project-venv"
# mypy's cache, shared by the tests' bakes: the stubs (Django, DRF, boto3) are read once, not
# once per bake (about 45 s each).
MYPY_CACHE_DIR = CACHE_DIR / "mypy"


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


def project_requirements(project_dir: Path) -> list[str]:
    """The baked project's runtime and dev dependencies, read from its pyproject.toml."""
    pyproject = tomllib.loads((project_dir / "pyproject.toml").read_text())["project"]
    return [*pyproject["dependencies"], *pyproject["optional-dependencies"]["dev"]]


def ensure_project_venv(project_dir: Path, venv_dir: Path = PROJECT_VENV) -> Path:
    """A virtualenv with the baked project's dependencies; reused while they are unchanged.

    Only the dependencies are installed, not the project itself, so one virtualenv serves
    every bake (each runs from its own folder, which is first on sys.path).
    """
    requirements = project_requirements(project_dir)
    fingerprint = hashlib.sha256(json.dumps(requirements).encode()).hexdigest()
    marker = venv_dir / "requirements.sha256"
    python = venv_dir / "bin" / "python"
    if marker.exists() and marker.read_text() == fingerprint and python.exists():
        return python
    if not python.exists():
        venv.create(venv_dir, with_pip=True)
    print(f"Installing the project's dependencies into {venv_dir} ...", file=sys.stderr)
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", *requirements],
        check=True,
        env={**os.environ, "PIP_NO_INPUT": "1"},
    )
    marker.write_text(fingerprint)
    return python

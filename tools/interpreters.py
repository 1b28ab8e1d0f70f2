"""Find an interpreter for each Python version the template offers (standard library only).

pyenv's `<pyenv root>/versions/<x.y.z>/bin/python` first (newest patch), then `python<x.y>` on
the PATH; a candidate counts only if it runs and reports that version (a pyenv shim for a
version that is not active does not). `python -m tools.interpreters` lists them and exits 1
when one is missing: `.ci/run` calls it, so CI tests every version.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

TEMPLATE_DIR = Path(__file__).resolve().parent.parent
# Every Python version the template offers; the first one is the default answer.
COOKIECUTTER_JSON = json.loads((TEMPLATE_DIR / "cookiecutter.json").read_text())
PYTHON_VERSIONS: list[str] = COOKIECUTTER_JSON["python_version"]
DEFAULT_PYTHON_VERSION = PYTHON_VERSIONS[0]
# Every Django version the template offers (the first, the LTS, is the default answer), and the
# oldest Python each one supports (the pre-generation hook refuses an older one).
DJANGO_VERSIONS: list[str] = COOKIECUTTER_JSON["django_version"]
DEFAULT_DJANGO_VERSION = DJANGO_VERSIONS[0]
DJANGO_MINIMUM_PYTHON: dict[str, str] = COOKIECUTTER_JSON["_django_minimum_python"]


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def oldest_python_for(django_version: str) -> str:
    """The oldest offered Python version that `django_version` runs on (its lock's resolution target)."""
    minimum = version_key(DJANGO_MINIMUM_PYTHON[django_version])
    return min((v for v in PYTHON_VERSIONS if version_key(v) >= minimum), key=version_key)


class MissingInterpreter(LookupError):
    """No interpreter for an offered Python version on this machine."""


def pyenv_root() -> Path:
    if "PYENV_ROOT" in os.environ:
        return Path(os.environ["PYENV_ROOT"])
    if shutil.which("pyenv"):
        return Path(subprocess.run(["pyenv", "root"], capture_output=True, text=True).stdout.strip())
    return Path.home() / ".pyenv"


def interpreter_candidates(version: str) -> list[Path]:
    """pyenv's `versions/<version>.z/bin/python` (newest patch first), then `python<version>` on PATH."""
    installed = (pyenv_root() / "versions").glob(f"{version}.*/bin/python")
    newest_first = sorted(
        installed, key=lambda path: [int(part) for part in path.parts[-3].split(".") if part.isdigit()]
    )[::-1]
    on_path = shutil.which(f"python{version}")
    return [*newest_first, *([Path(on_path)] if on_path else [])]


def full_version(interpreter: Path) -> str:
    """What the interpreter says it is ("3.12.1"); empty when it does not run."""
    probe = subprocess.run(
        [str(interpreter), "-c", "import platform; print(platform.python_version())"],
        capture_output=True,
        text=True,
    )
    return probe.stdout.strip() if probe.returncode == 0 else ""


def find_interpreter(version: str) -> Path:
    """A Python `version` ("3.12") interpreter that runs and says it is that version."""
    for candidate in interpreter_candidates(version):
        if full_version(candidate).startswith(f"{version}."):
            return candidate
    raise MissingInterpreter(
        f"no Python {version} interpreter: looked for {pyenv_root()}/versions/{version}.*/bin/python "
        f"and python{version} on PATH"
    )


def main() -> int:
    missing = 0
    for version in PYTHON_VERSIONS:
        try:
            print(f"Python {version}: {find_interpreter(version)}")
        except MissingInterpreter as error:
            print(f"Python {version}: MISSING, {error}", file=sys.stderr)
            missing += 1
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())

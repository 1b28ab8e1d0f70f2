"""Check that the lock files pin what pyproject.toml asks for; offline, no resolver.

`requirements-dev.txt` must pin every runtime and dev requirement at a version the
requirement accepts, and `requirements.txt` every runtime one, at the same version as the dev
lock. A failure prints one line per problem and says to run `make lock`.
"""

from __future__ import annotations

import sys
import tomllib
from collections import defaultdict
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

PROJECT_DIR = Path(__file__).resolve().parent.parent
RUNTIME_LOCK = "requirements.txt"
DEV_LOCK = "requirements-dev.txt"


def read_pins(lock_file: Path) -> dict[str, set[str]]:
    """Each pinned package's versions (a universal lock may pin one per Python version)."""
    pins: dict[str, set[str]] = defaultdict(set)
    for line in lock_file.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith(("#", "-")):
            continue
        requirement = Requirement(line)
        [specifier] = requirement.specifier
        if specifier.operator != "==":
            raise ValueError(f"{lock_file.name}: {line!r} is not an exact pin")
        pins[canonicalize_name(requirement.name)].add(specifier.version)
    return pins


def unmet(requirements: list[str], pins: dict[str, set[str]], lock_name: str) -> list[str]:
    problems = []
    for text in requirements:
        requirement = Requirement(text)
        versions = pins.get(canonicalize_name(requirement.name))
        if not versions:
            problems.append(f"{requirement.name} is in pyproject.toml, not pinned in {lock_name}")
        for version in sorted(versions or ()):
            if not requirement.specifier.contains(version, prereleases=True):
                problems.append(f"{lock_name} pins {requirement.name}=={version}, outside {text!r}")
    return problems


def lock_problems(project_dir: Path) -> list[str]:
    project = tomllib.loads((project_dir / "pyproject.toml").read_text())["project"]
    runtime, dev = project["dependencies"], project["optional-dependencies"]["dev"]
    runtime_pins = read_pins(project_dir / RUNTIME_LOCK)
    dev_pins = read_pins(project_dir / DEV_LOCK)
    problems = unmet(runtime + dev, dev_pins, DEV_LOCK) + unmet(runtime, runtime_pins, RUNTIME_LOCK)
    for name, versions in sorted(runtime_pins.items()):
        if not versions <= dev_pins.get(name, set()):
            problems.append(f"{RUNTIME_LOCK} pins {name} {sorted(versions)}, {DEV_LOCK} does not")
    return problems


def main() -> int:
    problems = lock_problems(PROJECT_DIR)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print("The lock is out of date: run `make lock` and commit the result.", file=sys.stderr)
        return 1
    print(f"{RUNTIME_LOCK} and {DEV_LOCK} pin everything pyproject.toml asks for.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

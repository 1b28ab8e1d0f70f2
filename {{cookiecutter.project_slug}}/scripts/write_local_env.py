"""Write `.env` from `.env.example` with a fresh secret key, unless `.env` already exists.

`make setup` runs it in a fresh clone, and the template's bake runs the same function, so
both get their `.env` the same way. Standard library only: it runs before the virtualenv
exists. It never overwrites an existing `.env`.
"""

from __future__ import annotations

import secrets
import sys
from pathlib import Path

PLACEHOLDER = "DJANGO_SECRET_KEY=change-me"


def write_local_env(project_dir: Path) -> bool:
    """Create `project_dir/.env` with a fresh key; False when it exists (left untouched)."""
    example = (project_dir / ".env.example").read_text()
    if PLACEHOLDER not in example:
        raise ValueError(f".env.example has no {PLACEHOLDER!r} line to fill in")
    key = secrets.token_urlsafe(50)
    try:
        with (project_dir / ".env").open("x") as env_file:
            env_file.write(example.replace(PLACEHOLDER, f"DJANGO_SECRET_KEY={key}"))
    except FileExistsError:
        return False
    return True


def main() -> int:
    if write_local_env(Path(__file__).resolve().parent.parent):
        print("Wrote .env with a fresh DJANGO_SECRET_KEY.")
    else:
        print(".env exists: left as it is.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The project's `.env` file, read by the local and production settings only.

Each of those modules calls `read_env_file()` before importing `base`, because `base` reads
the environment when it is imported. The test settings never read `.env`: a test run must not
depend on, or touch, the databases and Redis a developer configured there.
"""

from pathlib import Path

import environ

ENV_FILE = Path(__file__).resolve().parent.parent.parent / ".env"


def read_env_file() -> None:
    """Add `.env`'s values to the environment; variables already set win. No file, no change."""
    environ.Env.read_env(ENV_FILE, overwrite=False)

"""Finish a bake: remove the files of switched-off features, write a local .env, say what next.

Pure and offline: it renders nothing new from the network, installs nothing, runs nothing.
"""

import runpy
import shutil
from pathlib import Path

PROJECT = Path.cwd()

# Paths that belong to one answer; they are removed when that answer is "off".
FEATURE_PATHS = {
    "example_apps": ["apps/missions", "apps/reward_logs"],
    "docker": ["Dockerfile", "docker-compose.yml", ".dockerignore"],
    "github": [".github"],
    "gitlab": [".gitlab-ci.yml"],
}


def remove(relative_paths: list[str]) -> None:
    for relative in relative_paths:
        path = PROJECT / relative
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


def write_local_env() -> None:
    """.env with a fresh secret key, by the project's own script (the one `make setup` runs)."""
    script = runpy.run_path(str(PROJECT / "scripts" / "write_local_env.py"))
    script["write_local_env"](PROJECT)


def main() -> None:
    if "{{ cookiecutter.include_example_apps }}" != "y":
        remove(FEATURE_PATHS["example_apps"])
    if "{{ cookiecutter.use_docker }}" != "y":
        remove(FEATURE_PATHS["docker"])
    for provider in ("github", "gitlab"):
        if provider != "{{ cookiecutter.ci_provider }}":
            remove(FEATURE_PATHS[provider])
    write_local_env()
    print(
        "\n{{ cookiecutter.project_name }} is ready in {{ cookiecutter.project_slug }}/. Next:\n"
        "  cd {{ cookiecutter.project_slug }}\n"
        "  make setup      # virtualenv from the lock, migrations\n"
        "  make run        # http://127.0.0.1:8000/admin/ and /api/docs/\n"
        "  make test\n"
    )


if __name__ == "__main__":
    main()

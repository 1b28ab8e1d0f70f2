"""Finish a bake: remove the files of switched-off features, write a local .env, record the
template revision and the answers in .cruft.json, say what next.

Pure and offline: it renders nothing new from the network and installs nothing; the only
command it runs is a local `git` that reads the template checkout's commit.
"""

import json
import os
import runpy
import shutil
import subprocess
from pathlib import Path

PROJECT = Path.cwd()

# Everything cookiecutter knows about this bake: the answers, and (keys starting with "_") where
# the template came from. A raw string: JSON escapes its quotes and backslashes itself.
CONTEXT = json.loads(r"""{{ cookiecutter | tojson }}""")

# Paths that belong to one answer; they are removed when that answer is "off".
FEATURE_PATHS = {
    # benchmarking.py serves the example apps' benchmark commands only.
    "example_apps": ["apps/missions", "apps/reward_logs", "apps/common/benchmarking.py"],
    "docker": ["Dockerfile", "docker-compose.yml", ".dockerignore"],
    "github": [".github"],
    "gitlab": [".gitlab-ci.yml"],
    # Django 6 has the Content Security Policy built in; on 5.2 django-csp's nonce needs this.
    "django_csp": ["apps/common/context_processors.py"],
}
# The lock of each offered Django version, resolved by the template's `make lock`.
LOCKS_DIR = "locks"


def remove(relative_paths: list[str]) -> None:
    for relative in relative_paths:
        path = PROJECT / relative
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


def keep_own_lock() -> None:
    """This bake's Django version's lock files in the project's root; the other versions' go."""
    own = PROJECT / LOCKS_DIR / "django-{{ cookiecutter.django_version }}"
    for lock_file in own.iterdir():
        lock_file.replace(PROJECT / lock_file.name)
    shutil.rmtree(PROJECT / LOCKS_DIR)


def write_local_env() -> None:
    """.env with a fresh secret key, by the project's own script (the one `make setup` runs)."""
    script = runpy.run_path(str(PROJECT / "scripts" / "write_local_env.py"))
    script["write_local_env"](PROJECT)


def template_checkout() -> Path | None:
    """The local folder the template was rendered from (a clone, for a remote template).

    cookiecutter gives a local template's path as typed, maybe relative to the folder the
    command ran in; this hook runs inside the new project, so a relative path is resolved
    against the shell's PWD.
    """
    repo_dir = Path(CONTEXT["_repo_dir"])
    for candidate in (repo_dir, Path(os.environ.get("PWD", "/")) / repo_dir):
        if candidate.is_absolute() and (candidate / "cookiecutter.json").is_file():
            return candidate.resolve()
    return None


def git(checkout: Path, *args: str) -> str | None:
    result = subprocess.run(["git", "-C", str(checkout), *args], capture_output=True, text=True, check=False)
    return result.stdout.strip() if result.returncode == 0 else None


def write_cruft_state() -> None:
    """Record the template source, its commit and the answers, as `cruft create` does.

    `cruft check` and `cruft update` read .cruft.json to bring later template changes in.
    Under cruft (create or update) the context has `_commit` and cruft writes the file itself.
    """
    if "_commit" in CONTEXT:
        return
    checkout = template_checkout()
    commit = git(checkout, "rev-parse", "HEAD") if checkout else None
    if checkout is None or commit is None:
        print(
            "Note: the template is not a git checkout, so .cruft.json was not written; "
            "`cruft link <template git URL>` in the project records it later."
        )
        return
    # A local template is rendered where it is; a URL (or gh:user/repo) from cookiecutter's clone,
    # whose origin is the full URL.
    template = str(checkout)
    if CONTEXT["_repo_dir"] != CONTEXT["_template"]:
        template = git(checkout, "remote", "get-url", "origin") or CONTEXT["_template"]
    answers = {key: value for key, value in CONTEXT.items() if not key.startswith("_")}
    state = {
        "template": template,
        "commit": commit,
        "checkout": CONTEXT.get("_checkout"),
        "context": {"cookiecutter": {**answers, "_template": template, "_commit": commit}},
        "directory": None,
    }
    text = json.dumps(state, ensure_ascii=False, indent=2, separators=(",", ": "))
    (PROJECT / ".cruft.json").write_text(text + "\n")


def main() -> None:
    if "{{ cookiecutter.include_example_apps }}" != "y":
        remove(FEATURE_PATHS["example_apps"])
    if "{{ cookiecutter.use_docker }}" != "y":
        remove(FEATURE_PATHS["docker"])
    for provider in ("github", "gitlab"):
        if provider != "{{ cookiecutter.ci_provider }}":
            remove(FEATURE_PATHS[provider])
    if "{{ cookiecutter.django_version }}" != "5.2":
        remove(FEATURE_PATHS["django_csp"])
    keep_own_lock()
    write_local_env()
    write_cruft_state()
    print(
        "\n{{ cookiecutter.project_name }} is ready in {{ cookiecutter.project_slug }}/. Next:\n"
        "  cd {{ cookiecutter.project_slug }}\n"
        "  make setup      # virtualenv from the lock, migrations\n"
        "  make run        # http://127.0.0.1:8000/admin/ and /api/docs/\n"
        "  make test\n"
    )


if __name__ == "__main__":
    main()

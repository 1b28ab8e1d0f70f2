"""A project committed and cloned fresh works, and its tests never touch a developer's data."""

from __future__ import annotations

import secrets
import subprocess
from pathlib import Path

from tests.conftest import DEVELOPER_REDIS_URL, run
from tests.git_clone import commit_and_clone, git, init_repository, link_venv
from tools.project import bake


def secret_key(project: Path) -> str:
    [line] = [
        line for line in (project / ".env").read_text().splitlines() if line.startswith("DJANGO_SECRET_KEY=")
    ]
    return line.split("=", 1)[1]


def test_fresh_clone_runs_its_tests_with_no_env_file(tmp_path, project_python):
    clone = commit_and_clone(bake(tmp_path / "bake", include_example_apps="n"), tmp_path / "clone")
    link_venv(clone, project_python)

    assert not (clone / ".env").exists()
    output = run(["make", "test"], clone)

    assert " passed" in output.strip().splitlines()[-1]
    assert not (clone / ".env").exists()


def test_make_setup_writes_env_with_a_fresh_key_once_and_migrates(tmp_path, project_python):
    baked = bake(tmp_path / "bake", include_example_apps="n")
    clone = commit_and_clone(baked, tmp_path / "clone")
    link_venv(clone, project_python)

    first = run(["make", "setup"], clone)
    key = secret_key(clone)
    (clone / ".env").write_text((clone / ".env").read_text() + "DJANGO_LOG_LEVEL=DEBUG\n")
    second = run(["make", "setup"], clone)

    assert "Wrote .env with a fresh DJANGO_SECRET_KEY." in first
    assert len(key) >= 50
    assert key not in {"change-me", secret_key(baked)}
    assert ".env exists: left as it is." in second
    assert secret_key(clone) == key
    assert "DJANGO_LOG_LEVEL=DEBUG" in (clone / ".env").read_text()
    assert (clone / "db.sqlite3").exists()
    run([project_python, "manage.py", "migrate", "--check"], clone)


def test_local_settings_without_a_key_stop_with_one_line_naming_make_setup(tmp_path, project_python):
    project = bake(tmp_path, include_example_apps="n")
    (project / ".env").unlink()

    result = subprocess.run(
        [str(project_python), "manage.py", "check"],
        cwd=project,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings.local"},
    )

    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "DJANGO_SECRET_KEY is not set: run `make setup`, which writes .env with a fresh key."
    ]


def redis(python: Path, url: str, *command: str) -> str:
    code = (
        "import sys, redis\n"
        "client = redis.Redis.from_url(sys.argv[1], socket_timeout=5, decode_responses=True)\n"
        "print(client.execute_command(*sys.argv[2:]))"
    )
    return run([python, "-c", code, url, *command], python.parent).strip()


def test_make_test_leaves_the_developers_redis_and_database_alone(
    tmp_path, project_python, services_available
):
    project = bake(tmp_path)
    link_venv(project, project_python)
    # The README's "production settings by hand" puts service URLs in .env. The database URL
    # names a port nothing listens on: a test run that used it would fail.
    with (project / ".env").open("a") as env_file:
        env_file.write(
            "DATABASE_URL=postgres://postgres@127.0.0.1:9/developer_data\n"
            f"REDIS_URL={DEVELOPER_REDIS_URL}\nCELERY_BROKER_URL={DEVELOPER_REDIS_URL}\n"
        )
    key, value = f"template-test:developer-data:{secrets.token_hex(4)}", secrets.token_hex(8)
    redis(project_python, DEVELOPER_REDIS_URL, "SET", key, value)
    try:
        output = run(["make", "test"], project)
        kept = redis(project_python, DEVELOPER_REDIS_URL, "GET", key)
    finally:
        redis(project_python, DEVELOPER_REDIS_URL, "DEL", key)

    assert " passed" in output.strip().splitlines()[-1]
    assert kept == value


def test_first_commit_of_a_fresh_bake_passes_the_pre_commit_hooks(tmp_path, project_python):
    project = bake(tmp_path)
    link_venv(project, project_python)
    init_repository(project)
    run([project_python.parent / "pre-commit", "install"], project)

    output = git(project, "commit", "-m", "Bake")

    for hook in ("ruff check", "ruff format", "fix end of files", "trim trailing whitespace"):
        assert any(line.startswith(hook) and line.endswith("Passed") for line in output.splitlines()), (
            f"hook {hook!r} did not pass:\n{output}"
        )
    assert git(project, "status", "--porcelain") == ""

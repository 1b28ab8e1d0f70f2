"""The baked project's own tools: `make format` leaves code that `make lint` accepts, the import
contracts refuse imports against the layers, the ports of `make run` and `make s3` move, and
`make dev` runs every process in one terminal and stops them all on Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import mypy_env, run
from tools.project import bake
from tools.stack import free_port

# A line ruff format splits (E501 until then) and imports ruff check --fix sorts and drops.
UNTIDY_MODULE = """import sys
import os

GREETINGS = {"first": "hello there", "second": "good morning to you", "third": "good evening to you all"}
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return bake(tmp_path_factory.mktemp("make"), include_example_apps="n")


def make(project: Path, project_python: Path, *args: str) -> str:
    venv = project_python.parent.parent
    return run(["make", *args, f"VENV={venv}"], project, env=mypy_env(project))


def test_make_format_fixes_a_long_line_and_untidy_imports_then_make_lint_passes(project, project_python):
    untidy = project / "apps" / "users" / "greetings.py"
    untidy.write_text(UNTIDY_MODULE)
    assert max(len(line) for line in UNTIDY_MODULE.splitlines()) > 100

    make(project, project_python, "format")

    tidy = untidy.read_text()
    assert max(len(line) for line in tidy.splitlines()) <= 100
    assert "import os" not in tidy
    assert "import sys" not in tidy
    assert '"third": "good evening to you all"' in tidy
    make(project, project_python, "lint")


def test_make_run_and_make_s3_take_their_ports_from_the_command_line(project, project_python):
    assert "runserver 127.0.0.1:8000" in make(project, project_python, "-n", "run")
    assert "runserver 127.0.0.1:8123" in make(project, project_python, "-n", "run", "PORT=8123")
    assert "http://127.0.0.1:5000 " in make(project, project_python, "-n", "s3")
    assert "http://127.0.0.1:5123 " in make(project, project_python, "-n", "s3", "S3_PORT=5123")


def descendants(pid: int) -> set[int]:
    """Every living process below `pid`, read from /proc."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended while we read
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, pending = set(), [pid]
    while pending:
        for child in children.get(pending.pop(), []):
            found.add(child)
            pending.append(child)
    return found


def alive(pid: int) -> bool:
    """Running, or stopped: not gone and not a zombie (ended, waiting to be reaped)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def answers(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status
    except OSError:
        return None


def test_make_dev_runs_web_worker_beat_and_s3_with_the_bucket_and_ctrl_c_stops_them_all(
    project, project_python
):
    port, s3_port = free_port(), free_port()
    bucket = f"{project.name.replace('_', '-')}-exports"
    env = {key: value for key, value in os.environ.items() if not key.endswith("_URL")}
    dev = subprocess.Popen(
        ["make", "dev", f"VENV={project_python.parent.parent}", f"PORT={port}", f"S3_PORT={s3_port}"],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(dev.stdout), daemon=True)
    reader.start()

    def every_process_is_up() -> bool:
        printed = "".join(lines)
        return (
            "celery@" in printed
            and "beat: Starting..." in printed
            and answers(f"http://127.0.0.1:{port}/health/") == 200
            and answers(f"http://127.0.0.1:{s3_port}/{bucket}") == 200
        )

    started = time.monotonic()
    try:
        deadline = time.monotonic() + 90
        while not every_process_is_up():
            assert dev.poll() is None, "".join(lines)
            assert time.monotonic() < deadline, f"not every process was up in 90 s:\n{''.join(lines)}"
            time.sleep(0.5)
        running = descendants(dev.pid)
        up = time.monotonic() - started
        # Ctrl-C: the terminal sends SIGINT to the whole foreground process group.
        os.killpg(dev.pid, signal.SIGINT)
        dev.wait(timeout=30)
        reader.join(timeout=10)
    finally:
        if dev.poll() is None:
            os.killpg(dev.pid, signal.SIGKILL)
    output = "".join(lines)
    assert answers(f"http://127.0.0.1:{port}/health/") is None, output
    for name in ("s3", "web", "worker", "beat"):
        assert f"{name}.1 " in output, f"no {name} lines in:\n{output}"
    assert f"Bucket {bucket} created." in output, output
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(alive(pid) for pid in running):
        time.sleep(0.2)
    assert running, "no process was started"
    assert not [pid for pid in running if alive(pid)], output
    stopped = time.monotonic() - started - up
    print(f"make dev: up in {up:.1f} s, {len(running)} processes, all gone {stopped:.1f} s after Ctrl-C")


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        (
            "apps/missions/admin.py",
            "from apps.reward_logs import selectors",
            "apps.missions is not allowed to import apps.reward_logs",
        ),
        (
            "apps/common/health.py",
            "import apps.users.models",
            "apps.common is not allowed to import apps.users",
        ),
        (
            "apps/missions/models.py",
            "from apps.missions import views",
            "apps.missions.models is not allowed to import apps.missions.views",
        ),
    ],
    ids=["example-apps-cycle", "common-imports-an-app", "models-import-views"],
)
def test_import_contracts_refuse_an_import_against_the_layers(tmp_path, project_python, module, line, broken):
    project = bake(tmp_path, include_example_apps="y")
    path = project / module
    path.write_text(f"{path.read_text()}{line}  # noqa: E402, F401\n")

    result = subprocess.run(
        [project_python.parent / "lint-imports"], cwd=project, capture_output=True, text=True, timeout=120
    )

    assert result.returncode != 0
    assert broken in result.stdout

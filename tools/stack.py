"""Start a baked project's processes (web, worker, S3 server...), wait for them, stop them all.

Used by `make demo` and by the end-to-end tests. Each process runs in its own process group
with its output in a log file, so stopping kills children too and a failure can be read.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


class StackError(RuntimeError):
    """A process did not start or did not become ready; the message says which and why."""


@dataclass
class Process:
    name: str
    popen: subprocess.Popen
    log_path: Path

    def log_tail(self, lines: int = 30) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


@dataclass
class Stack:
    """The processes of one running project; use as a context manager to stop them all."""

    cwd: Path
    env: dict[str, str]
    log_dir: Path
    processes: dict[str, Process] = field(default_factory=dict)

    def start(self, name: str, args: list[str], env: dict[str, str] | None = None) -> Process:
        """Start `args` as process `name`; `env` adds to (or overrides) the stack's environment."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log_path = self.log_dir / f"{name}.log"
        with log_path.open("ab") as log:
            popen = subprocess.Popen(
                args,
                cwd=self.cwd,
                env={**self.env, **(env or {})},
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        process = Process(name, popen, log_path)
        self.processes[name] = process
        return process

    def stop(self, name: str, sig: int = signal.SIGTERM, timeout: float = 15) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.popen.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.popen.pid, sig)
        try:
            process.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.popen.pid, signal.SIGKILL)
            process.popen.wait(5)

    def stop_all(self) -> None:
        for name in reversed(list(self.processes)):
            self.stop(name)

    def wait_for_http(self, name: str, url: str, timeout: float = 60) -> None:
        """Wait until `url` answers with any HTTP status while process `name` stays alive."""

        def answers() -> bool:
            try:
                urllib.request.urlopen(url, timeout=2)
            except urllib.error.HTTPError:
                return True
            except OSError:
                return False
            return True

        self._wait(name, answers, f"answer {url}", timeout)

    def wait_for_log(self, name: str, text: str, timeout: float = 60) -> None:
        """Wait until process `name` writes `text` to its log (e.g. a worker's "ready")."""
        log_path = self.processes[name].log_path
        self._wait(name, lambda: text in log_path.read_text(errors="replace"), f"log {text!r}", timeout)

    def _wait(self, name: str, ready: Callable[[], bool], what: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        process = self.processes[name]
        while time.monotonic() < deadline:
            if process.popen.poll() is not None:
                raise StackError(f"{name} exited with {process.popen.returncode}:\n{process.log_tail()}")
            if ready():
                return
            time.sleep(0.2)
        raise StackError(f"{name} did not {what} within {timeout:.0f}s:\n{process.log_tail()}")

    def __enter__(self) -> Stack:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop_all()


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as probe:
        return probe.connect_ex((host, port)) != 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]

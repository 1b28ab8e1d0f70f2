"""Run a generated project's CI file as written, on this machine.

`github_jobs` and `gitlab_jobs` read `.github/workflows/ci.yml` and `.gitlab-ci.yml` into jobs:
the Python version the job runs on, the service images it starts, and its shell steps with
each one's environment. `run_job` runs the steps in order in a fresh clone with bash (as both
providers do), the interpreter of the job's Python first on PATH, and the job's service URLs
pointed at this machine's PostgreSQL and Redis: a database and a Redis db of the test's own.

Emulated, never fetched: `actions/checkout` (the clone is the checkout), `actions/setup-python`
and GitLab's `image: python:X.Y` (that version's local interpreter first on PATH).
"""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from string import Template
from urllib.parse import urlsplit

import yaml

LOCAL_HOSTS = {"127.0.0.1", "localhost"}
# Top-level keys of .gitlab-ci.yml that are settings, not jobs.
GITLAB_KEYWORDS = {"default", "variables", "stages", "include", "workflow", "image", "services", "cache"}


@dataclass
class Step:
    name: str
    command: str
    env: dict[str, str]
    may_fail: bool  # continue-on-error / allow_failure: its failure cannot fail the build


@dataclass
class Job:
    name: str
    python_version: str
    service_images: list[str]
    service_hosts: set[str]
    steps: list[Step]
    coverage_pattern: str | None = None  # GitLab's `coverage:` regex, read from the job's log


@dataclass
class StepResult:
    step: Step
    returncode: int
    seconds: float
    output: str

    @property
    def outcome(self) -> str:
        if self.returncode == 0:
            return "passed"
        return "failed (allowed)" if self.step.may_fail else "FAILED"


def as_env(variables: dict | None) -> dict[str, str]:
    return {str(key): str(value) for key, value in (variables or {}).items()}


def github_jobs(workflow_file: Path) -> list[Job]:
    workflow = yaml.safe_load(workflow_file.read_text())
    jobs = []
    for name, job in workflow["jobs"].items():
        job_env = {**as_env(workflow.get("env")), **as_env(job.get("env"))}
        python_version = ""
        steps = []
        for step in job["steps"]:
            if "uses" in step:
                action = step["uses"].split("@")[0]
                if action == "actions/setup-python":
                    python_version = str(step["with"]["python-version"])
                elif action != "actions/checkout":
                    raise ValueError(f"{workflow_file.name}: no emulation for {step['uses']}")
                continue
            steps.append(
                Step(
                    name=step.get("name", step["run"]),
                    command=step["run"],
                    env={**job_env, **as_env(step.get("env"))},
                    may_fail=bool(step.get("continue-on-error", False)),
                )
            )
        services = job.get("services", {}).values()
        # GitHub publishes each service container's ports on the runner: localhost.
        jobs.append(Job(name, python_version, [s["image"] for s in services], set(LOCAL_HOSTS), steps))
    return jobs


def gitlab_jobs(config_file: Path, project_dir: Path) -> list[Job]:
    config = yaml.safe_load(config_file.read_text())
    default = config.get("default", {})
    predefined = {"CI": "true", "CI_PROJECT_DIR": str(project_dir)}
    jobs = []
    for name, job in config.items():
        if name in GITLAB_KEYWORDS or name.startswith("."):
            continue
        image = job.get("image", default.get("image", ""))
        if not image.startswith("python:"):
            raise ValueError(f"{config_file.name}: job {name} runs on {image!r}, not a python image")
        variables = {**as_env(config.get("variables")), **as_env(job.get("variables"))}
        env = {key: Template(value).safe_substitute(predefined) for key, value in variables.items()}
        services = [
            service if isinstance(service, dict) else {"name": service}
            for service in job.get("services", default.get("services", []))
        ]
        hosts = {s.get("alias", s["name"].split(":")[0]) for s in services} | LOCAL_HOSTS
        commands = [*job.get("before_script", default.get("before_script", [])), *job["script"]]
        may_fail = bool(job.get("allow_failure", False))
        steps = [Step(command, command, env, may_fail) for command in commands]
        service_images = [s["name"] for s in services]
        jobs.append(Job(name, image.split(":", 1)[1], service_images, hosts, steps, job.get("coverage")))
    return jobs


def local_services(env: dict[str, str], hosts: set[str], database_url: str, redis_url: str) -> dict[str, str]:
    """The job's environment with its PostgreSQL and Redis URLs moved to the test's own."""
    mapped = {}
    for key, value in env.items():
        url = urlsplit(value)
        if url.scheme in {"postgres", "postgresql"} and url.hostname in hosts:
            value = database_url
        elif url.scheme == "redis" and url.hostname in hosts:
            value = redis_url
        mapped[key] = value
    return mapped


def run_job(
    job: Job, project_dir: Path, interpreter: Path, database_url: str, redis_url: str
) -> list[StepResult]:
    """Run the job's steps in order; stop at the first failure its build would fail on."""
    base_env = {
        **os.environ,
        "CI": "true",
        "PATH": f"{interpreter.parent}{os.pathsep}{os.environ['PATH']}",
    }
    results = []
    for step in job.steps:
        env = {**base_env, **local_services(step.env, job.service_hosts, database_url, redis_url)}
        started = time.monotonic()
        completed = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step.command],
            cwd=project_dir,
            env=env,
            capture_output=True,
            text=True,
            timeout=1200,
        )
        results.append(
            StepResult(
                step, completed.returncode, time.monotonic() - started, completed.stdout + completed.stderr
            )
        )
        if results[-1].outcome == "FAILED":
            break
    return results

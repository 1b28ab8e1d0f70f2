"""The generated CI files run as written: bake, commit, clone fresh, run every step here.

GitHub Actions on the default Python with the example apps, GitLab CI on the newest offered
Python without them, so the coverage floor is met by both bakes. Each job's shell steps run
in order (tests/ci_emulator.py) with the job's environment; its PostgreSQL and Redis are this
machine's, on a database and a Redis db of the test's own. A failing step fails the test,
except a step the CI file itself allows to fail, which is reported.
"""

from __future__ import annotations

import re

import pytest

from tests.ci_emulator import Job, github_jobs, gitlab_jobs, run_job
from tests.conftest import CI_REDIS_URLS, temporary_postgres_database
from tests.git_clone import commit_and_clone, link_venv
from tools.interpreters import DEFAULT_PYTHON_VERSION, PYTHON_VERSIONS, find_interpreter
from tools.project import bake

CASES = [("github", "y", DEFAULT_PYTHON_VERSION), ("gitlab", "n", PYTHON_VERSIONS[-1])]
REQUIRED_STEPS = ["make install", "make lint", "make lock-check", "make migrations-check", "make coverage"]
INFORMATIONAL_STEPS = [".venv/bin/cruft check"]


def ci_jobs(provider: str, clone) -> list[Job]:
    if provider == "github":
        return github_jobs(clone / ".github" / "workflows" / "ci.yml")
    return gitlab_jobs(clone / ".gitlab-ci.yml", clone)


@pytest.mark.parametrize(
    ("provider", "examples", "version"), CASES, ids=[f"{p}-examples_{e}-py{v}" for p, e, v in CASES]
)
def test_ci_file_runs_as_written_in_a_fresh_clone(
    tmp_path, python_for, services_available, summary, provider, examples, version
):
    python = python_for(version)
    project = bake(
        tmp_path / "bake", ci_provider=provider, include_example_apps=examples, python_version=version
    )
    clone = commit_and_clone(project, tmp_path / "clone")
    link_venv(clone, python)
    jobs = ci_jobs(provider, clone)

    assert {job.python_version for job in jobs} == {version}
    results = []
    with temporary_postgres_database(python, f"template_ci_{provider}") as database_url:
        for job in jobs:
            for result in run_job(
                job, clone, find_interpreter(version), database_url, CI_REDIS_URLS[provider]
            ):
                results.append((job, result))

    summary(
        "\n".join(
            [
                f"{provider} CI in a fresh clone (Python {version}, example apps {examples}):",
                *(f"  [{r.outcome}] {job.name}: {r.step.name} ({r.seconds:.0f}s)" for job, r in results),
            ]
        )
    )
    failed = [
        f"{job.name}: {r.step.command}\n{r.output[-3000:]}" for job, r in results if r.outcome == "FAILED"
    ]
    assert not failed, "\n\n".join(failed)
    ran = {result.step.command: result for _, result in results}
    assert set(REQUIRED_STEPS) <= set(ran), f"missing steps: {set(REQUIRED_STEPS) - set(ran)}"
    for command in INFORMATIONAL_STEPS:
        assert ran[command].step.may_fail, f"{command} could fail the build"
    assert "Required test coverage of" in ran["make coverage"].output
    test_job = next(job for job, result in results if result.step.command == "make coverage")
    assert {"postgres", "redis"} <= {image.split(":")[0] for image in test_job.service_images}
    if test_job.coverage_pattern:
        pattern = test_job.coverage_pattern.strip("/")
        assert re.search(pattern, ran["make coverage"].output, re.MULTILINE), f"{pattern} finds no total"

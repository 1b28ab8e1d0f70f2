"""The generated project's guide (docs/) cannot rot: every code block runs, in reading order,
in a fresh bake. `sh` blocks run as shell commands; a `python` block whose first line is
`# <path>` is that file's whole content; any other `python` block runs in `manage.py shell`.
Only `text` blocks are not run, so a block nobody marked cannot be skipped by accident.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import POSTGRES_URL, REDIS_URL, mypy_env
from tools.project import bake

BLOCK = re.compile(r"^```(\w*)\n(.*?)^```\n", re.S | re.M)
FILE_LINE = re.compile(r"# (\S+\.py)\n")
NOT_RUN = {"text"}
RUN = {"sh", "python"}
PAGE_LINK = re.compile(r"\]\(([\w-]+\.md)\)")


def guide_pages(project: Path) -> list[Path]:
    """The pages in the index's order, each once."""
    names = dict.fromkeys(PAGE_LINK.findall((project / "docs" / "README.md").read_text()))
    return [project / "docs" / name for name in names]


def blocks(page: Path) -> list[tuple[str, str]]:
    return [(language, code) for language, code in BLOCK.findall(page.read_text())]


@pytest.fixture(scope="module", params=["y", "n"], ids=["examples_y", "examples_n"])
def project(request, shared_bake) -> Path:
    return shared_bake(include_example_apps=request.param)


def test_the_readme_links_the_guide_and_the_guide_links_every_page(project):
    assert "(docs/README.md)" in (project / "README.md").read_text()
    pages = guide_pages(project)
    assert {page.name for page in pages} == {p.name for p in (project / "docs").glob("*.md")} - {"README.md"}
    assert len(pages) == 8


def test_every_block_is_run_or_marked_text(project):
    for page in guide_pages(project):
        found = blocks(page)
        assert found, f"{page.name} has no code block"
        for language, _code in found:
            assert language in RUN | NOT_RUN, f"{page.name}: a ```{language} block; run it or mark it ```text"
        assert page.read_text().count("```") == 2 * len(found), f"{page.name}: a code fence is not closed"


def test_the_settings_table_names_only_variables_the_settings_read(project):
    table = (project / "docs" / "operations.md").read_text().split("## Settings", 1)[1].split("\n## ", 1)[0]
    first_cells = [line.split("|")[1] for line in table.splitlines() if line.startswith("| `")]
    named = {name for cell in first_cells for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", cell)}
    settings = "".join(path.read_text() for path in (project / "config" / "settings").glob("*.py"))
    read = set(re.findall(r'env(?:\.\w+)?\("([A-Z0-9_]+)"', settings))

    assert len(named) > 20
    assert named <= read, f"not read by config/settings: {sorted(named - read)}"


def test_the_guide_runs_in_a_fresh_project(tmp_path, project_python, services_available):
    """From the first page to the last, as a new hire types it; then `make lint` on the result.

    In the bake without the example apps (the pages never rely on them), the quicker suite.
    """
    project = bake(tmp_path, include_example_apps="n")
    (project / ".venv").symlink_to(project_python.parent.parent)
    suffix = tmp_path.name.replace("-", "_").lower()
    env = {
        "TEST_DATABASE_URL": f"{POSTGRES_URL.rsplit('/', 1)[0]}/docs_{suffix}",
        "TEST_REDIS_URL": REDIS_URL,
    }
    timings = []
    for page in guide_pages(project):
        for index, (language, code) in enumerate(blocks(page)):
            started = time.monotonic()
            where = f"{page.name}, block {index + 1}"
            if language == "sh":
                shell(["bash", "-e", "-c", code], project, {**env, **mypy_env(project)}, where)
            elif language == "python" and (target := FILE_LINE.match(code)):
                path = project / target.group(1)
                assert path.parent.is_dir(), f"{where}: {target.group(1)} is in no existing folder"
                path.write_text(code)
            elif language == "python":
                shell(
                    [".venv/bin/python", "manage.py", "shell", "-c", code],
                    project,
                    {**env, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
                    where,
                )
            timings.append(f"{where}: {time.monotonic() - started:.1f} s")
    shell(["make", "lint"], project, {**env, **mypy_env(project)}, "make lint after the whole guide")
    print("\n".join(timings))


def shell(args: list[str], project: Path, env: dict[str, str], where: str) -> None:
    result = subprocess.run(
        args, cwd=project, env={**os.environ, **env}, capture_output=True, text=True, timeout=900
    )
    assert result.returncode == 0, f"{where} failed:\n{(result.stdout + result.stderr)[-4000:]}"

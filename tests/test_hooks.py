"""The hooks: bad answers are refused before anything is written; a good bake gets a .env."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tools.project import TEMPLATE_DIR, bake


def bake_cli(output_dir: Path, *answers: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "cookiecutter",
            "--no-input",
            "-o",
            str(output_dir),
            str(TEMPLATE_DIR),
            *answers,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ("project_slug=my-project", "'my-project' is not a valid Python package name"),
        ("project_slug=1st_project", "'1st_project' is not a valid Python package name"),
        ("project_slug=Shop", "'Shop' is not a valid Python package name"),
        ("project_slug=django", "'django' would shadow the module"),
        ("project_slug=config", "'config' would shadow the module"),
        ("project_slug=celery", "'celery' would shadow the module"),
        ("project_slug=class", "'class' would shadow the module"),
        ("author_email=not-an-email", "author_email 'not-an-email' is not an email address"),
        ("author_email=a@b", "author_email 'a@b' is not an email address"),
        ("timezone=Mars/Olympus", "timezone 'Mars/Olympus' is not an IANA time zone"),
        ("language_code=Korean", "language_code 'Korean' is not a language code"),
    ],
)
def test_bad_answer_is_refused_with_its_message_and_writes_nothing(tmp_path, answer, message):
    result = bake_cli(tmp_path, answer)

    assert result.returncode != 0
    assert f"ERROR: {answer.split('=')[0]} " in result.stderr
    assert message in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_django_6_with_python_3_11_is_refused_in_one_line_that_says_why(tmp_path):
    result = bake_cli(tmp_path, "django_version=6.1", "python_version=3.11")

    errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR")]
    assert result.returncode != 0
    assert errors == [
        "ERROR: django_version 6.1 needs Python 3.12 or newer, not 3.11: "
        "answer a newer python_version, or django_version 5.2 (the LTS)."
    ]
    assert list(tmp_path.iterdir()) == []


def test_good_answers_bake_with_a_fresh_secret_key_each_time(tmp_path):
    first = bake(tmp_path / "one")
    second = bake(tmp_path / "two")

    def secret(project: Path) -> str:
        lines = (project / ".env").read_text().splitlines()
        [line] = [line for line in lines if line.startswith("DJANGO_SECRET_KEY=")]
        return line.split("=", 1)[1]

    assert len(secret(first)) >= 50
    assert secret(first) != secret(second)
    assert "change-me" not in (first / ".env").read_text()
    assert ".env\n" in (first / ".gitignore").read_text()

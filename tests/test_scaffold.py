"""`make app` in a baked project: three apps, each with a status (one without the export), then
the project's tests, lint (ruff, mypy, import contracts), the migrations check and the API schema
(no enum-name collision) pass with no edit, and `make messages` changes no app's catalogue.
Bad names are one line, exit code 1, and nothing written; an app is never overwritten.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import yaml

from tests.conftest import mypy_env, run
from tools.project import bake

TEST_SETTINGS = {"DJANGO_SETTINGS_MODULE": "config.settings.test"}


def make(project: Path, python: Path, *args: str) -> str:
    venv = python.parent.parent
    return run(["make", *args, f"VENV={venv}"], project, env=mypy_env(project))


def files_digest(project: Path) -> dict[str, str]:
    return {
        str(path.relative_to(project)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in project.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


def catalogue(project: Path, app: str) -> dict[str, str]:
    po = project / "apps" / app / "locale/ko/LC_MESSAGES/django.po"
    return dict(re.findall(r'^msgid "(.+)"\nmsgstr "(.*)"$', po.read_text(), re.MULTILINE))


def test_three_scaffolded_apps_pass_tests_lint_migrations_and_schema_with_no_edit(tmp_path, project_python):
    """orders (with its Korean name), invoices (without) and support_tickets (no export) in one
    project: each with a `status`, next to the example apps' and the export jobs'."""
    project = bake(tmp_path)

    started = time.monotonic()
    orders = make(project, project_python, "app", "NAME=orders", "LABEL=주문")
    app_tests = run([project_python, "-m", "pytest", "apps/orders", "-q", "-p", "no:cacheprovider"], project)
    scaffold_and_test = time.monotonic() - started
    invoices = make(project, project_python, "app", "NAME=invoices")
    make(project, project_python, "app", "NAME=support_tickets", "MODEL=Ticket", "NO_EXPORT=1")

    assert "Created apps/orders/" in orders
    assert "Applying orders.0001_initial... OK" in orders
    assert "LABEL=" not in orders
    assert "make app NAME=invoices LABEL=" in invoices
    assert "apps/invoices/locale/ko/LC_MESSAGES/django.po" in invoices
    assert (project / "apps/orders/migrations/0001_initial.py").is_file()
    assert (project / "apps/orders/locale/ko/LC_MESSAGES/django.mo").is_file()
    assert (project / "apps/orders/exports.py").is_file()
    assert not (project / "apps/support_tickets/exports.py").exists()
    assert (
        'path("api/support-tickets/", include("apps.support_tickets.urls")),'
        in (project / "config/urls.py").read_text()
    )
    assert catalogue(project, "orders")["order"] == "주문"
    assert catalogue(project, "invoices")["invoice"] == "invoice"
    suite = make(project, project_python, "test")
    make(project, project_python, "lint")
    make(project, project_python, "migrations-check")
    run(
        [project_python, "manage.py", "spectacular", "--fail-on-warn", "--validate", "--file", "schema.yml"],
        project,
        env=TEST_SETTINGS,
    )
    schema = yaml.safe_load((project / "schema.yml").read_text())
    for route in ("/api/orders/", "/api/orders/{order_id}/", "/api/orders/export/", "/api/support-tickets/"):
        assert route in schema["paths"], route
    assert "/api/support-tickets/export/" not in schema["paths"]
    components = schema["components"]["schemas"]
    for model in ("Order", "Invoice", "Ticket"):
        enum = f"{model}StatusEnum"
        reference = {"$ref": f"#/components/schemas/{enum}"}
        assert components[model]["properties"]["status"] == {"allOf": [reference], "readOnly": True}
        assert components[f"{model}Input"]["properties"]["status"] == reference
        assert components[enum]["enum"] == ["pending", "confirmed", "cancelled"]
    assert "MissionRewardLogStatusEnum" in components
    if shutil.which("msgfmt"):  # GNU gettext: `make messages` finds the catalogues complete
        before = {app: catalogue(project, app) for app in ("orders", "invoices", "support_tickets")}
        make(project, project_python, "messages")
        assert {app: catalogue(project, app) for app in before} == before
    print(
        f"make app + the app's tests took {scaffold_and_test:.1f} s "
        f"({app_tests.strip().splitlines()[-1]}); whole suite: {suite.strip().splitlines()[-1]}"
    )


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return bake(tmp_path_factory.mktemp("scaffold-bad-input"), include_example_apps="n")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("Orders", "'Orders' is not a valid app name"),
        ("my-orders", "'my-orders' is not a valid app name"),
        ("common", "apps/common already exists; nothing was changed."),
        ("users", "apps/users already exists; nothing was changed."),
        ("django", "'django' would shadow the Python module 'django'"),
        ("celery", "'celery' would shadow the Python module 'celery'"),
        ("test", "'test' would shadow the Python module 'test'"),
        ("config", "'config' is taken by the project or an installed app"),
    ],
)
def test_a_bad_name_is_one_clear_line_exit_code_1_and_nothing_written(project, project_python, name, message):
    before = files_digest(project)

    result = subprocess.run(
        [project_python, "manage.py", "startapp_backoffice", name],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 1
    assert result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"CommandError: {message}")
    assert files_digest(project) == before


def test_a_second_run_never_overwrites_the_app(project, project_python):
    make(project, project_python, "app", "NAME=invoices")
    models = project / "apps/invoices/models.py"
    models.write_text(models.read_text() + "\n# edited by hand\n")
    before = files_digest(project)

    result = subprocess.run(
        ["make", "app", "NAME=invoices", f"VENV={project_python.parent.parent}"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode != 0
    assert "CommandError: apps/invoices already exists; nothing was changed." in result.stderr
    assert files_digest(project) == before

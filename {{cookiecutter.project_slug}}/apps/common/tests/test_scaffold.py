"""`make app`'s refusals and its edits, on a copy of the project's registration files.

The whole run (files, migration, the new app's tests, lint) is exercised by the template's
own tests, which scaffold apps in a fresh project.
"""

import ast
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from apps.common.catalogues import parse_po
from apps.common.scaffold import (
    CATALOGUE,
    MARKER,
    REGISTRATIONS,
    AppNames,
    ScaffoldError,
    default_model_name,
    render_app,
    scaffold_app,
)

# A name no app of this project has (the project's own apps may be called anything else).
NEW_APP = "scaffold_probe"


@pytest.fixture
def project(tmp_path: Path, settings) -> Path:
    """A project folder holding the files the scaffold edits, and an existing app."""
    for relative in REGISTRATIONS:
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(Path(settings.BASE_DIR) / relative, tmp_path / relative)
    (tmp_path / "apps" / "existing").mkdir(parents=True)
    settings.BASE_DIR = tmp_path
    return tmp_path


def snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): p.read_text() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("Orders", "is not a valid app name"),
        ("1orders", "is not a valid app name"),
        ("my-app", "is not a valid app name"),
        ("class", "is not a valid app name"),
        ("existing", "apps/existing already exists"),
        ("config", "is taken by the project"),
        ("auth", "is taken by the project or an installed app"),
        ("django", "would shadow the Python module 'django'"),
        ("celery", "would shadow the Python module 'celery'"),
        ("test", "would shadow the Python module 'test'"),
    ],
)
def test_a_bad_name_is_one_clear_error_and_nothing_is_written(project, name, message):
    before = snapshot(project)

    with pytest.raises(CommandError, match=message) as error:
        call_command("startapp_backoffice", name)

    assert "\n" not in str(error.value)
    assert snapshot(project) == before


def test_common_and_users_already_exist():
    base_dir = Path(settings.BASE_DIR)
    for name in ("common", "users"):
        with pytest.raises(ScaffoldError, match=f"apps/{name} already exists"):
            scaffold_app(app=name, model=None, export=True, base_dir=base_dir)


def test_a_bad_model_name_is_refused(project):
    with pytest.raises(CommandError, match="'order' is not a valid model name"):
        call_command("startapp_backoffice", NEW_APP, "--model", "order")


@pytest.mark.parametrize("label", ['주"문', "주\\문", "주\n문", "주문\n", ""])
def test_a_label_a_catalogue_cannot_hold_is_refused(project, label):
    before = snapshot(project)

    with pytest.raises(CommandError, match="is not a usable label"):
        call_command("startapp_backoffice", NEW_APP, "--label", label)

    assert snapshot(project) == before


def test_a_registration_file_without_its_marker_stops_everything(project):
    urls = project / "config" / "urls.py"
    urls.write_text(urls.read_text().replace(MARKER, ""))
    before = snapshot(project)

    with pytest.raises(CommandError, match=r"config/urls\.py has no"):
        call_command("startapp_backoffice", NEW_APP)

    assert snapshot(project) == before


def test_a_failed_migration_step_puts_every_file_back(project):
    before = snapshot(project)  # no manage.py here: makemigrations fails

    with pytest.raises(CommandError, match=f"makemigrations {NEW_APP} failed; nothing was kept"):
        call_command("startapp_backoffice", NEW_APP)

    assert snapshot(project) == before
    assert not (project / "apps" / NEW_APP).exists()


@pytest.mark.parametrize(
    ("app", "model"),
    [("orders", "Order"), ("order_items", "OrderItem"), ("categories", "Category")],
)
def test_the_model_name_comes_from_the_app_name(app, model):
    assert default_model_name(app) == model


def test_names_follow_the_house_conventions():
    context = AppNames(app="order_items", model="OrderItem", export=True).context()

    assert context["config_class"] == "OrderItemsConfig"
    assert (context["entity"], context["entity_upper"]) == ("order_item", "ORDER_ITEM")
    assert (context["url_name"], context["url_prefix"]) == ("order-item", "order-items")


def test_without_the_export_no_file_mentions_it():
    with_export = render_app(AppNames(app="orders", model="Order", export=True))
    without = render_app(AppNames(app="orders", model="Order", export=False))

    assert set(with_export) - set(without) == {
        Path("exports.py"),
        Path("tests/test_exports.py"),
        Path("imports.py"),
        Path("tests/test_imports.py"),
    }
    assert "ExportApi.as_view(export=order_export" in with_export[Path("urls.py")]
    assert not [path for path, text in without.items() if "export" in text.lower()]


GETTEXT_CALLS = frozenset({"_", "gettext", "gettext_lazy"})


def messages_of_the_code(files: dict[Path, str]) -> set[str]:
    """The strings the rendered modules pass to gettext, as `make messages` finds them."""
    found = set()
    for path, text in files.items():
        if path.suffix != ".py":
            continue
        for node in ast.walk(ast.parse(text)):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in GETTEXT_CALLS
            ):
                [message] = node.args
                assert isinstance(message, ast.Constant), f"{path}: {ast.unparse(node)}"
                assert isinstance(message.value, str), f"{path}: {ast.unparse(node)}"
                found.add(message.value)
    return found


@pytest.mark.parametrize("export", [True, False], ids=["export", "no_export"])
@pytest.mark.parametrize(
    ("app", "model"), [("orders", "Order"), ("amounts", "Amount"), ("data", "Data")]
)
def test_the_catalogue_translates_every_string_of_the_app_and_nothing_else(app, model, export):
    files = render_app(AppNames(app=app, model=model, export=export))

    entries = [entry for entry in parse_po(files[CATALOGUE]) if not entry.is_header]

    assert {entry.msgid for entry in entries} == messages_of_the_code(files)
    assert len(entries) == len({entry.msgid for entry in entries}), "each message once"
    assert all(entry.translated and not entry.fuzzy for entry in entries)


def test_the_label_is_the_models_and_the_apps_korean_name():
    def korean(label: str | None) -> dict[str, str]:
        files = render_app(AppNames(app="orders", model="Order", export=True, label=label))
        return {entry.msgid: entry.msgstr[0] for entry in parse_po(files[CATALOGUE])}

    named, unnamed = korean("주문"), korean(None)

    assert [named[msgid] for msgid in ("Orders", "order", "orders")] == ["주문"] * 3
    assert named["No such order."] == "해당 주문이(가) 없습니다."
    assert [unnamed[msgid] for msgid in ("Orders", "order", "orders")] == [
        "Orders",
        "order",
        "orders",
    ]
    assert named["status"] == unnamed["status"] == "상태"

"""`make app NAME=orders`: a new app in the house layout, registered and migrated.

The app's files are rendered from `app_template/*.py-tpl` with Django's template engine, and its
Korean catalogue from `app_template/locale/ko/LC_MESSAGES/django.po-tpl` (compiled here, without
GNU gettext): every string of the app's code, translated, the model's name from `--label`. The
project's settings, URLs and import contracts get one line each, above the marker comment
`MARKER` (the only places the scaffold edits). Every check runs before anything is written, and
a failed migration step puts every file back as it was.
"""

import importlib.util
import keyword
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps as django_apps
from django.template import Context, Engine

from apps.common.catalogues import compiled_messages, read_po, write_mo

TEMPLATE_DIR = Path(__file__).resolve().parent / "app_template"
MARKER = "# make app: new apps go above this line."
APP_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
MODEL_NAME = re.compile(r"^[A-Z][A-Za-z0-9]*$")
# A label goes into a .po string as it is: no quote, backslash or line break.
LABEL = re.compile(r'[^"\\\n\r]+')
TEMPLATE_SUFFIX = "-tpl"
CATALOGUE = Path("locale/ko/LC_MESSAGES/django.po")
# Folders of the project itself: an app by one of these names would hide or confuse them.
RESERVED = frozenset({"apps", "config", "docs", "scripts", "static", "templates", "tests"})
# The project files that list every app, each with the marker where a new app's line goes.
REGISTRATIONS = {
    "config/settings/base.py": '"apps.{app}",',
    "config/urls.py": 'path("api/{url_prefix}/", include("apps.{app}.urls")),',
    "pyproject.toml": '"apps.{app}",',
}


class ScaffoldError(Exception):
    """Bad input: the message says what to change; nothing has been written."""


@dataclass(frozen=True)
class AppNames:
    """Every name the templates use, derived from the app's name and its model's."""

    app: str  # orders
    model: str  # Order
    export: bool
    label: str | None = None  # 주문: the model's Korean name; without it, the English one

    @property
    def entity(self) -> str:  # order: the prefix of selectors and services
        return re.sub(r"(?<!^)(?=[A-Z])", "_", self.model).lower()

    def context(self) -> dict[str, object]:
        words = self.app.replace("_", " ")
        model_verbose = self.entity.replace("_", " ")
        return {
            "app": self.app,
            "app_verbose": words.capitalize(),
            "config_class": "".join(part.capitalize() for part in self.app.split("_")) + "Config",
            "model": self.model,
            "model_verbose": model_verbose,
            "model_verbose_plural": words,
            # The Korean names: the label for the app, the model and its plural alike.
            "label": self.label or model_verbose,
            "label_plural": self.label or words,
            "label_app": self.label or words.capitalize(),
            "entity": self.entity,
            "entity_upper": self.entity.upper(),
            "url_name": self.entity.replace("_", "-"),
            "url_prefix": self.app.replace("_", "-"),
            "export": self.export,
        }


def default_model_name(app: str) -> str:
    """`orders` -> `Order`, `order_items` -> `OrderItem`, `categories` -> `Category`."""
    singular = app
    if app.endswith("ies"):
        singular = app[:-3] + "y"
    elif app.endswith("s") and not app.endswith("ss"):
        singular = app[:-1]
    return "".join(part.capitalize() for part in singular.split("_") if part)


def check_names(*, app: str, model: str, label: str | None, base_dir: Path) -> None:
    """Refuse a name that is not a lowercase identifier, an existing app, a shadowed module, or
    a label that a catalogue cannot hold."""
    if not APP_NAME.match(app) or keyword.iskeyword(app):
        raise ScaffoldError(
            f"{app!r} is not a valid app name: use lowercase letters, digits and underscores, "
            "starting with a letter (for example `orders`)."
        )
    if (base_dir / "apps" / app).exists():
        raise ScaffoldError(f"apps/{app} already exists; nothing was changed.")
    if app in RESERVED or django_apps.is_installed(app) or _is_installed_label(app):
        raise ScaffoldError(f"{app!r} is taken by the project or an installed app; pick another.")
    if importlib.util.find_spec(app) is not None:
        raise ScaffoldError(f"{app!r} would shadow the Python module {app!r}; pick another name.")
    if not MODEL_NAME.match(model) or keyword.iskeyword(model):
        raise ScaffoldError(
            f"{model!r} is not a valid model name: use CamelCase letters and digits "
            "(for example `Order`)."
        )
    if label is not None and not LABEL.fullmatch(label):
        raise ScaffoldError(
            f"{label!r} is not a usable label: give the model's Korean name without quotes, "
            "backslashes or line breaks (for example `주문`)."
        )


def _is_installed_label(label: str) -> bool:
    return any(config.label == label for config in django_apps.get_app_configs())


def render_app(names: AppNames) -> dict[Path, str]:
    """The new app's files, relative to `apps/<app>/`, rendered in memory."""
    engine = Engine(debug=False)
    context = names.context()
    rendered: dict[Path, str] = {}
    for source in sorted(TEMPLATE_DIR.rglob(f"*{TEMPLATE_SUFFIX}")):
        relative = source.relative_to(TEMPLATE_DIR)
        relative = relative.with_name(relative.name.removesuffix(TEMPLATE_SUFFIX))
        if not names.export and relative.name in {
            "exports.py",
            "test_exports.py",
            "imports.py",
            "test_imports.py",
        }:
            continue
        template = engine.from_string(source.read_text())
        rendered[relative] = template.render(Context(context, autoescape=False))
    rendered[CATALOGUE] = without_repeated_messages(rendered[CATALOGUE])
    return rendered


def without_repeated_messages(po: str) -> str:
    """The catalogue with each msgid once: a model may be named like a field (`amounts`)."""
    seen = set()
    entries = []
    for entry in po.split("\n\n"):
        msgid = next(line for line in entry.splitlines() if line.startswith("msgid "))
        if msgid not in seen:
            seen.add(msgid)
            entries.append(entry)
    return "\n\n".join(entries)


def register(text: str, line: str, *, path: str) -> str:
    """`text` with `line` added above every marker, at the marker's indentation."""
    if MARKER not in text:
        raise ScaffoldError(f"{path} has no `{MARKER}` line, so the app cannot be registered.")
    out = []
    for current in text.splitlines(keepends=True):
        if MARKER in current:
            indent = current[: len(current) - len(current.lstrip())]
            out.append(f"{indent}{line}\n")
        out.append(current)
    return "".join(out)


def scaffold_app(
    *, app: str, model: str | None, export: bool, base_dir: Path, label: str | None = None
) -> list[Path]:
    """Create `apps/<app>/`, register it, write its first migration; return the files written.

    Raises ScaffoldError, with nothing written, on bad input or a failed migration step.
    """
    model = model or default_model_name(app)
    check_names(app=app, model=model, label=label, base_dir=base_dir)
    names = AppNames(app=app, model=model, export=export, label=label)
    files = render_app(names)
    context = names.context()
    originals = {path: (base_dir / path).read_text() for path in REGISTRATIONS}
    edited = {
        path: register(originals[path], line.format(**context), path=path)
        for path, line in REGISTRATIONS.items()
    }

    app_dir = base_dir / "apps" / app
    try:
        for relative, content in files.items():
            (app_dir / relative).parent.mkdir(parents=True, exist_ok=True)
            (app_dir / relative).write_text(content, encoding="utf-8")
        po = app_dir / CATALOGUE
        write_mo(compiled_messages(read_po(po)), po.with_suffix(".mo"))
        (app_dir / "migrations").mkdir()
        (app_dir / "migrations" / "__init__.py").write_text("")
        for path, text in edited.items():
            (base_dir / path).write_text(text)
        _tidy(app_dir, base_dir)
        _make_migrations(app, base_dir)
    except BaseException:
        shutil.rmtree(app_dir, ignore_errors=True)
        for path, text in originals.items():
            (base_dir / path).write_text(text)
        raise
    return sorted(path.relative_to(base_dir) for path in app_dir.rglob("*") if path.is_file())


def _tidy(app_dir: Path, base_dir: Path) -> None:
    """Imports sorted and lines wrapped as `make format` would: long names make long lines.

    ruff is a development dependency; without it the files stay as rendered.
    """
    if importlib.util.find_spec("ruff") is None:
        return
    for command in (["check", "--fix", "--select", "I"], ["format"]):
        subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
            [sys.executable, "-m", "ruff", *command, "--quiet", "--no-cache", str(app_dir)],
            cwd=base_dir,
            check=True,
        )


def _make_migrations(app: str, base_dir: Path) -> None:
    """The initial migration, by a fresh process: this one loaded the settings without the app."""
    result = subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, "manage.py", "makemigrations", app],
        cwd=base_dir,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise ScaffoldError(f"makemigrations {app} failed; nothing was kept:\n{result.stderr}")

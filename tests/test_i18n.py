"""The Korean catalogues of every bake: complete for the code as baked, and compiled as committed.

Each app that has strings of its own ships its catalogue in its own `locale/` folder (the
project's in `locale/`), so a bake without the example apps loses their catalogues with their
folders and no catalogue needs a Jinja condition. `manage.py makemessages -l ko` in a fresh bake
must then leave every catalogue with nothing untranslated, nothing fuzzy (a changed string) and
nothing obsolete (a string the code no longer has), and each committed django.mo must hold
exactly what its django.po says. Needs GNU gettext (`.ci/install-gettext` installs it); a baked
project needs it only to change its catalogues, never to run.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import run
from tools.project import bake

CATALOGUES = {
    "y": ["locale", "apps/missions/locale", "apps/reward_logs/locale"],
    "n": ["locale"],
}
PO = "ko/LC_MESSAGES/django.po"
MO = "ko/LC_MESSAGES/django.mo"
TEST_SETTINGS = {"DJANGO_SETTINGS_MODULE": "config.settings.test"}


def selected(catalogue: Path, selection: str) -> str:
    """The entries `msgattrib <selection>` picks from the catalogue: nothing at all when none
    (it leaves the header out too)."""
    return run(["msgattrib", selection, PO], catalogue).strip()


def catalogue_folders(project: Path) -> list[Path]:
    """Every folder holding a Korean catalogue (`<folder>/ko/LC_MESSAGES/django.po`)."""
    return sorted(path.parents[2].relative_to(project) for path in project.rglob("django.po"))


def decompiled(mo: Path, cwd: Path) -> str:
    return run(["msgunfmt", "--sort-output", str(mo)], cwd)


@pytest.fixture(scope="module")
def gettext_tools() -> None:
    missing = [tool for tool in ("xgettext", "msgfmt", "msgattrib", "msgunfmt") if not shutil.which(tool)]
    if missing:
        pytest.skip(f"GNU gettext is not installed ({', '.join(missing)}): .ci/install-gettext installs it")


@pytest.mark.usefixtures("gettext_tools")
@pytest.mark.parametrize("examples", ["y", "n"], ids=["examples_y", "examples_n"])
def test_makemessages_leaves_every_catalogue_complete_and_the_mo_files_match(
    tmp_path, project_python, examples
):
    project = bake(tmp_path, include_example_apps=examples)
    catalogues = catalogue_folders(project)
    assert [str(path) for path in catalogues] == sorted(CATALOGUES[examples])

    for catalogue in catalogues:
        folder = project / catalogue
        compiled = tmp_path / "fresh.mo"
        run(["msgfmt", "--check", "-o", str(compiled), PO], folder)
        assert decompiled(folder / MO, folder) == decompiled(compiled, folder), (
            f"{catalogue}/{MO} is not {PO} compiled: run `make messages` and commit both"
        )

    run([project_python, "manage.py", "makemessages", "--locale", "ko"], project, env=TEST_SETTINGS)

    assert catalogue_folders(project) == catalogues, "makemessages started a new catalogue"
    counts = {}
    for catalogue in catalogues:
        folder = project / catalogue
        assert selected(folder, "--untranslated") == "", f"untranslated in {catalogue}"
        assert selected(folder, "--only-fuzzy") == "", f"fuzzy (changed) in {catalogue}"
        assert selected(folder, "--only-obsolete") == "", f"obsolete (gone from the code) in {catalogue}"
        statistics = run(["msgfmt", "--check", "--statistics", "-o", "/dev/null", PO], folder)
        counts[str(catalogue)] = statistics.strip()
    print(f"examples={examples}: {counts}")

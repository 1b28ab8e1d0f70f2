"""Every catalogue of the project is complete and compiled: a translation never goes wrong silently.

`make messages` marks a string it could only guess as fuzzy (Django never shows a fuzzy
translation: the reader sees English) and leaves a new string untranslated; either fails here,
as does a `django.mo` that is not its `django.po` compiled (edited, but `make messages` not run).
"""

import gettext
from pathlib import Path

import pytest
from django.conf import settings

from apps.common.catalogues import Entry, compiled_messages, read_mo, read_po, write_mo

CATALOGUE = "*/LC_MESSAGES/django.po"


def project_catalogues() -> list[Path]:
    """The project's catalogues and every app's (`apps/<app>/locale/`)."""
    base_dir = Path(settings.BASE_DIR)
    folders = [Path(folder) for folder in settings.LOCALE_PATHS]
    folders += sorted((base_dir / "apps").glob("*/locale"))
    return sorted(po for folder in folders for po in folder.glob(CATALOGUE))


CATALOGUES = project_catalogues()


def describe(entries: list[Entry]) -> str:
    return "; ".join(repr(entry.msgid) for entry in entries)


def test_the_project_has_catalogues():
    assert Path(settings.BASE_DIR, "locale/ko/LC_MESSAGES/django.po") in CATALOGUES


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda po: str(po.relative_to(settings.BASE_DIR)))
def test_every_entry_is_translated_and_none_is_fuzzy_and_the_mo_is_the_po_compiled(po):
    entries = [entry for entry in read_po(po) if not entry.obsolete]

    untranslated = [entry for entry in entries if not entry.is_header and not entry.translated]
    fuzzy = [entry for entry in entries if entry.fuzzy]
    assert not untranslated, f"untranslated in {po}: {describe(untranslated)}"
    assert not fuzzy, f"fuzzy (guessed, check and drop the flag) in {po}: {describe(fuzzy)}"
    assert read_mo(po.with_suffix(".mo")) == compiled_messages(entries), (
        f"{po.with_suffix('.mo')} is not {po.name} compiled: run `make messages`"
    )


PO_TEXT = r"""# A comment
msgid ""
msgstr ""
"Language: ko\n"
"Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=1; plural=0;\n"

#: apps/x.py
msgid "name"
msgstr "이름"

msgctxt "menu"
msgid "Open"
msgstr "열기"

#, python-format
msgid "%(n)s row"
msgid_plural "%(n)s rows"
msgstr[0] ""
"%(n)s"
"행"

#, fuzzy, python-format
msgid "shipped"
msgstr "건너뛴 행 수"

msgid "placed at"
msgstr ""

#~ msgid "gone"
#~ msgstr "사라짐"
"""


@pytest.fixture
def po(tmp_path: Path) -> Path:
    path = tmp_path / "django.po"
    path.write_text(PO_TEXT, encoding="utf-8")
    return path


def test_a_catalogue_reads_with_its_contexts_plurals_flags_and_obsolete_entries(po):
    header, name, menu, rows, shipped, placed, gone = read_po(po)

    assert header.is_header
    assert "Plural-Forms" in header.msgstr[0]
    assert (name.msgid, name.msgstr) == ("name", ["이름"])
    assert (menu.context, menu.msgid, menu.msgstr) == ("menu", "Open", ["열기"])
    assert (rows.plural, rows.msgstr) == ("%(n)s rows", ["%(n)s행"])
    assert (shipped.fuzzy, shipped.translated) == (True, True)
    assert "python-format" in shipped.flags
    assert (placed.translated, placed.fuzzy) == (False, False)
    assert (gone.obsolete, gone.msgid) == (True, "gone")


def test_the_compiled_catalogue_is_what_gettext_reads_without_the_fuzzy_and_untranslated(
    po, tmp_path
):
    mo = tmp_path / "django.mo"

    write_mo(compiled_messages(read_po(po)), mo)

    with mo.open("rb") as file:
        translations = gettext.GNUTranslations(file)
    # Looked up under other names, or `make messages` would take these strings for the code's.
    look_up, look_up_in, look_up_plural = (
        translations.gettext,
        translations.pgettext,
        translations.ngettext,
    )
    assert look_up("name") == "이름"
    assert look_up_in("menu", "Open") == "열기"
    assert look_up_plural("%(n)s row", "%(n)s rows", 3) == "%(n)s행"
    assert look_up("shipped") == "shipped", "a fuzzy guess is never shown"
    assert look_up("placed at") == "placed at"
    assert look_up("gone") == "gone"
    assert read_mo(mo) == compiled_messages(read_po(po))

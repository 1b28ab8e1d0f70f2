"""Each of the export's cell rules, undone by the import's cell readers."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import models
from rest_framework import serializers

from apps.common.exports.csv_format import neutralize_formula
from apps.common.imports.cells import CellError, cell_reader
from apps.common.imports.version import parse_version, version_text

SEOUL = ZoneInfo("Asia/Seoul")
VALUE_MAP = {None: "-", True: "Y", False: "N"}


def _reader(field, model_field=None, *, csv=True):
    return cell_reader(
        field,
        model_field,
        zone=SEOUL,
        datetime_format="%Y-%m-%d %H:%M:%S",
        date_format="%Y-%m-%d",
        value_map=VALUE_MAP,
        csv=csv,
        languages=["ko", "en"],
    )


@pytest.mark.parametrize("text", ["=SUM(A1:A3)", "+cmd", "-2+3", "@foo", "\tx"])
def test_the_formula_prefix_is_taken_off_csv_cells(text):
    assert _reader(serializers.CharField())(neutralize_formula(text)) == text


def test_an_apostrophe_before_plain_text_stays_and_xlsx_cells_keep_theirs():
    assert _reader(serializers.CharField())("'quoted") == "'quoted"
    assert _reader(serializers.CharField(), csv=False)("'=x") == "'=x"


def test_dash_is_none_where_none_is_taken_and_text_elsewhere():
    assert _reader(serializers.CharField(allow_null=True))("-") is None
    assert _reader(serializers.CharField())("-") == "-"
    assert _reader(serializers.DateTimeField(allow_null=True))("-") is None


def test_y_and_n_are_booleans():
    read = _reader(serializers.BooleanField())
    assert (read("Y"), read("N"), read(True)) == (True, False, True)


def test_choice_labels_in_either_language_are_codes():
    choices = [("paid", "paid out"), ("held", "on hold")]
    field: models.CharField[str, str] = models.CharField(choices=choices)
    read = _reader(serializers.ChoiceField(choices=choices), field)
    assert (read("paid out"), read("on hold"), read("held"), read("other")) == (
        "paid",
        "held",
        "held",
        "other",
    )


def test_local_datetimes_are_wall_clock_times_in_the_export_zone():
    read = _reader(serializers.DateTimeField())
    expected = datetime(2026, 1, 1, 0, 0, tzinfo=UTC)
    assert read("2026-01-01 09:00:00") == expected
    assert read(datetime(2026, 1, 1, 9, 0)) == expected  # an XLSX date cell has no zone
    assert read("2026-01-01T00:00:00+00:00") == expected  # ISO 8601 with an offset, as is


def test_dates():
    read = _reader(serializers.DateField())
    assert read("2026-03-04") == date(2026, 3, 4)
    assert read(datetime(2026, 3, 4)) == date(2026, 3, 4)


def test_numbers_as_excel_stores_them():
    assert _reader(serializers.IntegerField())(100.0) == 100
    assert _reader(serializers.CharField())(1234.0) == "1234"
    assert _reader(serializers.CharField())(12.5) == "12.5"


def test_a_nul_character_is_refused_in_any_cell():
    with pytest.raises(CellError, match="NUL"):
        _reader(serializers.CharField(), csv=False)("a\x00b")


def test_the_version_reads_back_to_the_microsecond():
    stored = datetime(2026, 12, 4, 11, 10, 0, 123456, tzinfo=UTC)
    assert parse_version(version_text(stored)) == stored
    assert parse_version("2026-12-04 20:10:00") is None  # a local time is not a version

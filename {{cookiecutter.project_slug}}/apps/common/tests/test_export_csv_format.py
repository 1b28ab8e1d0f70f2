from decimal import Decimal

import pytest

from apps.common.exports.csv_format import (
    CSVTextWriter,
    is_formula,
    make_cell_converter,
    neutralize_formula,
)

DEFAULT_MAP = {None: "-", True: "Y", False: "N"}


@pytest.mark.parametrize(
    "text", ["=cmd", "+SUM(A1)", "-1+2", "@SUM(A1:A2)", "\tlead", "\rlead", "=1", "-A1"]
)
def test_formula_like_text_is_prefixed_with_a_quote(text):
    assert is_formula(text)
    assert neutralize_formula(text) == "'" + text


@pytest.mark.parametrize("text", ["-1", "+82", "-12.50", "-1e5", "-.5", "-", "=", "a=b", ""])
def test_plain_numbers_single_characters_and_ordinary_text_are_left_alone(text):
    assert not is_formula(text)
    assert neutralize_formula(text) == text


@pytest.mark.parametrize("number", [-1, -2.5, Decimal("-1.50"), 0])
def test_real_numbers_stay_numbers(number):
    to_cell = make_cell_converter(DEFAULT_MAP, neutralize=True)

    assert to_cell(number) == number
    assert type(to_cell(number)) is type(number)


def test_value_map_matches_by_type_so_one_and_zero_are_not_booleans():
    to_cell = make_cell_converter(DEFAULT_MAP, neutralize=True)

    assert [to_cell(v) for v in (None, True, False, 1, 0, "")] == ["-", "Y", "N", 1, 0, ""]


def test_mappings_and_lists_become_json_and_other_objects_their_text():
    to_cell = make_cell_converter(None, neutralize=True)

    assert to_cell({"이름": "값", "n": [1, 2]}) == '{"이름": "값", "n": [1, 2]}'
    assert to_cell(["=a"]) == '["=a"]'
    assert to_cell(None) is None  # the csv module writes an empty cell


def test_objects_whose_text_looks_like_a_formula_are_neutralized_too():
    class Formula:
        def __str__(self) -> str:
            return "=HYPERLINK()"

    assert make_cell_converter(None, neutralize=True)(Formula()) == "'=HYPERLINK()"


def test_neutralizing_can_be_switched_off():
    to_cell = make_cell_converter(DEFAULT_MAP, neutralize=False)

    assert to_cell("=cmd") == "=cmd"
    assert to_cell(None) == "-"


def test_writer_takes_whole_lines_once():
    writer = CSVTextWriter()
    writer.writerow(["a,b", 'say "hi"', "x\r\ny"])

    assert writer.take() == '"a,b","say ""hi""","x\r\ny"\r\n'
    assert writer.take() == ""

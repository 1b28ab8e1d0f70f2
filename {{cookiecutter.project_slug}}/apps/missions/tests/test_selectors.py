"""Selector tests, written with model-bakery recipes (apps/missions/baker_recipes.py) to show
the quick alternative to factory-boy: `baker.make_recipe("missions.mission", _quantity=3)`."""

import pytest
from model_bakery import baker

from apps.missions.selectors import mission_get, mission_list

pytestmark = pytest.mark.django_db


def numbers(queryset) -> list[tuple[str, int | None]]:
    return [(mission.title, mission.number) for mission in queryset]


def test_exposed_missions_are_numbered_in_list_order_and_hidden_ones_get_none():
    first = baker.make_recipe("missions.mission", title="first")
    hidden = baker.make_recipe("missions.hidden_mission", title="hidden")
    third = baker.make_recipe("missions.mission", title="third")

    # Newest first: third, hidden, first.
    assert numbers(mission_list()) == [(third.title, 1), (hidden.title, None), (first.title, 2)]


def test_numbers_follow_the_ordering_they_are_given():
    for title in ("b", "c", "a"):
        baker.make_recipe("missions.mission", title=title)

    assert numbers(mission_list(ordering=("title", "-id"))) == [("a", 1), ("b", 2), ("c", 3)]


def test_numbers_count_only_the_rows_left_by_further_filters():
    kept = baker.make_recipe("missions.mission", title="kept 1")
    baker.make_recipe("missions.mission", title="dropped")
    newest = baker.make_recipe("missions.mission", title="kept 2")

    filtered = mission_list().filter(title__startswith="kept")

    assert numbers(filtered) == [(newest.title, 1), (kept.title, 2)]


def test_list_reads_missions_with_their_reward_in_one_query(django_assert_num_queries):
    baker.make_recipe("missions.mission", _quantity=3)

    with django_assert_num_queries(1):
        rewards = [mission.reward.name for mission in mission_list()]

    assert len(rewards) == 3


def test_mission_get_returns_the_mission_or_none():
    mission = baker.make_recipe("missions.mission")

    assert mission_get(mission_id=mission.pk) == mission
    assert mission_get(mission_id=mission.pk + 1000) is None

"""The missions API and admin in the request's language (the test settings read English)."""

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation

from apps.missions.models import Mission

from .factories import MissionFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("mission-list")


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("ko", "'maybe' 대신 true 또는 false를 사용하세요."),
        ("en", "Use true or false, not 'maybe'."),
    ],
)
def test_a_bad_filter_value_is_refused_in_the_clients_language(staff_client, language, message):
    MissionFactory.create()

    response = staff_client.get(LIST_URL, {"is_exposed": "maybe"}, HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 400
    assert response.json()["errors"] == {"is_exposed": [message]}


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("ko", "미션 종료 일시는 시작 일시보다 뒤여야 합니다."),
        ("en", "A mission must end after it starts."),
    ],
)
def test_a_broken_model_rule_is_explained_in_the_clients_language(staff_client, language, message):
    mission = MissionFactory.create()
    url = reverse("mission-detail", args=[mission.pk])

    response = staff_client.patch(
        url,
        {"ends_at": mission.starts_at.isoformat()},
        format="json",
        HTTP_ACCEPT_LANGUAGE=language,
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"ends_at": [message]}


def test_model_field_and_app_labels_are_translated():
    with translation.override("ko"):
        assert str(apps.get_app_config("missions").verbose_name) == "미션"
        assert str(Mission._meta.verbose_name) == "미션"
        assert str(Mission._meta.get_field("is_exposed").verbose_name) == "노출"
        assert str(Mission._meta.get_field("reward").verbose_name) == "리워드"

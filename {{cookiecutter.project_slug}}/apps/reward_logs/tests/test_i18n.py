"""The reward logs admin, its progress page and its refusals in the request's language."""

import pytest
from django.urls import reverse
from django.utils import translation

from apps.common.exceptions import ApplicationError
from apps.reward_logs.models import MissionRewardLog
from apps.reward_logs.services import reward_log_pay
from apps.users.tests.factories import StaffUserFactory

from .factories import MissionRewardLogFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:reward_logs_missionrewardlog_changelist")
EXPORT_CSV = reverse("admin:reward_logs_missionrewardlog_export", args=["csv"])


@pytest.fixture
def admin_client(client):
    client.force_login(StaffUserFactory.create(is_superuser=True))
    return client


def test_the_changelist_offers_its_actions_in_korean(admin_client):
    MissionRewardLogFactory.create()

    page = admin_client.get(CHANGELIST, HTTP_ACCEPT_LANGUAGE="ko").content.decode()

    assert "선택한 대기 중 리워드를 지급 완료로 표시" in page
    assert "선택한 행을 XLSX로 내보내기" in page
    assert "이 목록을 CSV로 내보내기" in page
    assert "미션 리워드 내역" in page


def test_the_progress_page_and_its_script_texts_are_in_korean(
    admin_client, s3, django_capture_on_commit_callbacks
):
    MissionRewardLogFactory.create_batch(2)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(EXPORT_CSV, HTTP_ACCEPT_LANGUAGE="ko")

    page = response.content.decode()
    assert "목록(필터, 검색, 정렬 그대로)의 내보내기 #" in page
    assert "CSV 다운로드" in page
    assert 'data-text-running="행을 쓰는 중: %(total)s행 중 %(progress)s행…"' in page
    assert 'data-text-failed="내보내기에 실패했습니다."' in page
    assert "Waiting for a worker" not in page


def test_a_refused_list_export_says_what_to_fix_in_korean(admin_client):
    response = admin_client.post(f"{EXPORT_CSV}?id__in=1", HTTP_ACCEPT_LANGUAGE="ko", follow=True)

    [message] = [str(message) for message in response.context["messages"]]
    assert message.startswith("id__in: 이 내보내기는 이 매개변수를 받지 않습니다. 받는 매개변수: ")


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("ko", "리워드 내역 {pk}의 상태가 '취소됨'입니다. 대기 중인 내역만 지급할 수 있습니다."),
        ("en", "Reward log {pk} is Cancelled; only a pending one can be paid."),
    ],
)
def test_a_refused_payment_names_the_status_in_the_active_language(language, message):
    cancelled = MissionRewardLogFactory.create(status=MissionRewardLog.Status.CANCELLED)

    with translation.override(language), pytest.raises(ApplicationError) as error:
        reward_log_pay(reward_log=cancelled)

    assert error.value.message == message.format(pk=cancelled.pk)

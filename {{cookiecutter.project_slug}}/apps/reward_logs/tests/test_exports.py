import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone, translation

from apps.common.access.masking import mask_email
from apps.common.access.models import AccessRecord
from apps.common.models import ExportJob
from apps.common.tests.export_helpers import csv_rows, streamed
from apps.missions.tests.factories import MissionFactory
from apps.reward_logs.models import MissionRewardLog
from apps.users.tests.factories import StaffUserFactory

from .factories import MissionRewardLogFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("reward-log-list")
EXPORT_URL = reverse("reward-log-export")
KOREAN_HEADER = [
    "번호",
    "회원 아이디",
    "이메일",
    "미션명",
    "리워드명",
    "지급 상태",
    "포인트",
    "지급 일시",
    "메모",
    "생성 일시",
]
ENGLISH_HEADER = [
    "No.",
    "Member ID",
    "Email",
    "Mission title",
    "Reward name",
    "Payment status",
    "Point",
    "Paid at",
    "Memo",
    "Created at",
]


def list_rows(client, params: dict) -> list[dict]:
    """Every row of the list API for these filters, page after page."""
    rows, page = [], 1
    while True:
        data = client.get(LIST_URL, {**params, "size": 2, "page": page}).json()
        rows += data["results"]
        if not data["next"]:
            return rows
        page += 1


@pytest.fixture
def reward_logs() -> list[MissionRewardLog]:
    mission = MissionFactory.create(title='주말 출석, "특별" 이벤트')
    logs = [
        MissionRewardLogFactory.create(mission=mission, paid=True, memo="출석 보상, 자동 지급"),
        MissionRewardLogFactory.create(mission=mission, memo='=HYPERLINK("http://x")'),
        MissionRewardLogFactory.create(paid=True, memo="줄바꿈\n메모"),
        MissionRewardLogFactory.create(cancelled=True, memo=""),
        MissionRewardLogFactory.create(mission=mission, paid=True),
    ]
    return logs


# Streaming -----------------------------------------------------------------------------------


def test_a_reader_allowed_to_unmask_reads_each_members_email_and_the_record_says_so(
    api_client, reward_logs
):
    reader = StaffUserFactory.create()
    reader.user_permissions.add(Permission.objects.get(codename="unmask_personal_data"))
    api_client.force_authenticate(reader)

    rows = csv_rows(streamed(api_client.get(EXPORT_URL)))

    emails = {log.pk: log.user.email for log in reward_logs}
    assert {int(row[0]): row[2] for row in rows[1:]} == emails
    record = AccessRecord.objects.get()
    assert (record.export_name, record.unmasked, record.personal_data) == (
        "mission_reward_log",
        True,
        True,
    )


def test_streaming_export_writes_korean_headers_and_one_line_per_row(staff_client, reward_logs):
    response = staff_client.get(EXPORT_URL, HTTP_ACCEPT_LANGUAGE="ko")

    body = streamed(response)
    rows = csv_rows(body)
    assert body.startswith("\ufeff".encode()), "a BOM, so Excel reads the Korean text"
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert "mission_reward_log_" in response["Content-Disposition"]
    assert rows[0] == KOREAN_HEADER
    newest = reward_logs[-1]
    assert rows[1][:8] == [
        str(newest.pk),
        newest.user.username,
        mask_email(newest.user.email),  # a reader without unmask_personal_data
        '주말 출석, "특별" 이벤트',
        newest.reward.name,
        "지급 완료",  # the status's label, in Korean
        str(newest.point),
        f"{timezone.localtime(newest.paid_at):%Y-%m-%d %H:%M:%S}",
    ]
    assert len(rows) == 1 + len(reward_logs)


def test_an_english_reader_gets_english_headers_and_labels(staff_client, reward_logs):
    rows = csv_rows(streamed(staff_client.get(EXPORT_URL, HTTP_ACCEPT_LANGUAGE="en")))

    assert rows[0] == ENGLISH_HEADER
    assert {row[5] for row in rows[1:]} == {"Paid", "Pending", "Cancelled"}


def test_streaming_export_keeps_commas_quotes_newlines_and_defuses_formulas(
    staff_client, reward_logs
):
    rows = {int(row[0]): row for row in csv_rows(streamed(staff_client.get(EXPORT_URL)))[1:]}

    assert rows[reward_logs[0].pk][8] == "출석 보상, 자동 지급"
    assert rows[reward_logs[2].pk][8] == "줄바꿈\n메모"
    assert rows[reward_logs[1].pk][8] == '\'=HYPERLINK("http://x")'
    assert rows[reward_logs[3].pk][8] == ""
    assert rows[reward_logs[3].pk][7] == "-", "no payment time: the downloader's None mark"


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"status": "paid"},
        {"status": "pending"},
        {"mission": "mission-of-first-log"},
        {"user": "user-of-third-log"},
        {"id": "first-and-last"},
        {"created_after": "today", "status": "paid"},
    ],
)
def test_the_csv_holds_exactly_the_list_rows_in_the_list_order(staff_client, reward_logs, params):
    resolve = {
        "mission-of-first-log": reward_logs[0].mission.pk,
        "user-of-third-log": reward_logs[2].user.pk,
        "first-and-last": f"{reward_logs[0].pk},{reward_logs[-1].pk}",
        "today": timezone.localdate().isoformat(),
    }
    params = {key: resolve.get(value, value) for key, value in params.items()}

    listed = list_rows(staff_client, params)
    exported = csv_rows(streamed(staff_client.get(EXPORT_URL, params)))[1:]

    assert listed, "each case must select some rows"
    assert [int(row[0]) for row in exported] == [row["id"] for row in listed]
    for csv_row, api_row in zip(exported, listed, strict=True):
        assert csv_row[1] == api_row["user"]["username"]
        assert csv_row[3] == api_row["mission"]["title"]
        assert csv_row[4] == api_row["reward"]["name"]
        with translation.override("en"):
            label = str(MissionRewardLog.Status(api_row["status"]).label)
        assert (csv_row[5], int(csv_row[6])) == (label, api_row["point"])


def test_the_export_costs_the_same_queries_for_any_number_of_rows(
    staff_client, django_assert_max_num_queries
):
    MissionRewardLogFactory.create_batch(2)
    with django_assert_max_num_queries(10) as few:
        streamed(staff_client.get(EXPORT_URL))
    MissionRewardLogFactory.create_batch(20)

    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(csv_rows(streamed(staff_client.get(EXPORT_URL)))) == 23


# Async: job, Celery task (eager in tests), S3: the generic pieces are tested in apps/common ---


def test_post_starts_a_job_whose_file_is_the_streamed_file(
    staff_client, staff_user, reward_logs, s3, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(f"{EXPORT_URL}?status=paid")

    assert response.status_code == 202, response.content
    body = response.json()
    job = ExportJob.objects.get(pk=body["job_id"])
    assert body["status_url"].endswith(reverse("export-job-detail", args=[job.pk]))
    assert response["Location"] == body["status_url"]
    assert (job.user, job.query_params) == (staff_user, {"status": "paid"})
    assert (job.status, job.row_count) == (ExportJob.Status.SUCCEEDED, 3)

    status = staff_client.get(body["status_url"]).json()
    assert (status["status"], status["percent"], status["row_count"]) == ("succeeded", 100, 3)
    assert status["download_url"]
    stored = s3.client.get_object(Bucket=job.file_bucket, Key=job.file_key)["Body"].read()
    assert stored == streamed(staff_client.get(EXPORT_URL, {"status": "paid"}))

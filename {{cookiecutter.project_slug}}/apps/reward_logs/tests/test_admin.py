import pytest
from django.contrib.admin import helpers
from django.contrib.auth.models import Permission
from django.test import TestCase
from django.urls import reverse

from apps.common.exports.formats import XLSX_MEDIA_TYPE
from apps.common.models import ExportJob
from apps.common.tests.admin_export_helpers import (
    changelist_ids,
    export_button_urls,
    export_the_list,
)
from apps.common.tests.export_helpers import (
    assert_same_cells,
    csv_rows,
    s3_body,
    streamed,
    xlsx_rows,
)
from apps.missions.tests.admin_helpers import changelist_rows, column
from apps.missions.tests.factories import MissionFactory, RewardFactory
from apps.reward_logs.admin import (
    MissionRewardLogAdmin,
    MissionWithPaidTotalsAdmin,
    RewardWithPaidTotalsAdmin,
)
from apps.reward_logs.models import MissionRewardLog
from apps.users.tests.factories import StaffUserFactory

from .factories import MissionRewardLogFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:reward_logs_missionrewardlog_changelist")
EXPORT_CSV = reverse("admin:reward_logs_missionrewardlog_export", args=["csv"])
EXPORT_XLSX = reverse("admin:reward_logs_missionrewardlog_export", args=["xlsx"])
MISSION_CHANGELIST = reverse("admin:missions_mission_changelist")
REWARD_CHANGELIST = reverse("admin:missions_reward_changelist")


@pytest.fixture
def admin_user():
    return StaffUserFactory.create(is_superuser=True)


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def run_action(client, action: str, rows, *, follow: bool = False):
    data = {"action": action, helpers.ACTION_CHECKBOX_NAME: [row.pk for row in rows]}
    return client.post(CHANGELIST, data, follow=follow)


def test_changelist_filters_and_searches(admin_client):
    paid = MissionRewardLogFactory.create(paid=True, user__username="kim_minji")
    MissionRewardLogFactory.create(user__username="lee_junho")

    by_status = admin_client.get(CHANGELIST, {"status__exact": "paid"})
    by_search = admin_client.get(CHANGELIST, {"q": "minji"})

    assert list(by_status.context["cl"].result_list) == [paid]
    assert list(by_search.context["cl"].result_list) == [paid]


def test_export_action_streams_the_selected_rows_only(admin_client):
    first, _, third = MissionRewardLogFactory.create_batch(3)

    response = run_action(admin_client, "export_csv", [first, third])

    assert response["Content-Type"].startswith("text/csv")
    rows = csv_rows(streamed(response))
    assert [int(row[0]) for row in rows[1:]] == [third.pk, first.pk]


def test_xlsx_export_action_streams_the_same_cells_as_the_csv(admin_client):
    rows = MissionRewardLogFactory.create_batch(3)
    MissionRewardLogFactory.create(paid=True)

    csv_file = run_action(admin_client, "export_csv", rows)
    xlsx_file = run_action(admin_client, "export_xlsx", rows)

    assert xlsx_file["Content-Type"] == XLSX_MEDIA_TYPE
    sheet = xlsx_rows(streamed(xlsx_file))
    assert len(sheet) == 4
    assert_same_cells(csv_rows(streamed(csv_file)), sheet)


def test_export_action_over_the_row_limit_shows_an_error_instead(admin_client, settings):
    settings.EXPORTS_ROW_LIMIT = 1
    rows = MissionRewardLogFactory.create_batch(2)

    response = run_action(admin_client, "export_csv", rows, follow=True)

    assert response.status_code == 200
    messages = [str(message) for message in response.context["messages"]]
    assert messages == [
        "This export has 2 rows, more than the limit of 1. Narrow the filters and try again."
    ]


def list_of_three():
    """Three reward logs that filters, the search and the orderings tell apart."""
    return [
        MissionRewardLogFactory.create(paid=True, user__username="kim_minji", point=300),
        MissionRewardLogFactory.create(user__username="lee_junho", point=100),
        MissionRewardLogFactory.create(paid=True, user__username="park_minji", point=200),
    ]


POINT = column(MissionRewardLogAdmin, "point")
LIST_PARAMS = [
    pytest.param({"status__exact": "paid"}, id="filter"),
    pytest.param({"q": "minji"}, id="search"),
    pytest.param({"o": str(POINT)}, id="ordering"),
    pytest.param({"o": f"-{POINT}"}, id="ordering-descending"),
    pytest.param({"status__exact": "paid", "q": "minji", "o": str(POINT)}, id="all-three"),
]


@pytest.mark.parametrize("params", LIST_PARAMS)
def test_the_list_button_exports_the_changelists_rows_in_its_order(admin_client, s3, params):
    list_of_three()

    shown = changelist_ids(admin_client, CHANGELIST, params)
    job, exported = export_the_list(admin_client, s3, CHANGELIST, params)

    assert exported == shown
    assert job.query_params == params
    assert (job.export_name, job.row_count) == ("admin.reward_logs.missionrewardlog", len(shown))


def test_the_job_stores_the_lists_parameters_and_never_ids(admin_client, s3):
    paid = MissionRewardLogFactory.create_batch(40, paid=True)
    MissionRewardLogFactory.create()  # pending: not in the list
    query = f"status__exact=paid&o=-{POINT}&p=2&_facets=1"

    with TestCase.captureOnCommitCallbacks(execute=True):
        admin_client.post(f"{EXPORT_XLSX}?{query}")

    job = ExportJob.objects.get()
    # The list's filter and ordering; the page and the facet counts are dropped: every page.
    # The ordering ends on the primary key, as the changelist's does.
    assert job.query_params == {"status__exact": "paid", "o": f"-{POINT}"}
    sheet = xlsx_rows(s3_body(s3, job.file_bucket, job.file_key))[1:]
    assert [row[0] for row in sheet] == [
        log.pk for log in sorted(paid, key=lambda log: (-log.point, -log.pk))
    ]


def test_the_worker_rebuilds_the_rows_from_the_stored_parameters(admin_client, s3):
    kim, _lee, park = list_of_three()
    params = {"status__exact": "paid", "o": str(POINT)}
    target = export_button_urls(admin_client, CHANGELIST, params)["csv"]
    with TestCase.captureOnCommitCallbacks() as callbacks:
        admin_client.post(target)
    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.PENDING
    # A row that joins the list after the click is in the file: the job stored the filters.
    later = MissionRewardLogFactory.create(paid=True, point=250)

    for callback in callbacks:
        callback()

    job.refresh_from_db()
    file_ids = [int(row[0]) for row in csv_rows(s3_body(s3, job.file_bucket, job.file_key))[1:]]
    assert file_ids == [park.pk, later.pk, kim.pk]
    assert file_ids == changelist_ids(admin_client, CHANGELIST, params)


def test_the_list_button_shows_the_jobs_progress_page(
    admin_client, admin_user, s3, django_capture_on_commit_callbacks
):
    MissionRewardLogFactory.create_batch(2)
    target = export_button_urls(admin_client, CHANGELIST, {})["xlsx"]

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(target)

    assert response.status_code == 200
    assert "admin/exports/export_progress.html" in [t.name for t in response.templates]
    job = ExportJob.objects.get()
    status_url = reverse("export-job-detail", args=[job.pk])
    page = response.content.decode()
    assert f'data-status-url="{status_url}"' in page
    assert f'data-cancel-url="{reverse("export-job-cancel", args=[job.pk])}"' in page
    assert '<progress id="export-progress"' in page
    assert 'id="export-cancel"' in page
    assert 'id="export-csrf" value="' in page
    assert "Download the XLSX" in page
    nonce = response["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    script = page.split(f'<script nonce="{nonce}">')[1]
    assert "https://" not in script, "plain JS, no CDN, allowed by the response's nonce"
    assert (job.user, job.file_format, job.status) == (admin_user, "xlsx", "succeeded")
    assert len(xlsx_rows(s3_body(s3, job.file_bucket, job.file_key))) == 3
    status = admin_client.get(status_url).json()
    assert (status["percent"], status["status"]) == (100, "succeeded")
    assert status["download_url"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "id__in=1,2,3",
            "id__in: This export does not take this parameter; it takes: created_at__gte, ",
        ),
        ("q=%00", "q: Remove the control character (such as NUL) from this parameter."),
        ("o=99", "o: Order by column positions, as the list's headers do (such as 2.-1)."),
        ("created_at__gte=yesterday", "created_at__gte: The list refuses these values ("),
    ],
)
def test_the_list_button_refuses_what_the_list_does_not_take(admin_client, query, message):
    MissionRewardLogFactory.create()

    response = admin_client.post(f"{EXPORT_CSV}?{query}", follow=True)

    # Ours comes first; the list may add its own (Django's search form refuses a NUL too).
    shown = [str(message) for message in response.context["messages"]]
    assert shown[0].startswith(message)
    assert not ExportJob.objects.exists()
    assert response.redirect_chain[0][0].startswith(f"{CHANGELIST}?")


def test_the_list_button_over_the_row_limit_says_so(admin_client, settings):
    settings.EXPORTS_ROW_LIMIT = 1
    MissionRewardLogFactory.create_batch(2)

    response = admin_client.post(EXPORT_CSV, follow=True)

    messages = [str(message) for message in response.context["messages"]]
    assert messages == [
        "This export has 2 rows, more than the limit of 1. Narrow the filters and try again."
    ]
    assert not ExportJob.objects.exists()


def test_the_list_button_over_the_cap_says_so(admin_client, admin_user, settings):
    settings.EXPORTS_MAX_ACTIVE_JOBS_PER_USER = 1
    ExportJob.objects.create(user=admin_user, export_name="other")
    MissionRewardLogFactory.create_batch(2)

    response = admin_client.post(EXPORT_CSV, follow=True)

    [message] = [str(message) for message in response.context["messages"]]
    assert message.startswith("You already have 1 export waiting or running")
    assert ExportJob.objects.count() == 1


def test_the_export_url_takes_a_post_only(admin_client):
    assert admin_client.get(EXPORT_CSV).status_code == 405
    assert not ExportJob.objects.exists()


def test_staff_without_the_view_permission_cannot_export(client):
    client.force_login(StaffUserFactory.create())

    response = client.post(EXPORT_CSV)

    assert response.status_code == 403
    assert not ExportJob.objects.exists()


def test_staff_with_the_view_permission_may_export(client, s3):
    viewer = StaffUserFactory.create()
    viewer.user_permissions.add(Permission.objects.get(codename="view_missionrewardlog"))
    client.force_login(viewer)
    rows = list_of_three()

    job, exported = export_the_list(client, s3, CHANGELIST, {"q": "junho"})

    assert (job.user, exported) == (viewer, [rows[1].pk])


def test_mark_paid_action_pays_pending_rows_through_the_service(admin_client):
    pending = MissionRewardLogFactory.create()
    cancelled = MissionRewardLogFactory.create(cancelled=True)

    response = run_action(admin_client, "mark_paid", [pending, cancelled], follow=True)

    pending.refresh_from_db()
    cancelled.refresh_from_db()
    assert (pending.status, cancelled.status) == ("paid", "cancelled")
    assert pending.paid_at is not None
    messages = [str(message) for message in response.context["messages"]]
    assert messages == ["1 paid; 1 were not pending and stay as they were."]


def test_non_staff_users_cannot_open_the_admin(client):
    MissionRewardLogFactory.create()
    client.force_login(MissionRewardLog.objects.get().user)

    response = client.get(CHANGELIST)

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_mission_admin_counts_paid_rewards_and_sorts_by_them(admin_client):
    busy, quiet, idle = MissionFactory.create_batch(3)
    MissionRewardLogFactory.create_batch(3, mission=busy, paid=True)
    MissionRewardLogFactory.create(mission=busy)  # pending: not counted
    MissionRewardLogFactory.create(mission=quiet, paid=True)

    rows = changelist_rows(
        admin_client.get(
            MISSION_CHANGELIST, {"o": f"-{column(MissionWithPaidTotalsAdmin, 'paid_count')}"}
        )
    )

    assert [(m.pk, m.paid_count) for m in rows] == [(busy.pk, 3), (quiet.pk, 1), (idle.pk, 0)]
    assert rows[0].paid_point == 3 * busy.reward.point
    # The numbers still count the exposed rows in the order shown.
    assert [m.number for m in rows] == [1, 2, 3]


def test_reward_admin_counts_missions_and_paid_rewards_and_sorts_by_them(admin_client):
    popular, unused = RewardFactory.create(), RewardFactory.create()
    missions = MissionFactory.create_batch(2, reward=popular)
    for mission in missions:
        MissionRewardLogFactory.create_batch(2, mission=mission, paid=True)
    paid_column = column(RewardWithPaidTotalsAdmin, "paid_count")

    response = admin_client.get(REWARD_CHANGELIST, {"o": f"-{paid_column}"})

    rows = changelist_rows(response)
    assert [(r.pk, r.mission_count, r.paid_count) for r in rows] == [
        (popular.pk, 2, 4),
        (unused.pk, 0, 0),
    ]
    assert rows[0].paid_point == 4 * popular.point

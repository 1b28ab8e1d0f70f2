import csv
import io

import pytest

from apps.common import get_progress
from apps.common.models import ExportJob
from apps.common.tests.factories import ExportJobFactory
from apps.reward_logs.tasks import export_reward_logs

from .factories import MissionRewardLogFactory

pytestmark = pytest.mark.django_db


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_the_task_returns_the_file_url_and_the_job_records_the_outcome(staff_user, s3):
    MissionRewardLogFactory.create_batch(3, paid=True)
    MissionRewardLogFactory.create()
    job = ExportJobFactory.create(user=staff_user, query_params={"status": "paid"})

    result = export_reward_logs.apply(args=(job.pk,)).get()

    job.refresh_from_db()
    assert set(result) == {"file_url"}
    assert result["file_url"].startswith("http")
    assert job.file_key in result["file_url"]
    assert (job.status, job.row_count, job.total) == (ExportJob.Status.SUCCEEDED, 3, 3)
    assert job.file_name.startswith("mission_reward_log_")
    body = s3.client.get_object(Bucket=job.file_bucket, Key=job.file_key)["Body"].read()
    assert len(csv_rows(body)) == 4


def test_the_task_fails_the_job_with_a_readable_message_for_bad_filters(staff_user, s3):
    job = ExportJobFactory.create(user=staff_user, query_params={"status": "refunded"})

    result = export_reward_logs.apply(args=(job.pk,)).get()

    job.refresh_from_db()
    assert result == {"file_url": None}
    assert job.status == ExportJob.Status.FAILED
    assert "status" in job.error_message


def test_the_task_reports_progress_under_its_own_task_id(staff_user, s3):
    MissionRewardLogFactory.create_batch(2)
    job = ExportJobFactory.create(user=staff_user)

    export_reward_logs.apply(args=(job.pk,), task_id="reward-log-export-1").get()

    job.refresh_from_db()
    assert job.celery_task_id == "reward-log-export-1"
    assert get_progress("reward-log-export-1") == {"progress": 2, "total": 2}


def test_a_second_delivery_of_the_same_job_leaves_it_alone(staff_user, s3):
    MissionRewardLogFactory.create()
    job = ExportJobFactory.create(user=staff_user)
    export_reward_logs.apply(args=(job.pk,)).get()
    job.refresh_from_db()
    first_key = job.file_key

    again = export_reward_logs.apply(args=(job.pk,)).get()

    job.refresh_from_db()
    assert again == {"file_url": None}
    assert (job.status, job.file_key) == (ExportJob.Status.SUCCEEDED, first_key)

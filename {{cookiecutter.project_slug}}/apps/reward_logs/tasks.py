from celery import Task, shared_task

from apps.common.exports.services import run_export_job

from .exports import MissionRewardLogCSVDownloader
from .selectors import reward_log_list


@shared_task(bind=True)
def export_reward_logs(self: Task, job_id: int) -> dict[str, str | None]:
    """Write the job's reward-log CSV to S3; return {"file_url": url}. The job record holds the
    outcome (status, row count, file), so a lost result changes nothing."""
    return run_export_job(
        job_id=job_id,
        celery_task_id=self.request.id,
        downloader_class=MissionRewardLogCSVDownloader,
        queryset=reward_log_list(),
    )

from django.conf import settings
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .access.admin import AccessRecordAdmin
from .access.client import access_context
from .exceptions import ApplicationError
from .exports.selectors import VIEW_EVERY_EXPORT, export_job_list_for_user
from .exports.services import export_job_cancel, export_job_links_hand_out
from .models import ExportJob

LIST_FILTER: tuple[str, ...] = ("status", "file_format", "export_name")

__all__ = ["AccessRecordAdmin", "ExportJobAdmin"]


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    """Read-only: jobs are written by the export task and removed by the retention task.

    The same list as `GET /api/exports/` (format, progress, rows, file, times, a download
    link), for every user the viewer may see; filter by user to see one user's exports. A file's
    link is signed when it is clicked, not when the list is shown, and leaves an access record.
    """

    list_display = [
        "id",
        "export_name",
        "user",
        "status",
        "file_format",
        "progress",
        "row_count",
        "created_at",
        "started_at",
        "finished_at",
        "download",
    ]
    list_filter = LIST_FILTER
    search_fields = ["user__username", "export_name", "celery_task_id"]
    list_select_related = ["user"]
    date_hierarchy = "created_at"
    actions = ["cancel"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ExportJob]:
        """The same rule as the API: one's own jobs, or every job with the permission."""
        return export_job_list_for_user(user=request.user)

    def get_list_filter(self, request: HttpRequest) -> tuple[str, ...]:
        """A filter by user, for those who see everyone's jobs."""
        if request.user.has_perm(VIEW_EVERY_EXPORT):
            return (*LIST_FILTER, "user")
        return LIST_FILTER

    def get_urls(self) -> list[URLPattern]:
        download = path(
            "<int:pk>/download/",
            self.admin_site.admin_view(self.download_view),
            name="common_exportjob_download",
        )
        return [download, *super().get_urls()]

    @admin.display(description=gettext_lazy("file"))
    def download(self, job: ExportJob) -> str:
        """The file's name, linked while it can be downloaded."""
        downloadable = job.status == ExportJob.Status.SUCCEEDED and job.file_key
        if not downloadable or timezone.now() >= job.created_at + settings.EXPORTS_RETENTION:
            return job.file_name or "-"
        url = reverse(f"{self.admin_site.name}:common_exportjob_download", args=[job.pk])
        return format_html('<a href="{}">{}</a>', url, job.file_name)

    def download_view(self, request: HttpRequest, pk: int) -> HttpResponseRedirect:
        """Sign a short-lived link to the job's file, record it handed out, and go there."""
        job = get_object_or_404(self.get_queryset(request), pk=pk)
        (job_status,) = export_job_links_hand_out(jobs=[job], context=access_context(request))
        if job_status.download_url is None:
            self.message_user(
                request, _("This export's file cannot be downloaded any more."), messages.ERROR
            )
            return HttpResponseRedirect(
                reverse(f"{self.admin_site.name}:common_exportjob_changelist")
            )
        return HttpResponseRedirect(job_status.download_url)

    @admin.action(description=gettext_lazy("Cancel the selected export jobs"))
    def cancel(self, request: HttpRequest, queryset: QuerySet[ExportJob]) -> None:
        cancelled = ended = 0
        for job in queryset:
            try:
                export_job_cancel(job=job)
            except ApplicationError:
                ended += 1
            else:
                cancelled += 1
        self.message_user(
            request,
            _("{cancelled} cancelled; {ended} had already ended.").format(
                cancelled=cancelled, ended=ended
            ),
            messages.SUCCESS if cancelled else messages.WARNING,
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ExportJob | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ExportJob | None = None) -> bool:
        return False

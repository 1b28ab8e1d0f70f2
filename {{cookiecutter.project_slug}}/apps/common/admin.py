from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .access.admin import AccessRecordAdmin
from .exceptions import ApplicationError
from .exports.selectors import VIEW_EVERY_EXPORT, export_job_list_for_user, export_job_status
from .exports.services import export_job_cancel
from .models import ExportJob

LIST_FILTER: tuple[str, ...] = ("status", "file_format", "export_name")

__all__ = ["AccessRecordAdmin", "ExportJobAdmin"]


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    """Read-only: jobs are written by the export task and removed by the retention task.

    The same list as `GET /api/exports/` (format, progress, rows, file, times, a freshly signed
    link), for every user the viewer may see; filter by user to see one user's exports.
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

    @admin.display(description=gettext_lazy("file"))
    def download(self, job: ExportJob) -> str:
        """The file's name, linked while it can be downloaded (signed when the page is shown)."""
        url = export_job_status(job=job).download_url
        if url is None:
            return job.file_name or "-"
        return format_html('<a href="{}">{}</a>', url, job.file_name)

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

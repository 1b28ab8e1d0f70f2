from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from .exports.selectors import export_job_list_for_user
from .models import ExportJob


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    """Read-only: jobs are written by the export task and removed by the retention task."""

    list_display = ["id", "export_name", "user", "status", "row_count", "created_at", "finished_at"]
    list_filter = ["status", "export_name"]
    search_fields = ["user__username", "export_name", "celery_task_id"]
    list_select_related = ["user"]
    date_hierarchy = "created_at"

    def get_queryset(self, request: HttpRequest) -> QuerySet[ExportJob]:
        """The same rule as the API: one's own jobs, or every job with the permission."""
        return export_job_list_for_user(user=request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ExportJob | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ExportJob | None = None) -> bool:
        return False

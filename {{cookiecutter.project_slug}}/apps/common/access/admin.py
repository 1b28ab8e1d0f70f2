"""The access records in the back office: read-only, nothing deleted, and the monthly review."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import AccessRecord
from .selectors import access_review_month, parse_month


@admin.register(AccessRecord)
class AccessRecordAdmin(admin.ModelAdmin):
    """Records are written by `record_access` only: no add, change or delete here."""

    list_display = [
        "id",
        "created_at",
        "username",
        "action",
        "export_name",
        "file_format",
        "row_count",
        "personal_data",
        "unmasked",
        "reason",
        "client_address",
        "request_id",
    ]
    list_filter = ["action", "personal_data", "unmasked", "export_name"]
    search_fields = ["username", "export_name", "reason", "request_id", "client_address"]
    date_hierarchy = "created_at"
    change_list_template = "admin/access/change_list.html"
    review_template = "admin/access/review.html"

    def get_urls(self) -> list[URLPattern]:
        review = path(
            "review/",
            self.admin_site.admin_view(self.review_view),
            name="common_accessrecord_review",
        )
        return [review, *super().get_urls()]

    def review_view(self, request: HttpRequest) -> HttpResponseBase:
        """Per user, the month's downloads of personal data (`?month=YYYY-MM`, this month by
        default), as `manage.py access_records_report` prints them."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        text = request.GET.get("month") or f"{timezone.localdate():%Y-%m}"
        error = ""
        try:
            month = parse_month(text)
        except ValueError:
            error = _("%(month)s is not a month: write it as YYYY-MM, e.g. 2026-11.") % {
                "month": text[:20]
            }
            month = parse_month(f"{timezone.localdate():%Y-%m}")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Downloads of personal data, %(month)s") % {"month": f"{month:%Y-%m}"},
            "month": f"{month:%Y-%m}",
            "error": error,
            "reviews": access_review_month(month=month),
        }
        return TemplateResponse(request, self.review_template, context)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AccessRecord | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AccessRecord | None = None) -> bool:
        return False

"""`ExportAdminMixin`: CSV and XLSX exports for any ModelAdmin, in one line.

    @admin.register(Order)
    class OrderAdmin(ExportAdminMixin, admin.ModelAdmin):
        export_downloader_class = OrderCSVDownloader  # the columns (its serializer)

The changelist gets an "export this list" button per format: one click starts an export job of
exactly the rows the list shows (its filters, search and ordering, all pages), stored as the
list's query string, and opens its progress page, which offers the file when it is written. The
selected rows stream at once through the actions "Export selected rows as CSV / XLSX", in the
changelist's order.

Every export leaves an access record (apps/common/access). With `export_personal_data = True`
the export asks for a reason: the "export this list" buttons carry a reason field, and the
selected-rows actions first show a page that asks for it.

The export is registered when the admin is (`admin.<app_label>.<model_name>`, see
`AdminChangelistPipeline`), so a Celery worker finds it without loading any URL. A subclass that
sets its own `change_list_template` extends `admin/exports/change_list.html`.
"""

from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.contrib.admin import AdminSite, helpers
{%- if cookiecutter.django_version == "5.2" %}
from django.contrib.admin.options import IS_POPUP_VAR
{%- else %}
from django.contrib.admin.options import IS_POPUP_VAR, ActionLocation
{%- endif %}
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import Model, QuerySet
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
    QueryDict,
)
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from rest_framework.exceptions import Throttled, ValidationError

from apps.common.access.client import access_context
from apps.common.access.masking import may_unmask
from apps.common.access.models import AccessRecord
from apps.common.access.reasons import REASON_MAX_LENGTH, REASON_PARAM, clean_reason
from apps.common.exceptions import validation_error_text

from .admin_pipeline import AdminChangelistPipeline, admin_export_name
from .downloader import CSVDownloader, ExportRowError, TooManyRowErrors
from .formats import CSV, XLSX, file_format_get
from .registry import Export, export_register
from .services import export_access_record, export_job_start

SELECTED_ROWS_ACTIONS = ("export_csv", "export_xlsx")

# What the mixin is mixed into, for the type checker.
if TYPE_CHECKING:
    _ModelAdmin = admin.ModelAdmin
else:
    _ModelAdmin = object


class ExportAdminMixin(_ModelAdmin):
    """Put it before `admin.ModelAdmin`; name the export's downloader class."""

    export_downloader_class: type[CSVDownloader] | None = None
    export_personal_data = False  # True: every export of this list asks for a reason
    change_list_template = "admin/exports/change_list.html"
    export_progress_template = "admin/exports/export_progress.html"
    export_reason_template = "admin/exports/export_reason.html"

    def __init__(self, model: type[Model], admin_site: AdminSite) -> None:
        super().__init__(model, admin_site)
        export_register(
            Export(
                name=self.export_name,
                downloader_class=self.get_export_downloader_class(),
                pipeline=AdminChangelistPipeline(model=model, admin_site=admin_site),
                personal_data=self.export_personal_data,
            )
        )

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        context = {
            "export_personal_data": self.export_personal_data,
            "export_reason_max_length": REASON_MAX_LENGTH,
            **(extra_context or {}),
        }
        return super().changelist_view(request, context)

    @property
    def export_name(self) -> str:
        return admin_export_name(self.model)

    def get_export_downloader_class(self) -> type[CSVDownloader]:
        if self.export_downloader_class is None:
            raise ImproperlyConfigured(
                f"{type(self).__name__} uses ExportAdminMixin: set export_downloader_class."
            )
        return self.export_downloader_class

    def get_urls(self) -> list[URLPattern]:
        info = (self.opts.app_label, self.opts.model_name)
        export = path(
            "export/<str:file_format>/",
            self.admin_site.admin_view(self.export_list_view),
            name="{}_{}_export".format(*info),
        )
        return [export, *super().get_urls()]

{%- if cookiecutter.django_version == "5.2" %}

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        """The admin's actions and the two that stream the selected rows (not in a popup,
        which has no actions)."""
        actions = super().get_actions(request)
        if self.actions is None or IS_POPUP_VAR in request.GET:
            return actions
        for name in SELECTED_ROWS_ACTIONS:
            if name not in actions and (action := self.get_action(name)) is not None:
                actions[name] = action
        return actions
{%- else %}

    def get_actions(
        self, request: HttpRequest, action_location: ActionLocation = ActionLocation.CHANGE_LIST
    ) -> dict[str, Any]:
        """The admin's actions and, on the change list, the two that stream the selected rows
        (not in a popup, which has no actions)."""
        actions = super().get_actions(request, action_location=action_location)
        if (
            self.actions is None
            or IS_POPUP_VAR in request.GET
            or action_location != ActionLocation.CHANGE_LIST
        ):
            return actions
        for name in SELECTED_ROWS_ACTIONS:
            if name not in actions and (action := self.get_action(name, action_location)):
                actions[name] = action
        return actions
{%- endif %}

    @method_decorator(require_POST)
    def export_list_view(self, request: HttpRequest, file_format: str) -> HttpResponseBase:
        """Start an export job of the changelist's rows for the query string, and show its
        progress page; refused parameters or limits go back to the list with the message."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        params = request.GET.copy()
        params.setlist(REASON_PARAM, request.POST.getlist(REASON_PARAM)[-1:])
        try:
            job = export_job_start(
                user=request.user,
                export_name=self.export_name,
                query_params=params,
                file_format=file_format_get(file_format).name,
                context=access_context(request),
                action=AccessRecord.Action.ADMIN_JOB_STARTED,
            )
        except (ValidationError, Throttled) as error:
            self.message_user(request, validation_error_text(error.detail), messages.ERROR)
            return HttpResponseRedirect(self.list_url(request))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("%(format)s export") % {"format": job.get_file_format_display()},
            "job": job,
            "status_url": reverse("export-job-detail", args=[job.pk]),
            "cancel_url": reverse("export-job-cancel", args=[job.pk]),
            "changelist_url": self.list_url(request),
        }
        return TemplateResponse(request, self.export_progress_template, context)

    def list_url(self, request: HttpRequest) -> str:
        """The changelist as it was when its export button was pressed."""
        url = reverse(
            f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_changelist"
        )
        return f"{url}?{request.GET.urlencode()}" if request.GET else url

    @admin.action(description=_("Export selected rows as CSV"))
    def export_csv(self, request: HttpRequest, queryset: QuerySet) -> HttpResponseBase | None:
        return self.export_selected(request, queryset, CSV)

    @admin.action(description=_("Export selected rows as XLSX"))
    def export_xlsx(self, request: HttpRequest, queryset: QuerySet) -> HttpResponseBase | None:
        return self.export_selected(request, queryset, XLSX)

    def export_selected(
        self, request: HttpRequest, queryset: QuerySet, file_format: str
    ) -> HttpResponseBase | None:
        """Stream the selected rows in the changelist's order; an error is a message instead.
        An export of personal data first asks for the reason (the same action, posted again
        with it)."""
        try:
            reason = clean_reason(
                request.POST.get(REASON_PARAM), required=self.export_personal_data
            )
        except ValidationError as error:
            return self.export_reason_view(request, error)
        downloader = self.get_export_downloader_class()(
            user_id=request.user.pk,
            queryset=queryset,
            file_format=file_format,
            filterset_class=None,
            ordering_fields=None,
            unmask_personal_data=may_unmask(request.user),
        )
        try:
            response = downloader.get_result_as_streaming_response()
        except ValidationError as error:
            self.message_user(request, validation_error_text(error.detail), messages.ERROR)
            return None
        except (ExportRowError, TooManyRowErrors) as error:  # an XLSX is written before it is sent
            self.message_user(request, str(error), messages.ERROR)
            return None
        export_access_record(
            action=AccessRecord.Action.ADMIN_STREAMED,
            context=access_context(request),
            export_name=self.export_name,
            personal_data=self.export_personal_data or downloader.masks_columns,
            downloader=downloader,
            row_count=downloader.count_rows(),
            reason=reason,
            params={"pk": [str(pk) for pk in queryset.values_list("pk", flat=True)]},
        )
        return response

    def export_reason_view(self, request: HttpRequest, error: ValidationError) -> TemplateResponse:
        """The page that asks why the selected rows are exported, then posts the action again
        (the same selection, as Django's own delete confirmation does)."""
        hidden: QueryDict = request.POST.copy()
        hidden.pop(REASON_PARAM, None)
        hidden.pop("csrfmiddlewaretoken", None)
        has_reason = REASON_PARAM in request.POST
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Why do you export these rows?"),
            "hidden_fields": [(key, value) for key in hidden for value in hidden.getlist(key)],
            "errors": validation_error_text(error.detail) if has_reason else "",
            "reason": request.POST.get(REASON_PARAM, ""),
            "reason_max_length": REASON_MAX_LENGTH,
            "selected_count": len(request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)),
            "changelist_url": self.list_url(request),
        }
        return TemplateResponse(request, self.export_reason_template, context)

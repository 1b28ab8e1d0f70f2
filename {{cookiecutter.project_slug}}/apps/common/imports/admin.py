"""`ImportAdminMixin`: upload a spreadsheet in the admin, see its preview, confirm it.

    @admin.register(Order)
    class OrderAdmin(ImportAdminMixin, ExportAdminMixin, admin.ModelAdmin):
        import_spec = order_import

The changelist gets an "Import a spreadsheet" link (for users who may add and change rows). The
upload page takes a CSV or XLSX file and shows its preview: new, changed (with the columns),
unchanged and failing rows, every error by row and column; nothing is written. "Import" then
applies that same file, all or nothing, through `apply_import`, and goes back to the list.
"""

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.common.access.client import access_context
from apps.common.exceptions import ApplicationError

from .limits import ImportLimits
from .registry import Import
from .services import apply_import, import_preview
from .stash import stash_delete, stash_upload, stashed_path

if TYPE_CHECKING:
    _ModelAdmin = admin.ModelAdmin
else:
    _ModelAdmin = object


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("A .csv (UTF-8, UTF-8 with BOM or CP949) or .xlsx file; row 1 names columns."),
    )


class ImportAdminMixin(_ModelAdmin):
    """Put it before `admin.ModelAdmin` (and `ExportAdminMixin`); name the import."""

    import_spec: Import | None = None
    import_form_template = "admin/imports/import_form.html"
    import_preview_template = "admin/imports/import_preview.html"

    def get_import_spec(self) -> Import:
        if self.import_spec is None:
            raise ImproperlyConfigured(
                f"{type(self).__name__} uses ImportAdminMixin: set import_spec."
            )
        return self.import_spec

    def get_urls(self) -> list[URLPattern]:
        info = (self.opts.app_label, self.opts.model_name)
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="{}_{}_import".format(*info),
            ),
            path(
                "import/confirm/",
                self.admin_site.admin_view(self.import_confirm_view),
                name="{}_{}_import_confirm".format(*info),
            ),
            *super().get_urls(),
        ]

    def has_import_permission(self, request: HttpRequest) -> bool:
        return self.has_add_permission(request) and self.has_change_permission(request)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if self.has_import_permission(request):
            extra_context = {**(extra_context or {}), "import_url": self._url("import")}
        return super().changelist_view(request, extra_context)

    def import_view(self, request: HttpRequest) -> HttpResponseBase:
        """GET: the upload form. POST: the file's preview, the file kept for the confirm."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = ImportUploadForm()
        if request.method == "POST":
            form = ImportUploadForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                try:
                    ImportLimits.from_settings().check_bytes(upload.size)
                    result = import_preview(
                        spec=self.get_import_spec(), file=upload, name=upload.name
                    )
                except ApplicationError as error:
                    form.add_error("file", _error_text(error))
                else:
                    # Kept for the confirm only when there is something to confirm.
                    token = (
                        stash_upload(upload, name=upload.name, user_id=_user_id(request))
                        if result.ok
                        else ""
                    )
                    return self._render(
                        request,
                        self.import_preview_template,
                        result=result.as_dict(),
                        token=token,
                        file_name=upload.name,
                    )
        return self._render(request, self.import_form_template, form=form)

    def import_confirm_view(self, request: HttpRequest) -> HttpResponseBase:
        """POST: import the previewed file, all or nothing; the kept file is deleted."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseRedirect(self._url("import"))
        token = request.POST.get("token", "")
        file_name = request.POST.get("file_name", "")
        user_id = _user_id(request)
        try:
            with stashed_path(token, user_id=user_id).open("rb") as file:
                result = apply_import(
                    spec=self.get_import_spec(),
                    file=file,
                    name=token,
                    context=access_context(request),
                )
        except ApplicationError as error:
            if "rows" not in error.extra:  # the file itself, or the kept copy is gone
                self.message_user(request, _error_text(error), messages.ERROR)
                return HttpResponseRedirect(self._url("import"))
            # Rows failed or changed since the preview: the same page, with why; nothing written.
            self.message_user(request, error.message, messages.ERROR)
            return self._render(
                request,
                self.import_preview_template,
                result=error.extra,
                token="",
                file_name=file_name,
            )
        finally:
            stash_delete(token, user_id=user_id)
        self.message_user(
            request,
            gettext("Imported: %(new)s new, %(changed)s changed, %(unchanged)s unchanged rows.")
            % {"new": result.new, "changed": result.changed, "unchanged": result.unchanged},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(self._url("changelist"))

    def _url(self, view: str) -> str:
        return reverse(
            f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_{view}"
        )

    def _render(self, request: HttpRequest, template: str, **context: Any) -> TemplateResponse:
        return TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": gettext("Import %(name)s") % {"name": self.opts.verbose_name_plural},
                "changelist_url": self._url("changelist"),
                "import_url": self._url("import"),
                "confirm_url": self._url("import_confirm"),
                **context,
            },
        )


def _user_id(request: HttpRequest) -> int:
    """The signed-in user's id (admin views are for signed-in staff only)."""
    if request.user.pk is None:
        raise PermissionDenied
    return int(request.user.pk)


def _error_text(error: ApplicationError) -> str:
    """The message, and the header problems it lists (missing, unknown, doubled columns)."""
    parts = [error.message]
    labels = {
        "missing": gettext("Missing columns"),
        "unknown": gettext("Unknown columns"),
        "duplicated": gettext("Columns named twice"),
    }
    for key, label in labels.items():
        if error.extra.get(key):
            parts.append(f"{label}: {', '.join(error.extra[key])}")
    return " ".join(parts)

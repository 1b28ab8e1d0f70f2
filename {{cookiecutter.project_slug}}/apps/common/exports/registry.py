"""Every export by name: its downloader class and the pipeline that finds its rows.

An export is declared in its app's `exports.py` and registered there, at import:

    # apps/orders/exports.py
    order_export = export_register(
        Export(
            name="order",
            downloader_class=OrderCSVDownloader,
            pipeline=ListViewPipeline(view_class=OrderListApi),
        )
    )

`apps.common`'s AppConfig imports every app's `exports` module when Django is ready, so the web
process, the admin and the Celery worker know the same exports without loading the URLconf, and
the name a job stores leads back to the same downloader and rows for as long as the export is
declared. The URL line wires the view to it: `ExportApi.as_view(export=order_export)`.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet

from .downloader import CSVDownloader
from .failures import UNKNOWN_EXPORT, ExportFailure, failure_message
from .formats import without_format
from .query_params import StoredParams


class ExportPipeline(Protocol):
    """How an export finds its rows, the same for a streamed GET, a job and the admin."""

    def clean_params(self, params: Mapping[str, Any]) -> StoredParams:
        """Validated, JSON-safe parameters to store on a job; raise rest_framework
        ValidationError ({param: [message]}) naming each unknown, malformed or NUL-carrying
        parameter. Pagination parameters are dropped (ignored), never an error."""

    def queryset(self, params: StoredParams, user: Any) -> QuerySet:
        """The filtered, ordered rows for already-cleaned params, as `user` sees the list."""


@dataclass(frozen=True)
class Export:
    name: str
    downloader_class: type[CSVDownloader]
    pipeline: ExportPipeline

    def clean_params(self, params: Mapping[str, Any]) -> StoredParams:
        """The pipeline's clean parameters; `format` is the export's own, never the list's."""
        return self.pipeline.clean_params(without_format(params))

    def downloader(
        self, *, user: Any, query_params: Mapping[str, Any], **options: Any
    ) -> CSVDownloader:
        """A downloader over `pipeline.queryset(clean params, user)` that does not filter or
        re-order again (the pipeline already did); `options` as `CSVDownloader` takes them."""
        params = self.clean_params(query_params)
        return self.downloader_class(
            queryset=self.pipeline.queryset(params, user),
            user_id=getattr(user, "pk", None),
            query_params=params,
            filterset_class=None,
            ordering_fields=None,
            **options,
        )


_exports: dict[str, Export] = {}


def export_register(export: Export) -> Export:
    """Record `export` under its name and return it; the same name for another export is a
    configuration error (registering the same one again, as a reloaded module does, is not)."""
    known = _exports.setdefault(export.name, export)
    if known != export:
        raise ImproperlyConfigured(
            f"Two exports are called {export.name!r}: {known.downloader_class.__qualname__} and "
            f"{export.downloader_class.__qualname__}. Give one of them another name."
        )
    return export


def export_get(name: str) -> Export:
    """The export called `name`; an ExportFailure (a 400, and a job's failure code) naming the
    known ones otherwise: a job stored before its export was removed fails with it."""
    if name not in _exports:
        params = {"name": repr(name), "known": ", ".join(sorted(_exports)) or "-"}
        raise ExportFailure(
            UNKNOWN_EXPORT,
            params,
            detail={"export_name": [failure_message(UNKNOWN_EXPORT, params)]},
        )
    return _exports[name]

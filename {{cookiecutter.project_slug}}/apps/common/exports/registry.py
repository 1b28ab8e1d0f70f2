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

from apps.common.access.masking import masked_fields, may_unmask
from apps.common.access.reasons import REASON_PARAM, clean_reason

from .downloader import CSVDownloader
from .failures import UNKNOWN_EXPORT, ExportFailure, failure_message
from .query_params import StoredParams, without_export_options


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
    """An export by name. `personal_data=True`: its file holds personal data, and every
    download must give a `reason` (see apps.common.access.reasons)."""

    name: str
    downloader_class: type[CSVDownloader]
    pipeline: ExportPipeline
    personal_data: bool = False

    def clean_params(self, params: Mapping[str, Any]) -> StoredParams:
        """The pipeline's clean parameters; `format` and `reason` are the export's own, never
        the list's."""
        return self.pipeline.clean_params(without_export_options(params))

    def clean_reason(self, params: Mapping[str, Any]) -> str:
        """The `reason` among `params`, checked; required when the export holds personal data."""
        return clean_reason(params.get(REASON_PARAM), required=self.personal_data)

    def masks_columns(self) -> bool:
        """Whether its serializer names personal columns to mask."""
        serializer_class = self.downloader_class.serializer_class
        return bool(serializer_class and masked_fields(serializer_class))

    def holds_personal_data(self) -> bool:
        """Declared so, or with masked columns: its downloads are reviewed monthly."""
        return self.personal_data or self.masks_columns()

    def downloader(
        self, *, user: Any, query_params: Mapping[str, Any], **options: Any
    ) -> CSVDownloader:
        """A downloader over `pipeline.queryset(clean params, user)` that does not filter or
        re-order again (the pipeline already did); `options` as `CSVDownloader` takes them.
        Personal columns are masked unless `user` may unmask them."""
        params = self.clean_params(query_params)
        options.setdefault("unmask_personal_data", may_unmask(user))
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

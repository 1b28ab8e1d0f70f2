"""Every export by name: its downloader class and the pipeline that finds its rows.

    export_register(Export(name="order", downloader_class=OrderCSVDownloader, pipeline=...))

A pipeline (`ExportPipeline`) is how an export finds its rows, the same for a streamed download,
a job and the admin: it cleans the parameters a job stores, and turns them back into the rows.
The admin's exports register themselves (`apps.common.exports.admin.ExportAdminMixin`); an
export wired on its URL line (`ExportApi.as_view(downloader_class=..., queryset=...)`) registers
with the keyword form, its rows its downloader's FilterSet over the base selector. A Celery
worker does not load the URLconf by itself: `export_get` loads it before it gives up on a name.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import import_module
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet

from .downloader import CSVDownloader
from .failures import UNKNOWN_EXPORT, ExportFailure, failure_message
from .formats import without_format
from .query_params import StoredParams, normalize_query_params

BaseSelector = Callable[[], QuerySet]


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


@dataclass(frozen=True)
class _DownloaderFilterPipeline:
    """The rows of an export wired by URL: its downloader's FilterSet and ordering over a base
    selector, whatever the parameters (the FilterSet ignores the ones it does not know)."""

    downloader_class: type[CSVDownloader]
    selector: BaseSelector

    def clean_params(self, params: Mapping[str, Any]) -> StoredParams:
        return normalize_query_params(params)

    def queryset(self, params: StoredParams, user: Any) -> QuerySet:
        base = self.selector()
        downloader = self.downloader_class(queryset=base, query_params=params, allow_row_limit=0)
        return downloader.get_queryset(base)


_exports: dict[str, Export] = {}


def export_register(
    export: Export | None = None,
    *,
    name: str | None = None,
    downloader_class: type[CSVDownloader] | None = None,
    queryset: BaseSelector | None = None,
) -> Export:
    """Record `export` under its name and return it; the same name for another export is a
    configuration error (registering the same one again, as a reloaded module does, is not).

    The keyword form (`name=`, `downloader_class=`, `queryset=` the base selector) registers an
    export wired by URL.
    """
    if export is None:
        if name is None or downloader_class is None:
            raise ImproperlyConfigured("export_register() needs an Export, or name= and more.")
        if not callable(queryset) or isinstance(queryset, QuerySet):
            raise ImproperlyConfigured(
                f"Export {name!r}: `queryset` is the base selector, a function returning a "
                f"QuerySet (for example `queryset=order_list`), not {queryset!r}."
            )
        pipeline = _DownloaderFilterPipeline(downloader_class=downloader_class, selector=queryset)
        export = Export(name=name, downloader_class=downloader_class, pipeline=pipeline)
    known = _exports.setdefault(export.name, export)
    if known != export:
        raise ImproperlyConfigured(
            f"Two exports are called {export.name!r}: {known.downloader_class.__qualname__} and "
            f"{export.downloader_class.__qualname__}. Give one of them another name."
        )
    return export


def export_get(name: str) -> Export:
    """The export called `name`; an ExportFailure (a 400, and a job's failure code) naming the
    known ones otherwise."""
    if name not in _exports:
        import_module(settings.ROOT_URLCONF)  # registers every export wired in the URLs
    if name not in _exports:
        params = {"name": repr(name), "known": ", ".join(sorted(_exports)) or "-"}
        raise ExportFailure(
            UNKNOWN_EXPORT,
            params,
            detail={"export_name": [failure_message(UNKNOWN_EXPORT, params)]},
        )
    return _exports[name]

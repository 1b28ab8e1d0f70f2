"""Every export by name: its downloader class and its base selector.

An export registers where it is wired, on its URL line (`ExportApi.as_view(...)`), so the name an
export job stores always leads back to the same downloader and rows. A Celery worker does not
load the URLconf by itself: `export_get` loads it before it gives up on a name.
"""

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet

from .downloader import CSVDownloader
from .failures import UNKNOWN_EXPORT, ExportFailure, failure_message

BaseSelector = Callable[[], QuerySet]


@dataclass(frozen=True)
class Export:
    name: str
    downloader_class: type[CSVDownloader]
    queryset: BaseSelector

    def downloader(self, **options: Any) -> CSVDownloader:
        """A downloader over a fresh base queryset; `options` as `CSVDownloader` takes them."""
        return self.downloader_class(queryset=self.queryset(), **options)


_exports: dict[str, Export] = {}


def export_register(
    *, name: str, downloader_class: type[CSVDownloader], queryset: BaseSelector
) -> Export:
    """Record an export under `name`; the same name for anything else is a configuration error."""
    if not callable(queryset) or isinstance(queryset, QuerySet):
        raise ImproperlyConfigured(
            f"Export {name!r}: `queryset` is the base selector, a function returning a QuerySet "
            f"(for example `queryset=order_list`), not {queryset!r}."
        )
    export = Export(name=name, downloader_class=downloader_class, queryset=queryset)
    known = _exports.setdefault(name, export)
    if known != export:
        raise ImproperlyConfigured(
            f"Two exports are called {name!r}: {known.downloader_class.__qualname__} and "
            f"{downloader_class.__qualname__}. Give one of them another export_name."
        )
    return export


def export_get(name: str) -> Export:
    """The export called `name`; a ValidationError (a 400) naming the known ones otherwise."""
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

"""CSV exports: the downloader, the export API and job runner, progress, S3.

    from apps.common.exports import CSVDownloader, ExportApi

    class OrderCSVDownloader(CSVDownloader):                    # apps/orders/exports.py
        filterset_class = OrderFilter
        serializer_class = OrderCSVSerializer
        file_prefix = "order"

    path("export/", ExportApi.as_view(downloader_class=OrderCSVDownloader, queryset=order_list))

The names load on first use, once Django is ready (PEP 562 `__getattr__`): importing the views
while Django loads its apps, or while Celery loads the tasks they enqueue, would fail.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .downloader import CSVDownloader, ExportRowError, TooManyRowErrors
    from .progress import get_progress, set_progress
    from .registry import export_get
    from .s3 import upload_s3
    from .services import export_job_start
    from .views import ExportApi

__all__ = [
    "CSVDownloader",
    "ExportApi",
    "ExportRowError",
    "TooManyRowErrors",
    "export_get",
    "export_job_start",
    "get_progress",
    "set_progress",
    "upload_s3",
]

_MODULES = {
    "CSVDownloader": ".downloader",
    "ExportApi": ".views",
    "ExportRowError": ".downloader",
    "TooManyRowErrors": ".downloader",
    "export_get": ".registry",
    "export_job_start": ".services",
    "get_progress": ".progress",
    "set_progress": ".progress",
    "upload_s3": ".s3",
}


def __getattr__(name: str) -> Any:
    if name not in _MODULES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(_MODULES[name], __name__), name)

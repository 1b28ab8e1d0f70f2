"""CSV exports: the downloader, the export API and job runner, progress, S3.

    # apps/orders/exports.py: declared and registered with the app, loaded at Django's ready()
    from apps.common.exports import CSVDownloader, Export, ListViewPipeline, export_register

    class OrderCSVDownloader(CSVDownloader):
        serializer_class = OrderCSVSerializer
        file_prefix = "order"

    order_export = export_register(
        Export(
            name="order",  # the name a job stores
            downloader_class=OrderCSVDownloader,
            pipeline=ListViewPipeline(view_class=OrderListApi),  # the list's rows and order
        )
    )

    # apps/orders/urls.py
    path("export/", ExportApi.as_view(export=order_export, permission_classes=[IsStaff]))

The names load on first use, once Django is ready (PEP 562 `__getattr__`): importing the views
while Django loads its apps, or while Celery loads the tasks they enqueue, would fail.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .downloader import CSVDownloader, ExportRowError, TooManyRowErrors
    from .pipelines import ListViewPipeline
    from .progress import get_progress, set_progress
    from .registry import Export, export_get, export_register
    from .s3 import upload_s3
    from .services import export_job_start
    from .views import ExportApi

__all__ = [
    "CSVDownloader",
    "Export",
    "ExportApi",
    "ExportRowError",
    "ListViewPipeline",
    "TooManyRowErrors",
    "export_get",
    "export_job_start",
    "export_register",
    "get_progress",
    "set_progress",
    "upload_s3",
]

_MODULES = {
    "CSVDownloader": ".downloader",
    "Export": ".registry",
    "ExportApi": ".views",
    "ExportRowError": ".downloader",
    "ListViewPipeline": ".pipelines",
    "TooManyRowErrors": ".downloader",
    "export_get": ".registry",
    "export_register": ".registry",
    "export_job_start": ".services",
    "get_progress": ".progress",
    "set_progress": ".progress",
    "upload_s3": ".s3",
}


def __getattr__(name: str) -> Any:
    if name not in _MODULES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(_MODULES[name], __name__), name)

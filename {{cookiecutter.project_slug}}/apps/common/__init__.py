"""Shared building blocks of every app. The classic export helpers are importable from here:

    from apps.common import CSVDownloader, set_progress, upload_s3

They load on first use, from `apps.common.exports` (which holds the rest of the export module).
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .exports.downloader import CSVDownloader
    from .exports.progress import get_progress, set_progress
    from .exports.s3 import upload_s3

__all__ = ["CSVDownloader", "get_progress", "set_progress", "upload_s3"]


def __getattr__(name: str) -> Any:
    """Import on first use (PEP 562): importing them while Django loads its apps would fail."""
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module("apps.common.exports"), name)

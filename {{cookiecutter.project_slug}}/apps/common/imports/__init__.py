"""Spreadsheet imports: a file the project exported (or any CSV/XLSX with its columns) read
back into an app through its services, all or nothing, errors by row and column.

    # apps/orders/imports.py: declared and registered with the app, loaded at Django's ready()
    from apps.common.imports import Import, import_register

    order_import = import_register(
        Import(
            name="orders",
            serializer_class=OrderImportSerializer,
            create=order_import_create,
            update=order_import_update,
            export=order_export,
        )
    )

    # apps/orders/urls.py
    path("import/", ImportApi.as_view(import_spec=order_import, permission_classes=[IsStaff]))

The names load on first use, once Django is ready (PEP 562 `__getattr__`), as the exports' do.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .errors import ImportFileError
    from .registry import Import, import_get, import_register
    from .related import BatchedSlugRelatedField
    from .results import ImportResult
    from .services import apply_import, import_preview
    from .version import VersionField
    from .views import ImportApi

__all__ = [
    "BatchedSlugRelatedField",
    "Import",
    "ImportApi",
    "ImportFileError",
    "ImportResult",
    "VersionField",
    "apply_import",
    "import_get",
    "import_preview",
    "import_register",
]

_MODULES = {
    "BatchedSlugRelatedField": ".related",
    "Import": ".registry",
    "ImportApi": ".views",
    "ImportFileError": ".errors",
    "ImportResult": ".results",
    "VersionField": ".version",
    "apply_import": ".services",
    "import_get": ".registry",
    "import_preview": ".services",
    "import_register": ".registry",
}


def __getattr__(name: str) -> Any:
    if name not in _MODULES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(_MODULES[name], __name__), name)

"""Every import by name: the serializer that reads a row, and the app's services that write.

An import is declared in its app's `imports.py` and registered there, at import:

    # apps/orders/imports.py
    order_import = import_register(
        Import(
            name="orders",
            serializer_class=OrderImportSerializer,  # the columns it takes, validated per row
            create=order_import_create,  # (*, instances) -> None: one batch of new rows
            update=order_import_update,  # (*, instances, fields) -> None: one batch of changes
            export=order_export,  # whose headers and cell rules the file may carry
        )
    )

`apps.common`'s AppConfig imports every app's `imports` module when Django is ready, as it does
for `exports`.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from rest_framework import serializers

from apps.common.exports.registry import Export

CreateService = Callable[..., Any]  # (*, instances: Sequence[Model]) -> Any
UpdateService = Callable[..., Any]  # (*, instances: Sequence[Model], fields: Sequence[str]) -> Any


@dataclass(frozen=True)
class Import:
    """One importable list.

    - `serializer_class`: a ModelSerializer whose writable fields are the columns the import
      takes; it validates one row (types, choices, relations). Relations it names are best
      declared as `BatchedSlugRelatedField` (related.py): one query per batch, not per row.
      The model's `full_clean()` then runs on every row, without its unique and constraint
      checks (a query per row each): the model's `clean()` states those rules in Python, the
      database enforces them in the import's transaction.
    - `create`, `update`: the app's services, each given one batch of validated, unsaved
      instances (and for updates the fields that changed in the batch); they write it with
      `bulk_create` / `bulk_update`. The import calls them inside its one transaction.
    - `export`: the export whose file this import reads back: its headers (in either
      language), its cell rules, and its columns the import does not take (left alone).
    - `key_field`: the column that names an existing row (a row without it is new);
      `version_field`: the model field the export's version column carries (VersionField);
      a row whose version is not the stored one any more is a conflict.
    """

    name: str
    serializer_class: type[serializers.ModelSerializer]
    create: CreateService
    update: UpdateService
    export: Export | None = None
    key_field: str = "id"
    version_field: str | None = "updated_at"

    @property
    def model(self) -> type[models.Model]:
        return self.serializer_class.Meta.model


_imports: dict[str, Import] = {}


def import_register(spec: Import) -> Import:
    """Record `spec` under its name and return it; another import under a taken name is a
    configuration error (the same one again, as a module re-imported, is not)."""
    existing = _imports.get(spec.name)
    if existing is not None and existing != spec:
        raise ImproperlyConfigured(f"An import named {spec.name!r} is already registered.")
    _imports[spec.name] = spec
    return spec


def import_get(name: str) -> Import:
    try:
        return _imports[name]
    except KeyError:
        raise ImproperlyConfigured(f"No import named {name!r} is registered.") from None


def imports_all() -> Sequence[Import]:
    return tuple(_imports.values())

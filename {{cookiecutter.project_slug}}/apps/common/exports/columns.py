"""The column plan: how each serializer field of an export is read, decided once per export.

A field whose source is a model field, directly or across forward foreign keys
(`user.username`), is read with `values_list` and passed through the field's own
`to_representation`; no model instance is built. Any other field (SerializerMethodField, nested
serializers, properties, fields with their own `get_attribute`) is read the way DRF reads it,
from model instances, through the one serializer built for the export. A serializer with its own
`to_representation` is called as a whole. The output is the same as `serializer(obj).data`.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice
from operator import attrgetter
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from rest_framework import ISO_8601, serializers
from rest_framework.fields import SkipField, empty
from rest_framework.relations import PKOnlyObject
from rest_framework.settings import api_settings

Represent = Callable[[Any], Any]


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    # ORM lookup ("user__username") when the value can come straight from the database row.
    lookup: str | None
    # Representation of a database value (None-safe), or None when the value is its own.
    represent: Represent | None
    # Representation read from a model instance.
    read: Callable[[models.Model], Any]


@dataclass(frozen=True)
class _ModelPath:
    field: models.Field
    attr: str  # the last attribute: `user` (the related object) or `user_id` (its key)
    optional_hop: bool  # a nullable foreign key on the way: the related object may be missing
    relations: tuple[str, ...]  # "user", "order__customer": the foreign keys on the way

    @property
    def nullable(self) -> bool:
        return self.optional_hop or self.field.null

    @property
    def value_field(self) -> models.Field | None:
        """The field whose Python type the database value has; None for a related object."""
        if not self.field.is_relation:
            return self.field
        # The key column of a foreign key ("user_id"): its value has the target field's type.
        if isinstance(self.field, models.ForeignKey) and self.attr == self.field.attname:
            return self.field.target_field
        return None

    @property
    def select_related(self) -> tuple[str, ...]:
        """What reading the path from an instance needs joined, the related object itself too."""
        field = self.field
        if (field.many_to_one or field.one_to_one) and self.attr == field.name:
            prefix = f"{self.relations[-1]}__" if self.relations else ""
            return (*self.relations, prefix + field.name)  # e.g. a nested serializer over `user`
        return self.relations


def _resolve(model: type[models.Model], attrs: list[str]) -> _ModelPath | None:
    """The model field that `attrs` ends on, if the path follows forward foreign keys only."""
    optional_hop = False
    relations: list[str] = []
    for position, attr in enumerate(attrs):
        try:
            field = model._meta.pk if attr == "pk" else model._meta.get_field(attr)
        except FieldDoesNotExist:
            return None
        if not field.concrete:
            return None
        if position == len(attrs) - 1:
            return _ModelPath(field, attr, optional_hop, tuple(relations))
        if not (field.many_to_one or field.one_to_one) or attr != field.name:
            return None
        if field.related_model is None:  # a generic foreign key: no model to follow
            return None
        optional_hop = optional_hop or field.null
        relations.append("__".join([*attrs[:position], attr]))
        model = field.related_model
    return None


def _reads_like_drf(field: serializers.Field, path: _ModelPath | None) -> bool:
    """Whether a database value gives exactly what `field.get_attribute(instance)` gives."""
    if path is None or type(field).get_attribute is not serializers.Field.get_attribute:
        return False
    if path.optional_hop:
        # DRF turns a missing related object into a default, None, an omitted key or an error;
        # a row value can only say None, so take the database path when DRF says None too.
        return field.default is empty and (field.allow_null or not field.required)
    return True


# DRF fields whose `to_representation` returns a database value of these types unchanged.
_IDENTITIES = (
    (serializers.CharField.to_representation, models.CharField | models.TextField),
    (serializers.IntegerField.to_representation, models.IntegerField),
    (serializers.BooleanField.to_representation, models.BooleanField),
)


def _is_identity(field: serializers.Field, value_field: models.Field) -> bool:
    """True when `to_representation` would return the database value unchanged."""
    represent = type(field).to_representation
    if represent is serializers.ReadOnlyField.to_representation:
        return True
    if hasattr(value_field, "from_db_value"):  # custom Python types: let the field decide
        return False
    return any(
        represent is identity and isinstance(value_field, model_types)
        for identity, model_types in _IDENTITIES
    )


def _iso_datetime(field: serializers.DateTimeField) -> Represent:
    """`DateTimeField.to_representation` with its settings resolved once, not per value.

    Same result: the value moved into the field's time zone (the current one), ISO 8601, "Z"
    for UTC. Anything unusual (naive values, other formats, subclasses) goes to the field itself.
    """
    cls = type(field)
    output_format = getattr(field, "format", api_settings.DATETIME_FORMAT)
    zone = field.timezone if hasattr(field, "timezone") else field.default_timezone()
    if (
        cls.to_representation is not serializers.DateTimeField.to_representation
        or cls.enforce_timezone is not serializers.DateTimeField.enforce_timezone
        or output_format is None
        or output_format.lower() != ISO_8601
        or zone is None
    ):
        return field.to_representation

    def represent(value: Any) -> Any:
        if value.tzinfo is None:
            return field.to_representation(value)
        text = value.astimezone(zone).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return represent


def _none_safe(represent: Represent) -> Represent:
    """DRF never calls `to_representation` with None: a None value stays None."""

    def none_safe(value: Any) -> Any:
        return None if value is None else represent(value)

    return none_safe


def _compile_represent(
    field: serializers.Field, value_field: models.Field | None, nullable: bool
) -> Represent | None:
    if value_field is not None and _is_identity(field, value_field):
        return None
    if isinstance(field, serializers.DateTimeField) and isinstance(
        value_field, models.DateTimeField
    ):
        represent = _iso_datetime(field)
    else:
        represent = field.to_representation
    return _none_safe(represent) if nullable else represent


def _null_safe_getter(attrs: list[str]) -> Callable[[models.Model], Any]:
    def get(instance: models.Model) -> Any:
        value: Any = instance
        for attr in attrs:
            if value is None:
                return None
            value = getattr(value, attr)
        return value

    return get


def _instance_reader(
    getter: Callable[[models.Model], Any], represent: Represent | None
) -> Callable[[models.Model], Any]:
    if represent is None:
        return getter

    def read(instance: models.Model) -> Any:
        return represent(getter(instance))

    return read


def _drf_reader(field: serializers.Field) -> Callable[[models.Model], Any]:
    """One field of `Serializer.to_representation`; an omitted field reads as None."""

    def read(instance: models.Model) -> Any:
        try:
            attribute = field.get_attribute(instance)
        except SkipField:
            return None
        check_for_none = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
        return None if check_for_none is None else field.to_representation(attribute)

    return read


def _label(field: serializers.Field, path: _ModelPath | None) -> str:
    """The field's own label, else the model field's verbose name, else the field name."""
    # DRF fills `label` from the field name when binding; the label given is in `_kwargs`.
    label = field._kwargs.get("label")  # type: ignore[attr-defined]  # DRF has no public accessor
    if label is None and path is not None:
        label = path.field.verbose_name
    return str(label if label is not None else field.field_name)


def _column(
    name: str, field: serializers.Field, model: type[models.Model]
) -> tuple[Column, _ModelPath | None]:
    attrs = field.source_attrs
    path = _resolve(model, attrs) if attrs else None
    value_field = path.value_field if path is not None else None
    if path is None or value_field is None or not _reads_like_drf(field, path):
        return Column(name, _label(field, path), None, None, _drf_reader(field)), path
    represent = _compile_represent(field, value_field, path.nullable)
    getter = _null_safe_getter(attrs) if path.optional_hop else attrgetter(".".join(attrs))
    column = Column(
        name=name,
        label=_label(field, path),
        lookup="__".join(attrs),
        represent=represent,
        read=_instance_reader(getter, represent),
    )
    return column, path


class ColumnPlan:
    """Reads rows for one serializer, in batches, as columns of representations.

    With every column a database value, rows come from `values_list(..., "pk")`; otherwise from
    model instances, with every foreign key a column's source follows `select_related`.
    """

    def __init__(self, serializer: serializers.Serializer, model: type[models.Model]) -> None:
        self.serializer = serializer
        planned = [
            _column(name, field, model)
            for name, field in serializer.fields.items()
            if not field.write_only
        ]
        self.columns: tuple[Column, ...] = tuple(column for column, _ in planned)
        # Read once per row by whole-serializer plans and overridden `get_csv_row`: built once.
        self.names: tuple[str, ...] = tuple(column.name for column in self.columns)
        self._whole = (
            type(serializer).to_representation is not serializers.Serializer.to_representation
        )
        self._from_values = not self._whole and all(c.lookup for c in self.columns)
        self._relations = sorted(
            {
                relation
                for _, path in planned
                if path is not None
                for relation in path.select_related
            }
        )

    @property
    def labels(self) -> list[str]:
        return [column.label for column in self.columns]

    def batches(self, queryset: models.QuerySet, size: int) -> Iterator[list[Any]]:
        """Lists of up to `size` raw rows (value tuples ending with the pk, or instances)."""
        if self._from_values:
            # Every column has a lookup here (_from_values); the condition narrows the type.
            rows = queryset.values_list(*(c.lookup for c in self.columns if c.lookup), "pk")
        elif self._relations:
            rows = queryset.select_related(*self._relations)
        else:
            rows = queryset
        iterator = rows.iterator(chunk_size=size)
        while batch := list(islice(iterator, size)):
            yield batch

    def pk(self, raw: Any) -> Any:
        return raw[-1] if self._from_values else raw.pk

    def represent_columns(self, raws: list[Any]) -> list[Any]:
        """One iterable per column; lazy, so an error surfaces where the values are consumed."""
        if self._whole:
            return list(zip(*map(self.represent_row, raws), strict=True))
        if self._from_values:
            return [
                values if column.represent is None else map(column.represent, values)
                for column, values in zip(self.columns, zip(*raws, strict=True), strict=False)
            ]
        return [map(column.read, raws) for column in self.columns]

    def represent_row(self, raw: Any) -> list[Any]:
        if self._whole:
            data = self.serializer.to_representation(raw)
            return [data.get(name) for name in self.names]
        if self._from_values:
            return [
                value if column.represent is None else column.represent(value)
                for column, value in zip(self.columns, raw, strict=False)
            ]
        return [column.read(raw) for column in self.columns]

"""How an export reads its serializer's fields: decided once per export, then applied per batch.

Two read paths, chosen once for the whole export:

| when                               | rows come from          | a value is represented by        |
| ---------------------------------- | ----------------------- | -------------------------------- |
| every field is a model field,      | `values_list(<lookups>, | its field's `to_representation`, |
| directly or across forward foreign | "pk")`: tuples, no      | column by column; skipped where  |
| keys (`source="user.email"`), read | model instance          | it returns the value unchanged;  |
| the way DRF reads it; and the      |                         | ISO datetimes with their time    |
| serializer has no own              |                         | zone found once, not per value   |
| `to_representation`                |                         |                                  |
| anything else: a method field, a   | model instances, with   | `serializer.to_representation`,  |
| nested serializer, a property or   | the foreign keys the    | row by row, as `many=True` does  |
| a callable, a field with its own   | fields follow in        |                                  |
| `get_attribute`                    | `select_related`        |                                  |

"Read the way DRF reads it" fails in one case only: a nullable foreign key on the way to a field
that DRF would turn into a default or an error when the related row is missing; such a field
takes the instance path. Both paths give exactly `serializer(obj).data`; a field that DRF leaves
out of the data gives None.

The export's cell rules (cells.py) then take over the columns they apply to (choices, dates and
datetimes of model fields): on the `values_list` path as one precomputed function per column
in place of the field's `to_representation` (a label lookup, a local-time formatter), on the
instance path from the field's value on the instance. Neither path changes: a ruled column is
read from the database as before.

Masking (`masked_fields` on the serializer, see apps/common/access/masking.py) is a column
option of its own, `Column.mask`, applied to the column's representation on either path unless
the plan is made with `unmask=True`. A writer that cannot apply a column option (a database-side
path) must leave a column with a mask to this module.
"""

import weakref
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import partial
from itertools import islice
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from rest_framework import ISO_8601, serializers
from rest_framework.fields import SkipField, empty
from rest_framework.settings import api_settings

from apps.common.access.masking import Mask, MaskedFieldsMixin, masked, masked_fields

from .cells import CellRules, Represent


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    # ORM lookup ("user__username") when the value is read from the database row, else None.
    lookup: str | None
    # The value's representation (None-safe); None when the database value is its own.
    represent: Represent | None
    # Whether a cell rule (cells.py) wrote `represent`, in place of the serializer's.
    ruled: bool = False
    # Masks the represented value (a personal column read by a reader who may not unmask it).
    mask: Mask | None = None


@dataclass(frozen=True)
class _ModelPath:
    """Where a field's source leads on the model: the field it ends on, and the way there."""

    field: models.Field
    attr: str  # the last attribute: `user` (the related object) or `user_id` (its key)
    optional_hop: bool  # a nullable foreign key on the way: the related object may be missing
    relations: tuple[str, ...]  # "user", "order__customer": the foreign keys on the way
    hops: tuple[models.Field, ...]  # those foreign keys' fields

    @property
    def value_field(self) -> models.Field | None:
        """The field whose Python type the database value has; None for a related object."""
        if not self.field.is_relation:
            return self.field
        if isinstance(self.field, models.ForeignKey) and self.attr == self.field.attname:
            return self.field.target_field  # "user_id": the key's own type
        return None

    @property
    def select_related(self) -> tuple[str, ...]:
        """What reading the path from an instance needs joined, the related object itself too."""
        field = self.field
        if (field.many_to_one or field.one_to_one) and self.attr == field.name:
            prefix = f"{self.relations[-1]}__" if self.relations else ""
            return (*self.relations, prefix + field.name)  # e.g. a nested serializer over `user`
        return self.relations


def _model_path(model: type[models.Model], attrs: list[str]) -> _ModelPath | None:
    """The model field that `attrs` ends on, if the way there follows forward foreign keys only."""
    optional_hop = False
    relations: list[str] = []
    hops: list[models.Field] = []
    for position, attr in enumerate(attrs):
        try:
            field = model._meta.pk if attr == "pk" else model._meta.get_field(attr)
        except FieldDoesNotExist:
            return None
        if not isinstance(field, models.Field) or not field.concrete:  # a reverse or generic one
            return None
        if position == len(attrs) - 1:
            return _ModelPath(field, attr, optional_hop, tuple(relations), tuple(hops))
        if not (field.many_to_one or field.one_to_one) or attr != field.name:
            return None
        related_model = field.related_model
        if not isinstance(related_model, type):  # a generic foreign key: no model to follow
            return None
        optional_hop = optional_hop or field.null
        relations.append("__".join([*attrs[:position], attr]))
        hops.append(field)
        model = related_model
    return None


def _reads_like_drf(field: serializers.Field, path: _ModelPath) -> bool:
    """Whether the database value is exactly what `field.get_attribute(instance)` gives."""
    if type(field).get_attribute is not serializers.Field.get_attribute:
        return False
    if path.optional_hop:
        # DRF turns a missing related object into a default, None, an omitted key or an error;
        # a row value can only say None, so read the row only where DRF says None too.
        return field.default is empty and (field.allow_null or not field.required)
    return True


# DRF fields whose `to_representation` returns a database value of these types unchanged.
_UNCHANGED = (
    (serializers.CharField, (models.CharField, models.TextField)),
    (serializers.IntegerField, (models.IntegerField,)),
    (serializers.BooleanField, (models.BooleanField,)),
)


def _returns_value_unchanged(field: serializers.Field, value_field: models.Field) -> bool:
    represent = type(field).to_representation
    if represent is serializers.ReadOnlyField.to_representation:
        return True
    if hasattr(value_field, "from_db_value"):  # a custom Python type: let the field decide
        return False
    return any(
        represent is drf_field.to_representation and isinstance(value_field, model_fields)
        for drf_field, model_fields in _UNCHANGED
    )


def _iso_datetime(field: serializers.DateTimeField) -> Represent:
    """`DateTimeField.to_representation` with its format and time zone found once, not per value.

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


def _database_represent(
    field: serializers.Field, value_field: models.Field, *, nullable: bool
) -> Represent | None:
    """How a database value becomes the field's representation; None when it already is one.

    DRF never calls `to_representation` with None: where the value may be None, neither does
    the function returned.
    """
    if _returns_value_unchanged(field, value_field):
        return None
    if isinstance(field, serializers.DateTimeField) and isinstance(
        value_field, models.DateTimeField
    ):
        represent = _iso_datetime(field)
    else:
        represent = field.to_representation
    if not nullable:
        return represent

    def none_safe(value: Any) -> Any:
        return None if value is None else represent(value)

    _NONE_SAFE[none_safe] = represent
    return none_safe


# `none_safe` functions -> the representation each one wraps (for the COPY path, copy_sql.py).
_NONE_SAFE: "weakref.WeakKeyDictionary[Represent, Represent]" = weakref.WeakKeyDictionary()


def unwrap_none_safe(represent: Represent) -> Represent:
    """The representation a None-safe wrapper of this module calls; any other as it is."""
    try:
        return _NONE_SAFE.get(represent, represent)
    except TypeError:  # not weakly referenceable: not a wrapper of ours
        return represent


def _label(field: serializers.Field, path: _ModelPath | None, rules: CellRules) -> str:
    """The label given to the field, else its model field's verbose name (after those of the
    foreign keys on the way, by the relation headers rule), else its name.

    Binding gives every DRF field a label (`paid_at` -> "Paid at"); the one given is kept only
    among the field's constructor arguments (`_kwargs`, which DRF's own copying relies on).
    """
    given = getattr(field, "_kwargs", {}).get("label")
    if given is not None:
        return str(given)
    if path is not None:
        return rules.header(path.hops, path.field)
    return str(field.field_name)


def _column(
    field: serializers.Field, path: _ModelPath | None, rules: CellRules, *, values_ruled: bool
) -> Column:
    label = _label(field, path, rules)
    value_field = path.value_field if path is not None else None
    if path is None or value_field is None or not _reads_like_drf(field, path):
        return Column(str(field.field_name), label, lookup=None, represent=None)
    lookup = "__".join(field.source_attrs)
    rule = rules.value_rule(field, path.field) if values_ruled else None
    if rule is not None:
        return Column(str(field.field_name), label, lookup, rule.represent, ruled=True)
    return Column(
        name=str(field.field_name),
        label=label,
        lookup=lookup,
        represent=_database_represent(
            field, value_field, nullable=path.optional_hop or path.field.null
        ),
    )


class ColumnPlan:
    """Reads rows for one serializer, a batch at a time, as the representations of its fields,
    or as its cell rules write them (see cells.py; none unless given).

    Labels and choice labels are text in the language active when the plan is made."""

    def __init__(
        self,
        serializer: serializers.Serializer,
        model: type[models.Model],
        rules: CellRules | None = None,
        *,
        unmask: bool = False,
    ) -> None:
        self.serializer = serializer
        fields = [field for field in serializer.fields.values() if not field.write_only]
        paths = [
            _model_path(model, field.source_attrs) if field.source_attrs else None
            for field in fields
        ]
        own_representation = type(serializer).to_representation not in (
            serializers.Serializer.to_representation,
            MaskedFieldsMixin.to_representation,  # masks as this plan does: not its own
        )
        rules = rules or CellRules()
        masks = {} if unmask else masked_fields(serializer)
        self.fields = tuple(fields)
        self.columns = tuple(
            # A serializer with its own to_representation decides its values: headers only.
            replace(
                _column(field, path, rules, values_ruled=not own_representation),
                mask=masks.get(str(field.field_name)),
            )
            for field, path in zip(fields, paths, strict=True)
        )
        # A MaskedFieldsMixin serializer's data unmasked: this plan masks by its own rule.
        self._to_representation = (
            partial(serializers.Serializer.to_representation, serializer)
            if type(serializer).to_representation is MaskedFieldsMixin.to_representation
            else serializer.to_representation
        )
        self._masks = [
            (position, column.mask)
            for position, column in enumerate(self.columns)
            if column.mask is not None
        ]
        self.names = tuple(column.name for column in self.columns)
        self.labels = [column.label for column in self.columns]
        # The instance path reads these columns from the instance, through their rule.
        self._ruled = [
            (position, field, column.represent)
            for position, (field, column) in enumerate(zip(fields, self.columns, strict=True))
            if column.ruled
        ]
        self.lookups = [column.lookup for column in self.columns if column.lookup is not None]
        self.from_database_rows = not own_representation and len(self.lookups) == len(self.columns)
        self.relations = sorted(
            {relation for path in paths if path is not None for relation in path.select_related}
        )

    def batches(self, queryset: models.QuerySet, size: int) -> Iterator[list[Any]]:
        """Lists of up to `size` raw rows: value tuples ending with the pk, or instances."""
        if self.from_database_rows:
            rows = queryset.values_list(*self.lookups, "pk")
        elif self.relations:
            rows = queryset.select_related(*self.relations)
        else:
            rows = queryset
        iterator = rows.iterator(chunk_size=size)
        while batch := list(islice(iterator, size)):
            yield batch

    def pk(self, raw: Any) -> Any:
        return raw[-1] if self.from_database_rows else raw.pk

    def represent_columns(self, raws: list[Any]) -> list[Iterable[Any]]:
        """One iterable per column, lazy: a value that fails raises where it is consumed."""
        if not self.from_database_rows:
            return list(zip(*map(self.represent_row, raws), strict=True))
        values_by_column = zip(*raws, strict=True)  # the last one, the pk, is left unread
        return [
            _masked_column(
                values if column.represent is None else map(column.represent, values), column.mask
            )
            for column, values in zip(self.columns, values_by_column, strict=False)
        ]

    def represent_row(self, raw: Any) -> list[Any]:
        if self.from_database_rows:
            values = [
                value if column.represent is None else column.represent(value)
                for column, value in zip(self.columns, raw, strict=False)
            ]
        else:
            data = self._to_representation(raw)
            values = [data.get(name) for name in self.names]
            for position, field, represent in self._ruled:
                value = _instance_value(field, raw)
                values[position] = value if represent is None else represent(value)
        for position, mask in self._masks:
            values[position] = masked(values[position], mask)
        return values


def _masked_column(values: Iterable[Any], mask: Mask | None) -> Iterable[Any]:
    if mask is None:
        return values
    return (masked(value, mask) for value in values)


def _instance_value(field: serializers.Field, instance: models.Model) -> Any:
    """The field's value as DRF reads it; None where DRF would leave the field out."""
    try:
        return field.get_attribute(instance)
    except SkipField:
        return None

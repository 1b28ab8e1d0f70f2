"""Relations read for a whole batch of rows in one query, not one query per row.

DRF's `SlugRelatedField` looks its object up when it reads each value. In an import the
serializer reads thousands of rows, so the import looks up the values of a batch at once
(`prefetch`) and this field reads from that; outside an import it is a `SlugRelatedField`.
"""

from collections.abc import Iterable
from typing import Any

from django.utils.encoding import smart_str
from rest_framework import serializers

BATCH_RELATED = "import_batch_related"  # serializer context key: field name → {text: object}


class BatchedSlugRelatedField(serializers.SlugRelatedField):
    def to_internal_value(self, data: Any) -> Any:
        found = self.context.get(BATCH_RELATED, {}).get(self.field_name)
        if found is None:
            return super().to_internal_value(data)
        if not isinstance(data, str | int):
            self.fail("invalid")
        try:
            return found[str(data)]
        except KeyError:
            self.fail("does_not_exist", slug_name=self.slug_field, value=smart_str(data))


def batched_fields(fields: Iterable[serializers.Field]) -> list[BatchedSlugRelatedField]:
    return [field for field in fields if isinstance(field, BatchedSlugRelatedField)]


def prefetch(field: BatchedSlugRelatedField, values: Iterable[Any]) -> dict[str, Any]:
    """The related objects the batch names, by their slug's text: one query."""
    wanted = {str(value) for value in values if isinstance(value, str | int) and value != ""}
    if not wanted:
        return {}
    queryset = field.get_queryset()
    assert queryset is not None  # a writable related field has one  # noqa: S101
    queryset = queryset.filter(**{f"{field.slug_field}__in": wanted})
    return {str(getattr(obj, field.slug_field)): obj for obj in queryset}

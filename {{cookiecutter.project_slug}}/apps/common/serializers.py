"""Serializer bases every app's API serializers start from.

DRF's DateTimeField has two edges that this one closes:

- A naive datetime near the ends of the calendar ("0001-01-01T00:00:00" in a time zone east of
  UTC) raises OverflowError, a 500, while DRF checks the time zone. Here it is a 400 naming the
  field.
- A datetime before about 1900 is shown in the zone's local mean time, whose offset has
  seconds (Asia/Seoul: +08:27:52), which RFC 3339 (OpenAPI's `date-time`) cannot express.
  Such a value is shown in UTC instead: the same instant.
"""

from datetime import UTC, datetime
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class DateTimeField(serializers.DateTimeField):
    default_error_messages = {
        **serializers.DateTimeField.default_error_messages,
        "overflow": _("Datetime value out of range: use a date between years 2 and 9998."),
    }

    def enforce_timezone(self, value: datetime) -> datetime:
        try:
            return super().enforce_timezone(value)
        except OverflowError:
            self.fail("overflow")

    def to_representation(self, value: datetime) -> str:
        offset = self.enforce_timezone(value).utcoffset()
        if offset is not None and offset.seconds % 60:
            return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
        return super().to_representation(value)


class ModelSerializer(serializers.ModelSerializer[Any]):
    """DRF's ModelSerializer, with the DateTimeField above for the model's datetime fields."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: DateTimeField,
    }

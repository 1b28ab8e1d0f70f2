"""Serializer bases every app's API serializers start from.

DRF's DateTimeField turns a naive datetime near the ends of the calendar
("0001-01-01T00:00:00" in a time zone east of UTC) into an OverflowError, a 500, while it
checks the time zone. Here that is a 400 naming the field.
"""

from datetime import datetime
from typing import Any

from django.db import models
from rest_framework import serializers


class DateTimeField(serializers.DateTimeField):
    default_error_messages = {
        **serializers.DateTimeField.default_error_messages,
        "overflow": "Datetime value out of range: use a date between years 2 and 9998.",
    }

    def enforce_timezone(self, value: datetime) -> datetime:
        try:
            return super().enforce_timezone(value)
        except OverflowError:
            self.fail("overflow")


class ModelSerializer(serializers.ModelSerializer[Any]):
    """DRF's ModelSerializer, with the DateTimeField above for the model's datetime fields."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: DateTimeField,
    }

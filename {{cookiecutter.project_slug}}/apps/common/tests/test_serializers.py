from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from apps.common.serializers import DateTimeField

SEOUL = ZoneInfo("Asia/Seoul")


def test_a_naive_datetime_that_overflows_in_utc_is_a_validation_error():
    with timezone.override(SEOUL), pytest.raises(ValidationError) as error:
        DateTimeField().to_internal_value("0001-01-01T00:00:00")

    assert error.value.detail == [
        "Datetime value out of range: use a date between years 2 and 9998."
    ]


def test_a_modern_datetime_is_shown_in_the_current_time_zone():
    moment = datetime(2025, 3, 1, 0, 30, tzinfo=UTC)

    with timezone.override(SEOUL):
        assert DateTimeField().to_representation(moment) == "2025-03-01T09:30:00+09:00"


def test_a_datetime_in_local_mean_time_is_shown_in_utc():
    """Before 1908 Seoul's offset was +08:27:52, which RFC 3339 cannot write."""
    moment = datetime(1900, 1, 1, tzinfo=UTC)

    with timezone.override(SEOUL):
        assert DateTimeField().to_representation(moment) == "1900-01-01T00:00:00Z"

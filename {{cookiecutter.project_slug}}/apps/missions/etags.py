"""A mission's ETag is its version: `updated_at` in microseconds since 1970 (UTC).

Every write through the services sets `updated_at`, so a changed row always has a new ETag.
A PATCH may send the ETag back in `If-Match` to refuse a lost update (412).
"""

import re
from datetime import UTC, datetime, timedelta

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from .models import Mission

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_ETAG = re.compile(r'"(\d{1,19})"')


def mission_etag(mission: Mission) -> str:
    return f'"{(mission.updated_at - _EPOCH) // _MICROSECOND}"'


def if_match_updated_at(request: Request) -> datetime | None:
    """The version the client read, from its `If-Match` header; None when it sent none (or `*`).

    A header that is not one ETag of ours, a blank one included, is a 400 saying what to send:
    a client that meant a precondition never gets an unconditional write.
    """
    sent = request.headers.get("If-Match")
    if sent is None:
        return None
    header = sent.strip()
    if header == "*":
        return None
    match = _ETAG.fullmatch(header)
    if match is not None:
        try:
            return _EPOCH + int(match[1]) * _MICROSECOND
        except OverflowError:
            pass
    raise ValidationError(
        {"If-Match": [_("Send the ETag header of your last GET of this mission, quotes included.")]}
    )

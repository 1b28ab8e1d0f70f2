"""Reading access records: the monthly review of downloads of personal data, per user."""

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import QuerySet
from django.utils import timezone

from .models import AccessRecord

_MONTH = re.compile(r"(\d{4})-(\d{2})")


def parse_month(text: str) -> date:
    """`YYYY-MM` as the first day of that month; ValueError naming the expected form."""
    match = _MONTH.fullmatch(text.strip())
    if match is None or not 1 <= int(match[2]) <= 12 or int(match[1]) < 1:
        raise ValueError(f"{text!r} is not a month: write it as YYYY-MM, e.g. 2026-11.")
    return date(int(match[1]), int(match[2]), 1)


@dataclass
class UserReview:
    """One user's downloads of personal data in a month."""

    user_id: int | None
    username: str
    downloads: int = 0  # files streamed and export jobs started (admin included)
    rows: int = 0
    links: int = 0  # download links handed out
    unmasked: int = 0  # downloads written unmasked
    reasons: list[str] = field(default_factory=list)


def access_records_of_month(*, month: date) -> QuerySet[AccessRecord]:
    """The month's downloads of personal data (in the project's time zone), oldest first."""
    zone = timezone.get_default_timezone()
    start = datetime(month.year, month.month, 1, tzinfo=zone)
    end = datetime(month.year + month.month // 12, month.month % 12 + 1, 1, tzinfo=zone)
    return AccessRecord.objects.filter(
        created_at__gte=start,
        created_at__lt=end,
        personal_data=True,
        action__in=AccessRecord.DOWNLOADS,
    ).order_by("pk")


def access_review_month(*, month: date) -> list[UserReview]:
    """Per user, by username: their downloads of personal data in `month`, with row counts,
    links handed out and the distinct reasons they gave."""
    reviews: dict[int | None, UserReview] = {}
    fields = ("user_id", "username", "action", "row_count", "unmasked", "reason")
    for user_id, username, action, rows, unmasked, reason in (
        access_records_of_month(month=month).values_list(*fields).iterator()
    ):
        review = reviews.setdefault(user_id, UserReview(user_id, username))
        review.username = username  # the latest snapshot
        if action == AccessRecord.Action.LINK_ISSUED:
            review.links += 1
            continue
        review.downloads += 1
        review.rows += rows
        review.unmasked += int(unmasked)
        if reason and reason not in review.reasons:
            review.reasons.append(reason)
    return sorted(reviews.values(), key=lambda review: (review.username, review.user_id or 0))

"""The monthly review of access records: per user, their downloads of personal data."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.common.access.selectors import access_review_month, parse_month


class Command(BaseCommand):
    help = (
        "Per user, the downloads of personal data in a month (the project's time zone): "
        "how many, their rows, unmasked ones, links handed out, and the reasons given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", required=True, help="The month to review, as YYYY-MM.")

    def handle(self, *args: Any, month: str, **options: Any) -> None:
        try:
            first_day = parse_month(month)
        except ValueError as error:
            raise CommandError(str(error)) from None
        reviews = access_review_month(month=first_day)
        self.stdout.write(f"Downloads of personal data in {first_day:%Y-%m}: {len(reviews)} users")
        for review in reviews:
            reasons = " / ".join(review.reasons) or "-"
            self.stdout.write(
                f"{review.username or '-'} (id {review.user_id}): {review.downloads} downloads, "
                f"{review.rows} rows, {review.unmasked} unmasked, {review.links} links; "
                f"reasons: {reasons}"
            )

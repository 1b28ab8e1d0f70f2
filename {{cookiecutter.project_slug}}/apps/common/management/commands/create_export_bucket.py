from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from apps.common.exports.s3 import S3ClientService


class Command(BaseCommand):
    help = "Create the private S3 bucket for CSV exports if it does not exist (EXPORTS_S3_BUCKET)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bucket", default=None, help="Another bucket name.")

    def handle(self, *args: object, bucket: str | None = None, **options: object) -> None:
        bucket = bucket or settings.EXPORTS_S3_BUCKET
        created = S3ClientService().ensure_bucket(bucket)
        self.stdout.write(f"Bucket {bucket} {'created' if created else 'already exists'}.")

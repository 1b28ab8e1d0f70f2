"""CSV exports: `CSVDownloader`, progress in the cache, S3 upload, and the export job record.

Import the public helpers from `apps.common` (`CSVDownloader`, `set_progress`, `upload_s3`).
"""

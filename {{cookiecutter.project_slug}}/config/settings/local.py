"""Local development: runs with no services installed.

SQLite, a file cache and a file-system Celery broker shared by `make run` and
`make worker`, and moto's S3 server (`make s3`) as the bucket. Set DATABASE_URL,
REDIS_URL or AWS_S3_ENDPOINT_URL in `.env` to use real services instead.
"""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)

AWS_S3_ENDPOINT_URL = env("AWS_S3_ENDPOINT_URL", default="http://127.0.0.1:5000")
AWS_ACCESS_KEY_ID = env("AWS_ACCESS_KEY_ID", default="local")
AWS_SECRET_ACCESS_KEY = env("AWS_SECRET_ACCESS_KEY", default="local")
AWS_S3_ADDRESSING_STYLE = env("AWS_S3_ADDRESSING_STYLE", default="path")

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

"""Local development: runs with no services installed.

SQLite, a file cache and a file-system Celery broker shared by `make run` and
`make worker`, and moto's S3 server (`make s3`) as the bucket. Set DATABASE_URL,
REDIS_URL or AWS_S3_ENDPOINT_URL in `.env` to use real services instead.
"""

import sys

from .env_file import read_env_file

read_env_file()  # before `base`, which reads the environment when it is imported

from .base import *  # noqa: E402, F403
from .base import env  # noqa: E402

SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    sys.exit("DJANGO_SECRET_KEY is not set: run `make setup`, which writes .env with a fresh key.")

DEBUG = env.bool("DJANGO_DEBUG", default=True)

AWS_S3_ENDPOINT_URL = env("AWS_S3_ENDPOINT_URL", default="http://127.0.0.1:5000")
AWS_ACCESS_KEY_ID = env("AWS_ACCESS_KEY_ID", default="local")
AWS_SECRET_ACCESS_KEY = env("AWS_SECRET_ACCESS_KEY", default="local")
AWS_S3_ADDRESSING_STYLE = env("AWS_S3_ADDRESSING_STYLE", default="path")

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

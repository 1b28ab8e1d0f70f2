"""Tests: fast and deterministic by default, real services when their URLs are set.

`make test` runs on in-memory SQLite with a local-memory cache and tasks run eagerly.
With DATABASE_URL and REDIS_URL set (`make test-services`), the same tests run against
PostgreSQL and Redis. S3 is always moto's in-process mock (`mock_aws`): the endpoint that
`.env` gives local runs (moto_server on 127.0.0.1:5000) is ignored here.
"""

from .base import *  # noqa: F403
from .base import REDIS_URL, env

SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]

DATABASES = {"default": env.db("DATABASE_URL", default="sqlite://:memory:")}

if not REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Throttling has tests of its own, with low rates; the rest of the suite must never meet it.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": dict.fromkeys(("anon", "user", "auth"), "100000/min"),
}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True

AWS_S3_ENDPOINT_URL = None
AWS_ACCESS_KEY_ID = env("AWS_ACCESS_KEY_ID", default="testing")
AWS_SECRET_ACCESS_KEY = env("AWS_SECRET_ACCESS_KEY", default="testing")
AWS_S3_REGION_NAME = "us-east-1"
EXPORTS_S3_BUCKET = "test-exports"

LOGGING["root"]["level"] = "WARNING"  # noqa: F405

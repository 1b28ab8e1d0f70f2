"""Tests: fast and deterministic, with no `.env` and no environment variable needed.

`.env` is never read here, so its DATABASE_URL and REDIS_URL (a developer's own data) never
reach a test run. `make test` runs on in-memory SQLite with a local-memory cache, and tasks
run eagerly. Only TEST_DATABASE_URL and TEST_REDIS_URL (`make test-services` sets them) move the
suite to PostgreSQL and Redis; pytest-django creates and drops its own `test_<name>` database
there, and the Redis URL names a database number the tests may flush. S3 is always moto's
in-process mock (`mock_aws`).
"""

from .base import *  # noqa: F403
from .base import env, redis_cache

SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]

DATABASES = {"default": env.db("TEST_DATABASE_URL", default="sqlite://:memory:")}

TEST_REDIS_URL = env("TEST_REDIS_URL", default="")
if TEST_REDIS_URL:
    CACHES = {"default": redis_cache(TEST_REDIS_URL)}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Throttling has tests of its own, with low rates; the rest of the suite must never meet it.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": dict.fromkeys(("anon", "user", "auth"), "100000/min"),
}

# Tests read our messages in their source language, English; the tests of the translations
# (apps/common/tests/test_i18n.py) ask for Korean explicitly, as a client would.
LANGUAGE_CODE = "en"

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True

AWS_S3_ENDPOINT_URL = None
AWS_ACCESS_KEY_ID = "testing"
AWS_SECRET_ACCESS_KEY = "testing"  # noqa: S105
AWS_S3_REGION_NAME = "us-east-1"
EXPORTS_S3_BUCKET = "test-exports"

LOGGING["root"]["level"] = "WARNING"  # noqa: F405

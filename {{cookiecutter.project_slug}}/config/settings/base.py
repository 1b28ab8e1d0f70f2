"""Settings shared by every environment.

Values come from the environment through django-environ (`local` and `production` add the
project's `.env` file first, see `env_file`). Each environment module (`local`, `test`,
`production`) imports this one, sets its own SECRET_KEY and changes only what differs.
"""

from datetime import timedelta
from pathlib import Path
from typing import Any

import environ
import structlog
from celery.schedules import crontab
{%- if cookiecutter.django_version == "5.2" %}
from csp.constants import NONCE, NONE, SELF
{%- else %}
from django.utils.csp import CSP
{%- endif %}

from config.sentry import init_sentry

BASE_DIR = Path(__file__).resolve().parent.parent.parent
LOCAL_STATE_DIR = BASE_DIR / ".local"

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "corsheaders",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_structlog",
    "apps.common",
    "apps.users",
{%- if cookiecutter.include_example_apps == "y" %}
    "apps.missions",
    "apps.reward_logs",
{%- endif %}
    # make app: new apps go above this line.
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A request id for every log line of the request and of the tasks it starts
    # (apps/common/request_id.py).
    "django_structlog.middlewares.RequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "apps.common.middleware.RequestLoggingMiddleware",
    "apps.common.middleware.NoStoreApiResponsesMiddleware",
    "{{ "csp.middleware.CSPMiddleware" if cookiecutter.django_version == "5.2" else "django.middleware.csp.ContentSecurityPolicyMiddleware" }}",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "users.User"
{%- if cookiecutter.django_version == "5.2" %}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
{%- endif %}

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                # `csp_nonce`: the response's Content Security Policy nonce.
                "{{ "apps.common.context_processors.csp" if cookiecutter.django_version == "5.2" else "django.template.context_processors.csp" }}",
            ],
        },
    },
]

# Databases: SQLite unless DATABASE_URL names a real server.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)


def redis_cache(location: str) -> dict[str, Any]:
    """The Django cache on Redis at `location` (export progress, cached reads)."""
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": location,
        "OPTIONS": {
            "CLIENT_CLASS": "django_redis.client.DefaultClient",
            "SOCKET_CONNECT_TIMEOUT": 2,
            "SOCKET_TIMEOUT": 2,
            # A Redis outage reads as a cache miss (logged) instead of failing the request;
            # the health check still reports it.
            "IGNORE_EXCEPTIONS": True,
        },
    }


# Cache: Redis when REDIS_URL is set (progress of exports, cached reads); otherwise a
# file cache, which web and worker processes on one machine share without a server.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": redis_cache(REDIS_URL)}
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(LOCAL_STATE_DIR / "cache"),
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = env("DJANGO_LANGUAGE_CODE", default="{{ cookiecutter.language_code }}")
TIME_ZONE = env("DJANGO_TIME_ZONE", default="{{ cookiecutter.timezone }}")
USE_I18N = True
USE_TZ = True
# Our own strings are written in English and translated in `locale/` (the project's) and in each
# app's `locale/` folder (found by Django by itself); `make messages` updates both.
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The API's users: a front end logs in with JWT (`/api/auth/token/`); the admin and the browsable
# docs use the session. No Basic auth: it hashes the password on every request and skips CSRF.
# The first authentication class names the 401 challenge (`WWW-Authenticate: Bearer`).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework_simplejwt.authentication.JWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PARSER_CLASSES": [
        "apps.common.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "apps.common.pagination.PageNumberPagination",
    "DEFAULT_SCHEMA_CLASS": "apps.common.schema.AutoSchema",
    "EXCEPTION_HANDLER": "apps.common.exceptions.api_exception_handler",
    "PAGE_SIZE": 20,
    # Counted in the default cache (Redis in production, so every process shares the counts).
    "DEFAULT_THROTTLE_CLASSES": [
        "apps.common.throttling.AnonRateThrottle",
        "apps.common.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_THROTTLE_ANON", default="60/min"),
        "user": env("API_THROTTLE_USER", default="600/min"),
        # Password guessing: per client address, on the token endpoint only.
        "auth": env("API_THROTTLE_AUTH", default="10/min"),
    },
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_MINUTES", default=15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", default=7)),
    # Each refresh hands out a new refresh token and blacklists the old one, so a stolen
    # refresh token works once at most; logging out blacklists the current one.
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
}

# A front end on another origin: the origins allowed to call the API from a browser, and to
# send unsafe requests with the session's CSRF token. Both empty by default.
CORS_ALLOWED_ORIGINS = env.list("DJANGO_CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/api/.*$"
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

SPECTACULAR_SETTINGS = {
    "TITLE": "{{ cookiecutter.project_name }} API",
    "DESCRIPTION": "{{ cookiecutter.description }}",
    "VERSION": "{{ cookiecutter.version }}",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and Redoc from drf-spectacular-sidecar's static files, not a CDN: the docs
    # work on an internal network.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Enum names by model and field, so two apps' `status` never collide (apps/common/schema.py).
    "POSTPROCESSING_HOOKS": [
        "apps.common.schema.postprocess_enum_names",
        "drf_spectacular.hooks.postprocess_schema_enums",
    ],
}
{%- set csp = "" if cookiecutter.django_version == "5.2" else "CSP." %}
{%- set directives %}
"default-src": [{{ csp }}SELF],
"script-src": [{{ csp }}SELF, {{ csp }}NONCE],
"style-src": [{{ csp }}SELF, {{ csp }}NONCE],
"img-src": [{{ csp }}SELF, "data:"],
"font-src": [{{ csp }}SELF, "data:"],
"connect-src": [{{ csp }}SELF],
"object-src": [{{ csp }}NONE],
"base-uri": [{{ csp }}SELF],
"form-action": [{{ csp }}SELF],
"frame-ancestors": [{{ csp }}NONE],
{%- endset %}

# Content Security Policy ({{ "django-csp" if cookiecutter.django_version == "5.2" else "Django's own" }}) on every response, above all the admin and the API docs:
# scripts and styles only from this server, or inline with the response's nonce (a template
# sets `nonce=` from the context's `csp_nonce`); nothing may frame the pages or send their forms
# elsewhere.
{%- if cookiecutter.django_version == "5.2" %}
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        {{- directives | indent(8) }}
    },
}
{%- else %}
SECURE_CSP: dict[str, list[str]] = {
    {{- directives | indent(4) }}
}
{%- endif %}

# Celery: Redis as broker when a URL is set; otherwise a broker on the local file system,
# which a web process and a worker on one machine share without any server.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL or None)
if CELERY_BROKER_URL == "filesystem://":
    _broker_dir = LOCAL_STATE_DIR / "celery-broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "control_folder": str(_broker_dir / "control"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
    }
    # kombu's file-system transport expects its folders to exist.
    for _folder in ("queue", "control", "processed"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=60 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 60
CELERY_RESULT_EXPIRES = timedelta(days=1)
CELERY_TIMEZONE = TIME_ZONE
# The worker's own log lines carry the request id of the task's request too (config/celery.py).
CELERY_WORKER_TASK_LOG_FORMAT = (
    "[%(asctime)s: %(levelname)s/%(processName)s] [%(request_id)s] "
    "%(task_name)s[%(task_id)s]: %(message)s"
)
CELERY_WORKER_LOG_FORMAT = (
    "[%(asctime)s: %(levelname)s/%(processName)s] [%(request_id)s] %(message)s"
)
CELERY_BEAT_SCHEDULE = {
    "delete-expired-exports": {
        "task": "apps.common.tasks.delete_expired_exports",
        "schedule": crontab(minute=30, hour=4),
    },
    "fail-stale-exports": {
        "task": "apps.common.tasks.fail_stale_exports",
        "schedule": timedelta(minutes=1),
    },
    "delete-expired-access-records": {
        "task": "apps.common.tasks.delete_expired_access_records",
        "schedule": crontab(minute=45, hour=4),
    },
}

# S3 (or any S3-compatible store: MinIO, moto). Endpoint empty means AWS itself.
AWS_S3_ENDPOINT_URL = env("AWS_S3_ENDPOINT_URL", default="") or None
AWS_S3_REGION_NAME = env("AWS_S3_REGION_NAME", default="ap-northeast-2")
AWS_S3_ADDRESSING_STYLE = env("AWS_S3_ADDRESSING_STYLE", default="auto")
AWS_ACCESS_KEY_ID = env("AWS_ACCESS_KEY_ID", default="") or None
AWS_SECRET_ACCESS_KEY = env("AWS_SECRET_ACCESS_KEY", default="") or None

# Exports (CSV and XLSX).
EXPORTS_S3_BUCKET = env("EXPORTS_S3_BUCKET", default="{{ cookiecutter.project_slug.replace('_', '-') }}-exports")
EXPORTS_DOWNLOAD_URL_EXPIRY = timedelta(minutes=env.int("EXPORTS_DOWNLOAD_URL_MINUTES", default=10))
EXPORTS_RETENTION = timedelta(days=env.int("EXPORTS_RETENTION_DAYS", default=7))
EXPORTS_ROW_LIMIT = env.int("EXPORTS_ROW_LIMIT", default=100_000)
# A GET streams at most this many rows; a larger export runs as a job (POST, or
# `Prefer: respond-async`). 0: no limit.
EXPORTS_STREAM_MAX_ROWS = env.int("EXPORTS_STREAM_MAX_ROWS", default=50_000)
# Export jobs one user may have pending or running at once; the next start is a 429.
EXPORTS_MAX_ACTIVE_JOBS_PER_USER = env.int("EXPORTS_MAX_ACTIVE_JOBS_PER_USER", default=3)
# A running export job whose heartbeat has been silent this long lost its worker: it is failed.
# Longer than the slowest step without progress (the row count, the final upload).
EXPORTS_STALE_AFTER = timedelta(seconds=env.int("EXPORTS_STALE_AFTER_SECONDS", default=300))

# Spreadsheet imports (apps.common.imports): the largest file and the most rows and columns one
# import takes (more is a 413 or 400 naming the limit), rows validated and written per batch,
# and how many errors (and changed rows) a result lists; all are counted.
IMPORTS_MAX_BYTES = env.int("IMPORTS_MAX_BYTES", default=20 * 1024 * 1024)
IMPORTS_MAX_ROWS = env.int("IMPORTS_MAX_ROWS", default=100_000)
IMPORTS_MAX_COLUMNS = env.int("IMPORTS_MAX_COLUMNS", default=200)
IMPORTS_BATCH_SIZE = env.int("IMPORTS_BATCH_SIZE", default=1000)
IMPORTS_LISTED_ERRORS = env.int("IMPORTS_LISTED_ERRORS", default=100)

# Access records (apps/common/access): every download, job, link and import of personal data.
# Kept two years by default (the safety-measure standard asks one year, two for systems of
# 50,000 data subjects or more, or holding sensitive data or unique identifiers).
ACCESS_RECORDS_RETENTION = timedelta(days=env.int("ACCESS_RECORDS_RETENTION_DAYS", default=730))
# How many proxies in front of the project append to X-Forwarded-For (a load balancer, nginx):
# the client's address is read that many entries from the right. 0: the connection's address.
ACCESS_RECORDS_TRUSTED_PROXIES = env.int("ACCESS_RECORDS_TRUSTED_PROXIES", default=0)

# Request ids (django-structlog, see apps/common/request_id.py): the id of a request kept only
# when well-formed, carried into the Celery tasks it starts; structlog's own events go to the
# standard library's loggers, so every line goes through the handlers below.
DJANGO_STRUCTLOG_CELERY_ENABLED = True
DJANGO_STRUCTLOG_TRUST_UPSTREAM_REQUEST_ID = False
# Its address guess reads X-Forwarded-For unchecked: the access records keep the trusted one.
DJANGO_STRUCTLOG_IP_LOGGING_ENABLED = False
structlog.configure(
    processors=[
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.filter_by_level,
        structlog.stdlib.render_to_log_kwargs,
    ],
    logger_factory=structlog.stdlib.LoggerFactory(),
    wrapper_class=structlog.stdlib.BoundLogger,
    cache_logger_on_first_use=True,
)

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "apps.common.request_id.RequestIdLogFilter"},
        # A 4xx is logged without a traceback (apps/common/log_filters.py).
        "client_errors": {"()": "apps.common.log_filters.ClientErrorWithoutTraceback"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id", "client_errors"],
        },
    },
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
}

# Sentry (config/sentry.py): off unless SENTRY_DSN is set; never personal data, never a 4xx.
SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    init_sentry(
        dsn=SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", default="production"),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )

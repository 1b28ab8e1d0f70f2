"""Refuse bad answers before cookiecutter writes anything.

Each check prints one line that says what to fix; cookiecutter then removes the
half-made folder, so a refused bake leaves nothing behind.
"""

import json
import keyword
import re
import sys
import zoneinfo

# Top-level modules the generated project imports: a slug with one of these names
# would shadow it and break the project in confusing ways.
SHADOWED_MODULES = {
    "apps",
    "boto3",
    "botocore",
    "celery",
    "config",
    "django",
    "django_filters",
    "django_redis",
    "drf_spectacular",
    "environ",
    "factory",
    "kombu",
    "manage",
    "model_bakery",
    "moto",
    "psycopg",
    "pytest",
    "redis",
    "rest_framework",
    "site",
    "test",
    "tests",
}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})*$")
# The oldest Python each offered Django version supports (cookiecutter.json; Django 6 needs 3.12).
DJANGO_MINIMUM_PYTHON: dict[str, str] = json.loads("""{{ cookiecutter._django_minimum_python | tojson }}""")


def version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def problems(
    slug: str, email: str, timezone: str, language_code: str, python_version: str, django_version: str
) -> list[str]:
    found = []
    if not slug.isidentifier() or not slug.isascii() or slug != slug.lower():
        found.append(
            f"project_slug {slug!r} is not a valid Python package name: "
            "use lowercase letters, digits and underscores, starting with a letter."
        )
    elif keyword.iskeyword(slug) or slug in SHADOWED_MODULES:
        found.append(
            f"project_slug {slug!r} would shadow the module of the same name "
            "that the project imports: choose another name."
        )
    if not EMAIL.match(email):
        found.append(f"author_email {email!r} is not an email address (like name@example.com).")
    if timezone not in zoneinfo.available_timezones():
        found.append(f"timezone {timezone!r} is not an IANA time zone (like Asia/Seoul or UTC).")
    if not LANGUAGE_CODE.match(language_code):
        found.append(f"language_code {language_code!r} is not a language code (like ko-kr or en-us).")
    minimum = DJANGO_MINIMUM_PYTHON[django_version]
    if version_tuple(python_version) < version_tuple(minimum):
        found.append(
            f"django_version {django_version} needs Python {minimum} or newer, "
            f"not {python_version}: answer a newer python_version, or django_version 5.2 (the LTS)."
        )
    return found


def main() -> int:
    found = problems(
        slug="{{ cookiecutter.project_slug }}",
        email="{{ cookiecutter.author_email }}",
        timezone="{{ cookiecutter.timezone }}",
        language_code="{{ cookiecutter.language_code }}",
        python_version="{{ cookiecutter.python_version }}",
        django_version="{{ cookiecutter.django_version }}",
    )
    for line in found:
        print(f"ERROR: {line}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())

"""The admin and the API docs in headless Chromium under the production Content Security Policy:
every page works, and the browser reports no violation of the policy on any of them. On the
default bake (django-csp on Django 5.2) and on a Django 6.1 bake (Django's own policy)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import temporary_postgres_database
from tests.e2e.conftest import ADMIN, ARTIFACTS_DIR, E2EStack, running_stack
from tools.project import bake

pytestmark = pytest.mark.e2e

# Enough reward logs for the admin's export to show its progress page; the 6.1 stack exists for
# this test alone.
DJANGO_6_LOGS = 2000

# Runs before any script of the page (Playwright's init scripts are not subject to the policy).
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI || "inline"}`);
});
"""


@pytest.fixture(scope="module")
def e2e_django_6(e2e_services, python_for, tmp_path_factory) -> Iterator[E2EStack]:
    """A Django 6.1 bake's whole stack, with its own database and its own broker."""
    python = python_for("3.12", "6.1")
    root = tmp_path_factory.mktemp("e2e-django6.1")
    project = bake(root, django_version="6.1", python_version="3.12")
    with (
        temporary_postgres_database(python, "template_e2e_django6") as database_url,
        running_stack(root, project, python, database_url, logs=DJANGO_6_LOGS, own_broker=True) as stack,
    ):
        yield stack


@pytest.mark.parametrize("stack_fixture", ["e2e", "e2e_django_6"], ids=["django5.2", "django6.1"])
def test_admin_and_docs_run_under_the_content_security_policy_without_violations(
    request, chromium, stack_fixture
):
    e2e = request.getfixturevalue(stack_fixture)
    context = chromium.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(30_000)
    violations: dict[str, list[str]] = {}
    policies: dict[str, str] = {}

    def visited(name: str) -> None:
        violations[name] = page.evaluate("window.cspViolations")

    try:
        response = page.goto(f"{e2e.base_url}/admin/login/?next=/admin/")
        policies["admin"] = response.headers.get("content-security-policy", "") if response else ""
        page.fill("#id_username", ADMIN[0])
        page.fill("#id_password", ADMIN[1])
        page.click("input[type=submit]")
        page.wait_for_url(f"{e2e.base_url}/admin/")
        visited("admin index")

        mission = e2e.admin.get("/api/reward-logs/?status=pending&size=1").json()["results"][0]
        page.goto(
            f"{e2e.base_url}/admin/reward_logs/missionrewardlog/"
            f"?status__exact=pending&mission__id__exact={mission['mission']['id']}"
        )
        page.click("#export-list-csv")  # one mission's pending logs: a short export
        # A locator, not wait_for_function: that one evaluates a string, which the policy forbids.
        page.locator("#export-percent").filter(has_text="100%").wait_for(timeout=120_000)
        visited("export progress page")

        response = page.goto(f"{e2e.base_url}/api/docs/")
        policies["docs"] = response.headers.get("content-security-policy", "") if response else ""
        page.locator(".swagger-ui .info .title").wait_for()
        page.locator(".opblock").first.wait_for()
        visited("Swagger UI")

        page.goto(f"{e2e.base_url}/api/redoc/")
        page.locator("h1").first.wait_for()
        page.locator("[data-section-id]").first.wait_for()
        visited("Redoc")
        ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS_DIR / f"e2e-redoc-under-csp-{stack_fixture}.png"))
    finally:
        context.close()

    print(f"\n[e2e] {stack_fixture}: CSP violations per page: {violations}")
    for name, policy in policies.items():
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
        assert directives["script-src"].startswith("'self'"), f"{name}: {policy!r}"
        assert "'unsafe-inline'" not in directives["script-src"], f"{name}: {policy!r}"
        assert directives["frame-ancestors"] == "'none'", f"{name}: {policy!r}"
    assert list(violations) == ["admin index", "export progress page", "Swagger UI", "Redoc"]
    assert {name: found for name, found in violations.items() if found} == {}

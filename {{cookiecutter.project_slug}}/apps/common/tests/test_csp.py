"""The Content Security Policy: strict scripts everywhere, nonces in our templates."""

import re

import pytest

pytestmark = pytest.mark.django_db

NONCE = re.compile(r"'nonce-([^']+)'")


def nonce(directive: str) -> str:
    found = NONCE.search(directive)
    assert found is not None, directive
    return found.group(1)


def policy(response) -> dict[str, str]:
    directives = (part.strip() for part in response["Content-Security-Policy"].split(";"))
    return dict(directive.split(" ", 1) for directive in directives if directive)


def test_the_admin_allows_scripts_and_styles_from_this_server_only(client):
    """The policy names a nonce exactly when the page's tags carry it: Django 6's admin templates
    put it on their scripts and styles, 5.2's ask for none."""
    response = client.get("/admin/login/")
    directives = policy(response)
    nonces_in_page = set(re.findall(r'nonce="([^"]+)"', response.content.decode()))

    assert directives["default-src"] == "'self'"
    expected = " ".join(["'self'", *(f"'nonce-{found}'" for found in nonces_in_page)])
    for directive in ("script-src", "style-src"):
        assert directives[directive] == expected
    assert len(nonces_in_page) <= 1
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"


def test_swagger_ui_has_no_inline_script_and_its_style_carries_the_nonce(client):
    response = client.get("/api/docs/")
    html = response.content.decode()

    assert f'<style nonce="{nonce(policy(response)["style-src"])}">' in html
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert client.get("/api/docs/?script=").status_code == 200


def test_redoc_runs_its_one_inline_script_by_nonce_and_may_add_styles(client):
    response = client.get("/api/redoc/")
    directives = policy(response)

    html = response.content.decode()

    assert f'<script nonce="{nonce(directives["script-src"])}">' in html
    assert 'Redoc.init("/api/schema/", {},' in html  # no settings: an empty object, never None
    assert directives["style-src"] == "'self' 'unsafe-inline'"
    assert directives["worker-src"] == "'self' blob:"
    assert directives["img-src"] == "'self' data: https://cdn.redoc.ly/redoc/logo-mini.svg"


def test_each_response_gets_a_new_nonce(client):
    first = nonce(policy(client.get("/api/docs/"))["script-src"])
    second = nonce(policy(client.get("/api/docs/"))["script-src"])

    assert first != second

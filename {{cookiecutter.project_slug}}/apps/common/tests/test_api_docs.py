"""Swagger UI and Redoc come from the project itself (drf-spectacular-sidecar): no CDN, no web
fonts, so the docs work on an internal network."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

ASSET_URL = re.compile(r'(?:src|href)="([^"]+)"')
ANY_OTHER_HOST = re.compile(r"https?://|//[\w.-]+\.[a-z]{2,}/")


@pytest.mark.parametrize("url_name", ["swagger-ui", "redoc"])
def test_the_docs_page_loads_only_assets_the_project_serves(client, settings, url_name):
    response = client.get(reverse(url_name))

    assert response.status_code == 200
    html = response.content.decode()
    assets = ASSET_URL.findall(html)
    assert any(asset.endswith(".js") for asset in assets), assets
    static_prefix = "/" + settings.STATIC_URL.lstrip("/")
    # Swagger UI's own start-up script is the page's URL with `?script` (no inline script).
    own_script = f"{reverse(url_name)}?script="
    for asset in (asset for asset in assets if asset != own_script):
        assert asset.startswith(static_prefix), f"{asset} is not one of the project's static files"
        assert finders.find(asset.removeprefix(static_prefix)), f"{asset} is not installed"
    assert ANY_OTHER_HOST.search(html) is None

import pytest

from apps.common.exports import registry

from .export_helpers import job_export


@pytest.fixture
def export_registry(monkeypatch):
    """The registry with the test export "jobs"; what a test registers is forgotten after it."""
    monkeypatch.setattr(registry, "_exports", dict(registry._exports))
    registry.export_register(job_export())
    return registry


@pytest.fixture
def export_api_urls(settings, export_registry):
    """The test export's ExportApi at /jobs/export/ (see export_urls.py)."""
    settings.ROOT_URLCONF = "apps.common.tests.export_urls"

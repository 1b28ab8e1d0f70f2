import pytest

from apps.common.exports import registry


@pytest.fixture
def export_registry(monkeypatch):
    """The registry as the URLconf fills it; exports a test registers are forgotten after it."""
    registry.export_get("users")  # loads the URLconf
    monkeypatch.setattr(registry, "_exports", dict(registry._exports))
    return registry

import logging

import pytest


@pytest.mark.django_db
def test_each_request_is_logged_with_its_status_duration_and_user(client, staff_user, caplog):
    client.force_login(staff_user)

    with caplog.at_level(logging.INFO, logger="apps.requests"):
        client.get("/admin/")

    [record] = [r for r in caplog.records if r.name == "apps.requests"]
    assert (record.method, record.path, record.status) == ("GET", "/admin/", 200)
    assert record.user_id == staff_user.pk
    assert record.duration_ms >= 0

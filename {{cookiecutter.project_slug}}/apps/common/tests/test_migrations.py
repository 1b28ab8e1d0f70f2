"""Data migrations of the common app, run forward from the state before them."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE_CODES = [("common", "0002_exportjob_view_every_export")]
WITH_CODES = [("common", "0003_exportjob_failure_code_and_labels")]


def migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor


@pytest.mark.django_db(transaction=True)
def test_a_failure_stored_as_text_keeps_its_message_as_a_detail_code():
    old_apps = migrate(BEFORE_CODES).loader.project_state(BEFORE_CODES).apps
    user = old_apps.get_model("users", "User").objects.create(username="before")
    jobs = old_apps.get_model("common", "ExportJob").objects
    failed = jobs.create(user=user, export_name="a", status="failed", error_message="Too many.")
    succeeded = jobs.create(user=user, export_name="b", status="succeeded")

    try:
        new_apps = migrate(WITH_CODES).loader.project_state(WITH_CODES).apps
        rows = new_apps.get_model("common", "ExportJob").objects.order_by("pk")
        assert [(row.pk, row.error_code, row.error_params) for row in rows] == [
            (failed.pk, "detail", {"detail": "Too many."}),
            (succeeded.pk, "", {}),
        ]
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

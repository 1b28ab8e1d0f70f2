"""The import engine in every bake, with or without the example apps: an import of Django's own
groups (declared here, not registered) previewed, applied, refused all or nothing with its
errors by row and column, and recorded as the reader's."""

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.common.access.client import AccessContext
from apps.common.access.models import AccessRecord
from apps.common.exceptions import ApplicationError
from apps.common.imports import apply_import, import_preview
from apps.users.tests.factories import UserFactory

from .group_import import GROUPS_IMPORT

pytestmark = pytest.mark.django_db


def _file(text: str, encoding: str = "utf-8-sig") -> SimpleUploadedFile:
    return SimpleUploadedFile("groups.csv", text.encode(encoding), content_type="text/csv")


def test_a_preview_counts_new_changed_and_unchanged_rows_and_writes_nothing():
    kept, renamed = Group.objects.create(name="kept"), Group.objects.create(name="old name")
    text = f"id,name\n{kept.pk},kept\n{renamed.pk},new name\n,영업팀\n"

    result = import_preview(spec=GROUPS_IMPORT, file=_file(text), name="groups.csv")

    assert (result.applied, result.rows, result.new, result.changed, result.unchanged) == (
        False,
        3,
        1,
        1,
        1,
    )
    assert dict(result.changed_fields) == {"name": 1}
    assert sorted(Group.objects.values_list("name", flat=True)) == ["kept", "old name"]


def test_applied_the_rows_are_written_and_recorded_as_the_readers_import():
    renamed = Group.objects.create(name="old name")
    reader = UserFactory.create()
    text = f"id,name\n{renamed.pk},new name\n,영업팀\n"

    result = apply_import(
        spec=GROUPS_IMPORT, file=_file(text), name="groups.csv", context=AccessContext(user=reader)
    )

    assert (result.applied, result.new, result.changed) == (True, 1, 1)
    assert sorted(Group.objects.values_list("name", flat=True)) == ["new name", "영업팀"]
    record = AccessRecord.objects.get(action=AccessRecord.Action.IMPORT_APPLIED)
    assert (record.user_id, record.export_name, record.row_count, record.params) == (
        reader.pk,
        "test-groups",
        2,
        {"new": 1, "changed": 1},
    )


def test_one_bad_row_refuses_the_file_naming_its_row_and_column_and_writes_nothing():
    text = f"name\nfirst\n{'x' * 151}\nthird\n"

    with pytest.raises(ApplicationError) as refused:
        apply_import(
            spec=GROUPS_IMPORT, file=_file(text), name="groups.csv", context=AccessContext(None)
        )

    errors = refused.value.extra["errors"]
    assert [(error["row"], error["column"]) for error in errors] == [(3, "name")]
    assert not Group.objects.exists()
    assert not AccessRecord.objects.exists()


def test_a_column_the_import_does_not_know_is_refused_before_any_row():
    with pytest.raises(ApplicationError) as refused:
        import_preview(spec=GROUPS_IMPORT, file=_file("name,shoe size\nsales,270\n"), name="g.csv")

    assert "shoe size" in str(refused.value.extra)


def test_a_cp949_file_reads_as_korean():
    result = import_preview(
        spec=GROUPS_IMPORT, file=_file("name\n홍보팀\n", encoding="cp949"), name="groups.csv"
    )

    assert result.new == 1
    assert "949" in str(result.encoding).upper()


@pytest.mark.urls("apps.common.tests.group_import")
def test_the_api_previews_with_dry_run_then_applies(staff_client):
    url = reverse("group-import")

    preview = staff_client.post(f"{url}?dry_run=1", {"file": _file("name\nsales\n")})
    applied = staff_client.post(url, {"file": _file("name\nsales\n")})

    assert (preview.status_code, preview.json()["applied"], preview.json()["new"]) == (
        200,
        False,
        1,
    )
    assert (applied.status_code, applied.json()["applied"]) == (200, True)
    assert list(Group.objects.values_list("name", flat=True)) == ["sales"]


@pytest.mark.urls("apps.common.tests.group_import")
def test_the_api_refuses_a_file_over_the_byte_limit_naming_it(staff_client, settings):
    settings.IMPORTS_MAX_BYTES = 10

    response = staff_client.post(reverse("group-import"), {"file": _file("name\n" + "x" * 100)})

    assert response.status_code == 413
    assert "10" in str(response.json())
    assert not Group.objects.exists()

"""Reading an admin changelist in tests (the missions admin, and the reward logs' extension)."""

from django.contrib.admin import ModelAdmin


def changelist_rows(response) -> list:
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def column(admin_class: type[ModelAdmin], name: str) -> int:
    """The admin's `o` parameter sorts by a column's position; the action checkbox is first."""
    return 1 + list(admin_class.list_display).index(name)

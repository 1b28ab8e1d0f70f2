"""A test import of Django's own groups, declared here (not registered), for the engine's tests
in every bake, with or without the example apps, and a URLconf wiring it as an app would."""

from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.auth.models import Group
from django.urls import include, path
from rest_framework import serializers

from apps.common.imports import Import, ImportApi
from apps.common.permissions import IsStaff


class GroupRowSerializer(serializers.ModelSerializer):
    class Meta:
        model = Group
        fields = ["name"]
        # The name is unique: the database enforces it, in the import's transaction.
        extra_kwargs: dict[str, dict[str, Any]] = {"name": {"validators": []}}


def groups_create(*, instances: Sequence[Group]) -> None:
    Group.objects.bulk_create(instances)


def groups_update(*, instances: Sequence[Group], fields: Iterable[str]) -> None:
    Group.objects.bulk_update(instances, fields=list(fields))


GROUPS_IMPORT = Import(
    name="test-groups",
    serializer_class=GroupRowSerializer,
    create=groups_create,
    update=groups_update,
    version_field=None,
)

urlpatterns = [
    path("", include("apps.common.urls")),
    path(
        "groups/import/",
        ImportApi.as_view(import_spec=GROUPS_IMPORT, permission_classes=[IsStaff]),
        name="group-import",
    ),
]

"""API shapes for missions. Input serializers check shape and types; the rules that hold for
every write (a mission ends after it starts) live in the model and run in the services."""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.settings import api_settings

from apps.common.imports import BatchedSlugRelatedField, VersionField
from apps.common.serializers import ModelSerializer

from .models import Mission, Reward
from .services import MISSION_BULK_MAX_SIZE, MISSION_EDITABLE_FIELDS

# Ids are 64-bit integers in the database: a larger number is refused here, not by the driver.
MAX_ID = 2**63 - 1


class RewardSerializer(ModelSerializer):
    class Meta:
        model = Reward
        fields = ("id", "name", "point")


class MissionSerializer(ModelSerializer):
    reward = RewardSerializer(read_only=True)

    class Meta:
        model = Mission
        fields: tuple[str, ...] = (
            "id",
            "title",
            "description",
            "is_exposed",
            "starts_at",
            "ends_at",
            "reward",
            "created_at",
            "updated_at",
        )
        read_only_fields: tuple[str, ...] = fields


class MissionListSerializer(MissionSerializer):
    number = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text=_(
            "The row's place among the exposed missions of this list (null if not exposed)."
        ),
    )

    class Meta(MissionSerializer.Meta):
        fields = ("number", *MissionSerializer.Meta.fields)
        read_only_fields = fields


class MissionBatchListSerializer(serializers.ListSerializer):
    """A list of missions: not a list, empty, or longer than the batch maximum is one clear
    error; invalid items are reported by their index, e.g. {"2": {"title": [...]}}."""

    default_error_messages = {
        **serializers.ListSerializer.default_error_messages,
        "not_a_list": _('Send a JSON list of missions, not "{input_type}".'),
        "max_length": _("A batch holds at most {max_length} missions."),
        "empty": _("Send at least one mission."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_empty", False)
        kwargs.setdefault("max_length", MISSION_BULK_MAX_SIZE)
        super().__init__(*args, **kwargs)

    def to_internal_value(self, data: Any) -> list[dict[str, Any]]:
        try:
            return super().to_internal_value(data)
        except ValidationError as exc:
            if isinstance(exc.detail, list):  # one entry per item, {} for the valid ones
                raise ValidationError(
                    {str(index): errors for index, errors in enumerate(exc.detail) if errors}
                ) from exc
            raise


class MissionInputSerializer(ModelSerializer):
    reward = serializers.PrimaryKeyRelatedField(queryset=Reward.objects.all())

    class Meta:
        model = Mission
        fields = ("title", "description", "is_exposed", "starts_at", "ends_at", "reward")
        list_serializer_class = MissionBatchListSerializer


class EditableFieldsSerializer(serializers.ModelSerializer):
    """Any of a mission's editable fields, none required: the ones left out are not written.

    A key that is not a field here is refused rather than ignored, so a misspelt field never
    looks like a saved change.
    """

    class Meta:
        model = Mission
        fields: tuple[str, ...] = MISSION_EDITABLE_FIELDS
        extra_kwargs = {name: {"required": False} for name in MISSION_EDITABLE_FIELDS}

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if isinstance(data, Mapping):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                message = _("Not a field you can send here; use %(fields)s.") % {
                    "fields": ", ".join(self.fields)
                }
                raise ValidationError({name: [message] for name in unknown})
            if not set(data) & set(MISSION_EDITABLE_FIELDS):
                editable = ", ".join(MISSION_EDITABLE_FIELDS)
                message = _("Send at least one field to change: %(fields)s.") % {"fields": editable}
                raise ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [message]})
        return super().to_internal_value(data)


class MissionChangeSerializer(EditableFieldsSerializer):
    """A PATCH of one mission."""

    reward = serializers.PrimaryKeyRelatedField(queryset=Reward.objects.all(), required=False)


class MissionBulkChangeSerializer(EditableFieldsSerializer):
    """One item of a bulk edit: `id`, the fields to change, optionally the `updated_at` read."""

    id = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text=_("The mission to change.")
    )
    # A plain id: the service looks up the rewards of the whole batch in one query.
    reward = serializers.IntegerField(
        source="reward_id",
        min_value=1,
        max_value=MAX_ID,
        required=False,
        help_text=_("A reward's id."),
    )
    updated_at = serializers.DateTimeField(
        required=False,
        help_text=_(
            "The mission's `updated_at` as you read it. If the mission changed since, "
            "the whole batch is refused with 409 and nothing is saved."
        ),
    )

    class Meta(EditableFieldsSerializer.Meta):
        fields = ("id", *MISSION_EDITABLE_FIELDS, "updated_at")
        list_serializer_class = MissionBatchListSerializer


class MissionCSVSerializer(serializers.ModelSerializer):
    """The missions export's columns, in order: model fields and dotted paths only, so the
    exporter reads them straight from `values_list`. `updated_at` is the version column the
    import checks (apps.common.imports.version)."""

    reward_name = serializers.CharField(source="reward.name", label=_("reward"))
    reward_point = serializers.IntegerField(source="reward.point", label=_("point"))
    updated_at = VersionField(label=_("version (leave as is)"))

    class Meta:
        model = Mission
        fields = (
            "id",
            "title",
            "is_exposed",
            "starts_at",
            "ends_at",
            "reward_name",
            "reward_point",
            "created_at",
            "updated_at",
        )


class MissionImportSerializer(ModelSerializer):
    """One row of a missions import: the editable fields, the reward by its (unique) name, as
    the export writes it."""

    reward = BatchedSlugRelatedField(
        slug_field="name", queryset=Reward.objects.all(), label=_("reward")
    )

    class Meta:
        model = Mission
        fields = MISSION_EDITABLE_FIELDS

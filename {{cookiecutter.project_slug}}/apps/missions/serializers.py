"""API shapes for missions. Input serializers check shape and types; the rules that hold for
every write (a mission ends after it starts) live in the model and run in the services."""

from typing import Any

from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from .models import Mission, Reward
from .services import MISSION_BULK_CREATE_MAX_SIZE


class RewardSerializer(serializers.ModelSerializer):
    class Meta:
        model = Reward
        fields = ("id", "name", "point")


class MissionSerializer(serializers.ModelSerializer):
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
        help_text="The row's place among the exposed missions of this list (null if not exposed).",
    )

    class Meta(MissionSerializer.Meta):
        fields = ("number", *MissionSerializer.Meta.fields)
        read_only_fields = fields


class MissionBulkCreateListSerializer(serializers.ListSerializer):
    """A list of missions: not a list, empty, or longer than the batch maximum is one clear
    error; invalid items are reported by their index, e.g. {"2": {"title": [...]}}."""

    default_error_messages = {
        **serializers.ListSerializer.default_error_messages,
        "not_a_list": 'Send a JSON list of missions, not "{input_type}".',
        "max_length": "A batch holds at most {max_length} missions.",
        "empty": "Send at least one mission.",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_empty", False)
        kwargs.setdefault("max_length", MISSION_BULK_CREATE_MAX_SIZE)
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


class MissionInputSerializer(serializers.ModelSerializer):
    reward = serializers.PrimaryKeyRelatedField(queryset=Reward.objects.all())

    class Meta:
        model = Mission
        fields = ("title", "description", "is_exposed", "starts_at", "ends_at", "reward")
        list_serializer_class = MissionBulkCreateListSerializer

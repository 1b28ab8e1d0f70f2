from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.common.access.masking import mask_email
from apps.missions.models import Mission, Reward

from .models import MissionRewardLog


class _UserSerializer(serializers.ModelSerializer):
    class Meta:
        model = get_user_model()
        fields = ("id", "username")


class _MissionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Mission
        fields = ("id", "title")


class _RewardSerializer(serializers.ModelSerializer):
    class Meta:
        model = Reward
        fields = ("id", "name")


class MissionRewardLogSerializer(serializers.ModelSerializer):
    """A row of the list API."""

    user = _UserSerializer(read_only=True)
    mission = _MissionSerializer(read_only=True)
    reward = _RewardSerializer(read_only=True)

    class Meta:
        model = MissionRewardLog
        fields = (
            "id",
            "user",
            "mission",
            "reward",
            "status",
            "point",
            "paid_at",
            "memo",
            "created_at",
        )
        read_only_fields = fields


class MissionRewardLogCSVSerializer(serializers.Serializer):
    """The CSV file's columns, in order, with their header labels (in the reader's language).

    Plain model fields and dotted paths across foreign keys only: the exporter reads those
    straight from `values_list`, the fastest way there is. A SerializerMethodField would work
    too, at the cost of building a model instance per row. The member's email is masked for a
    reader without `common.unmask_personal_data`.
    """

    masked_fields = {"email": mask_email}

    id = serializers.IntegerField(label=_("No."))
    username = serializers.CharField(source="user.username", label=_("Member ID"))
    email = serializers.CharField(source="user.email", label=_("Email"))
    mission_title = serializers.CharField(source="mission.title", label=_("Mission title"))
    reward_name = serializers.CharField(source="reward.name", label=_("Reward name"))
    status = serializers.CharField(label=_("Payment status"))
    point = serializers.IntegerField(label=_("Point"))
    paid_at = serializers.DateTimeField(label=_("Paid at"))
    memo = serializers.CharField(label=_("Memo"))
    created_at = serializers.DateTimeField(label=_("Created at"))


class RewardTotalSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    point = serializers.IntegerField()


class MissionRewardTotalsSerializer(serializers.Serializer):
    mission_id = serializers.IntegerField()
    pending = RewardTotalSerializer()
    paid = RewardTotalSerializer()
    cancelled = RewardTotalSerializer()

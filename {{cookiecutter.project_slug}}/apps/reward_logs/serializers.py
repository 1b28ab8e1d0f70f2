from django.contrib.auth import get_user_model
from rest_framework import serializers

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
    """The CSV file's columns, in order, with their header labels.

    Plain model fields and dotted paths across foreign keys only: the exporter reads those
    straight from `values_list`, the fastest way there is. A SerializerMethodField would work
    too, at the cost of building a model instance per row.
    """

    id = serializers.IntegerField(label="번호")
    username = serializers.CharField(source="user.username", label="회원 아이디")
    email = serializers.CharField(source="user.email", label="이메일")
    mission_title = serializers.CharField(source="mission.title", label="미션명")
    reward_name = serializers.CharField(source="reward.name", label="리워드명")
    status = serializers.CharField(label="지급 상태")
    point = serializers.IntegerField(label="포인트")
    paid_at = serializers.DateTimeField(label="지급 일시")
    memo = serializers.CharField(label="메모")
    created_at = serializers.DateTimeField(label="생성 일시")


class RewardTotalSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    point = serializers.IntegerField()


class MissionRewardTotalsSerializer(serializers.Serializer):
    mission_id = serializers.IntegerField()
    pending = RewardTotalSerializer()
    paid = RewardTotalSerializer()
    cancelled = RewardTotalSerializer()

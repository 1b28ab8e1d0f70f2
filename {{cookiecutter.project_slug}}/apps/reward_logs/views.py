from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.common.permissions import IsStaff
from apps.missions.selectors import mission_get

from .filters import MissionRewardLogFilter
from .models import MissionRewardLog
from .selectors import mission_reward_totals, reward_log_list
from .serializers import MissionRewardLogSerializer, MissionRewardTotalsSerializer


class RewardLogListApi(generics.ListAPIView):
    """Reward logs, newest first, filtered by `MissionRewardLogFilter`; page by page."""

    permission_classes = [IsStaff]
    serializer_class = MissionRewardLogSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = MissionRewardLogFilter

    def get_queryset(self) -> QuerySet[MissionRewardLog]:
        return reward_log_list()


class MissionRewardTotalsApi(APIView):
    """A mission's reward logs counted and summed per status (cached, never stale)."""

    permission_classes = [IsStaff]

    @extend_schema(responses=MissionRewardTotalsSerializer)
    def get(self, request: Request, mission_id: int) -> Response:
        if mission_get(mission_id=mission_id) is None:
            raise NotFound(_("No such mission."))
        totals = mission_reward_totals(mission_id=mission_id)
        return Response(MissionRewardTotalsSerializer({"mission_id": mission_id, **totals}).data)

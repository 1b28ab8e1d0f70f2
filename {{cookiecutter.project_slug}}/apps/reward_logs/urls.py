from django.urls import path

from apps.common.exports import ExportApi
from apps.common.permissions import IsStaff

from .exports import reward_log_export
from .views import MissionRewardTotalsApi, RewardLogListApi

urlpatterns = [
    path("", RewardLogListApi.as_view(), name="reward-log-list"),
    path(
        "export/",
        ExportApi.as_view(export=reward_log_export, permission_classes=[IsStaff]),
        name="reward-log-export",
    ),
    path(
        "missions/<int:mission_id>/totals/",
        MissionRewardTotalsApi.as_view(),
        name="mission-reward-totals",
    ),
]

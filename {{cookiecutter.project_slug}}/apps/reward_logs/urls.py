from django.urls import path

from .views import MissionRewardTotalsApi, RewardLogExportApi, RewardLogListApi

urlpatterns = [
    path("", RewardLogListApi.as_view(), name="reward-log-list"),
    path("export/", RewardLogExportApi.as_view(), name="reward-log-export"),
    path(
        "missions/<int:mission_id>/totals/",
        MissionRewardTotalsApi.as_view(),
        name="mission-reward-totals",
    ),
]

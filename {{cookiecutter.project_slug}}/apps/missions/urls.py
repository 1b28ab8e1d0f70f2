from django.urls import path

from .views import MissionBulkApi, MissionDetailApi, MissionListCreateApi

urlpatterns = [
    path("", MissionListCreateApi.as_view(), name="mission-list"),
    path("bulk/", MissionBulkApi.as_view(), name="mission-bulk"),
    path("<int:mission_id>/", MissionDetailApi.as_view(), name="mission-detail"),
]

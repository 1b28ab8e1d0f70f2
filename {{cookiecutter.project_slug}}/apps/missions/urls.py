from django.urls import path

from .views import MissionBulkCreateApi, MissionDetailApi, MissionListCreateApi

urlpatterns = [
    path("", MissionListCreateApi.as_view(), name="mission-list"),
    path("bulk/", MissionBulkCreateApi.as_view(), name="mission-bulk-create"),
    path("<int:mission_id>/", MissionDetailApi.as_view(), name="mission-detail"),
]

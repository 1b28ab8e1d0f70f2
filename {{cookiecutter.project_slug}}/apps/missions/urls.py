from django.urls import path

from apps.common.exports import ExportApi
from apps.common.imports import ImportApi
from apps.common.permissions import IsStaff

from .exports import mission_export
from .imports import mission_import
from .views import MissionBulkApi, MissionDetailApi, MissionListCreateApi

urlpatterns = [
    path("", MissionListCreateApi.as_view(), name="mission-list"),
    path("bulk/", MissionBulkApi.as_view(), name="mission-bulk"),
    path(
        "export/",
        ExportApi.as_view(export=mission_export, permission_classes=[IsStaff]),
        name="mission-export",
    ),
    path(
        "import/",
        ImportApi.as_view(import_spec=mission_import, permission_classes=[IsStaff]),
        name="mission-import",
    ),
    path("<int:mission_id>/", MissionDetailApi.as_view(), name="mission-detail"),
]

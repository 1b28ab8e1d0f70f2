"""A URLconf wiring the test export over ExportJob as an app wires its own: one line."""

from django.urls import include, path

from apps.common.exports import ExportApi
from apps.common.permissions import IsStaff

from .export_helpers import job_export

urlpatterns = [
    path("", include("apps.common.urls")),
    path(
        "jobs/export/",
        ExportApi.as_view(export=job_export(), permission_classes=[IsStaff]),
        name="job-export",
    ),
]

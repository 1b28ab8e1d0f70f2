from django.urls import path

from .exports.views import ExportJobCancelView, ExportJobDetailView, ExportJobListView
from .views import HealthView

urlpatterns = [
    path("health/", HealthView.as_view(), name="health"),
    path("api/exports/", ExportJobListView.as_view(), name="export-job-list"),
    path("api/exports/<int:pk>/", ExportJobDetailView.as_view(), name="export-job-detail"),
    path("api/exports/<int:pk>/cancel/", ExportJobCancelView.as_view(), name="export-job-cancel"),
]

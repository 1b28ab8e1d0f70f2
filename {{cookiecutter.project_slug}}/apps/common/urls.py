from django.urls import path

from .exports.views import ExportJobDetailView
from .views import HealthView

urlpatterns = [
    path("health/", HealthView.as_view(), name="health"),
    path("api/exports/<int:pk>/", ExportJobDetailView.as_view(), name="export-job-detail"),
]

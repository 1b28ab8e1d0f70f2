from django.urls import path

from apps.common.exports import ExportApi
from apps.common.permissions import IsStaff

from .exports import UserCSVDownloader
from .selectors import user_list

urlpatterns = [
    path(
        "export/",
        ExportApi.as_view(
            downloader_class=UserCSVDownloader, queryset=user_list, permission_classes=[IsStaff]
        ),
        name="user-export",
    ),
]

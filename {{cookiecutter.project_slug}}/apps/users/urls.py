from django.urls import path

from apps.common.exports import ExportApi
from apps.common.permissions import IsStaff

from .exports import user_export
from .views import UserListApi

urlpatterns = [
    path("", UserListApi.as_view(), name="user-list"),
    path(
        "export/",
        ExportApi.as_view(export=user_export, permission_classes=[IsStaff]),
        name="user-export",
    ),
]

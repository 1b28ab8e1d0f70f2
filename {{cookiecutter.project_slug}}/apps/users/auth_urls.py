from django.urls import path

from .auth_views import LogoutApi, TokenObtainApi, TokenRefreshApi

urlpatterns = [
    path("token/", TokenObtainApi.as_view(), name="token-obtain"),
    path("token/refresh/", TokenRefreshApi.as_view(), name="token-refresh"),
    path("logout/", LogoutApi.as_view(), name="logout"),
]

from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import generics
from rest_framework.filters import SearchFilter

from apps.common.filters import StableOrderingFilter
from apps.common.permissions import IsStaff

from .filters import UserFilter
from .models import User
from .selectors import USER_ORDERING, user_list
from .serializers import UserSerializer


class UserListApi(generics.ListAPIView):
    """The users, newest first: filtered, searchable by name and email, sortable; page by page.
    The users export (`export/`) is this list as a file."""

    permission_classes = [IsStaff]
    serializer_class = UserSerializer
    filter_backends = [DjangoFilterBackend, SearchFilter, StableOrderingFilter]
    filterset_class = UserFilter
    search_fields = ("username", "email", "first_name", "last_name")
    ordering_fields = ("id", "username", "date_joined", "last_login")
    ordering = USER_ORDERING

    def get_queryset(self) -> QuerySet[User]:
        return user_list()

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .models import User


class UserSerializer(serializers.ModelSerializer):
    """A user in the staff's user list."""

    class Meta:
        model = User
        fields = (
            "id",
            "username",
            "email",
            "first_name",
            "last_name",
            "is_staff",
            "is_active",
            "date_joined",
            "last_login",
        )
        read_only_fields = fields


class UserCSVSerializer(serializers.ModelSerializer):
    """The users export's columns, in order, with their header labels."""

    class Meta:
        model = User
        fields = UserSerializer.Meta.fields  # the list's columns, as the list shows them
        extra_kwargs = {
            "id": {"label": _("ID")},
            "username": {"label": _("Username")},
            "email": {"label": _("Email")},
            "first_name": {"label": _("First name")},
            "last_name": {"label": _("Last name")},
            "is_staff": {"label": _("Staff")},
            "is_active": {"label": _("Active")},
            "date_joined": {"label": _("Joined")},
            "last_login": {"label": _("Last sign-in")},
        }

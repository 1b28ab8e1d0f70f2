from rest_framework import serializers

from .models import User


class UserCSVSerializer(serializers.ModelSerializer):
    """The users export's columns, in order, with their header labels."""

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
        extra_kwargs = {
            "id": {"label": "ID"},
            "username": {"label": "Username"},
            "email": {"label": "Email"},
            "first_name": {"label": "First name"},
            "last_name": {"label": "Last name"},
            "is_staff": {"label": "Staff"},
            "is_active": {"label": "Active"},
            "date_joined": {"label": "Joined"},
            "last_login": {"label": "Last sign-in"},
        }

from rest_framework import serializers

from .models import User


class UserCSVSerializer(serializers.ModelSerializer):
    """The users export's columns; headers are the model fields' verbose names."""

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

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.common.access.masking import MaskedFieldsMixin, mask_email, mask_name

from .models import User

# Personal values, masked for a reader without `common.unmask_personal_data`.
USER_MASKED_FIELDS = {"email": mask_email, "first_name": mask_name, "last_name": mask_name}


class UserSerializer(MaskedFieldsMixin, serializers.ModelSerializer):
    """A user in the staff's user list; names and email masked unless the reader may unmask."""

    masked_fields = USER_MASKED_FIELDS

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
    """The users export's columns, in order, with their header labels; the export masks the
    personal ones as the list does."""

    masked_fields = USER_MASKED_FIELDS

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

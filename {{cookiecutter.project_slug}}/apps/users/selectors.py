from django.db.models import QuerySet

from .models import User


def user_list() -> QuerySet[User]:
    """Every user, newest first: the base of the users export."""
    return User.objects.order_by("-date_joined", "-id")

from django.db.models import QuerySet

from .models import User

# The user list's default order (and so the export's).
USER_ORDERING = ("-date_joined", "-id")


def user_list() -> QuerySet[User]:
    """Every user, newest first: the base of the user list and its export."""
    return User.objects.order_by(*USER_ORDERING)

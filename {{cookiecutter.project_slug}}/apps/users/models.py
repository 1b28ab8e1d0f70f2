from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """The project's user from day one, so fields can be added later without a painful swap."""

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

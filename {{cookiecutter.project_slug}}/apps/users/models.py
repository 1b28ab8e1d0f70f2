from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """The project's user from day one, so fields can be added later without a painful swap."""

    # django-stubs 5.2 does not declare AbstractUser.Meta, 6.1's do: the ignore serves either lock.
    class Meta(AbstractUser.Meta):  # type: ignore[name-defined, unused-ignore]
        swappable = "AUTH_USER_MODEL"

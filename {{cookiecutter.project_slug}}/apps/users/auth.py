"""The signed-in user of a request, typed as the project's User."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from rest_framework.request import Request

from .models import User


def request_user(request: HttpRequest | Request) -> User:
    """`request.user` of a view or admin action that only signed-in users reach.

    Django types `request.user` as "a User or AnonymousUser"; code that needs the User itself
    (a service taking `user=`) asks here, and a request that is anonymous after all is refused
    with 403 instead of handing AnonymousUser on.
    """
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied(_("Sign in to do this."))
    return user

"""Log in, refresh and log out for a front end: JSON Web Tokens (djangorestframework-simplejwt).

The admin and the browsable docs keep the session; these views are for clients on another
origin. Logging out blacklists the refresh token, so it can no longer mint access tokens;
an access token stays valid until it expires (`JWT_ACCESS_MINUTES`, 15 by default).
"""

from rest_framework_simplejwt import views

from apps.common.throttling import AuthRateThrottle


class TokenObtainApi(views.TokenObtainPairView):
    """`POST {"username", "password"}` → `{"access", "refresh"}`; throttled per address."""

    throttle_classes = (AuthRateThrottle,)


class TokenRefreshApi(views.TokenRefreshView):
    """`POST {"refresh"}` → a new `access` and a new `refresh` (the old one is blacklisted)."""

    throttle_classes = (AuthRateThrottle,)


class LogoutApi(views.TokenBlacklistView):
    """`POST {"refresh"}`: blacklists the refresh token (log out)."""

"""API throttles whose rates are read from settings on every request.

DRF's throttles copy `DEFAULT_THROTTLE_RATES` into a class attribute when the module is
imported, so a change of settings (a test's `settings` fixture, `override_settings`) never
reaches them. These read the rates when a request is checked. Counts live in the default
cache: Redis in production, shared by every process.
"""

from typing import TYPE_CHECKING

from rest_framework import throttling
from rest_framework.request import Request
from rest_framework.settings import api_settings

if TYPE_CHECKING:
    # rest_framework.views imports the throttle classes named in settings: a runtime import
    # of it from here would be circular.
    from rest_framework.views import APIView


class RatesFromSettings:
    scope: str | None

    def get_rate(self) -> str | None:
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope) if self.scope else None
        return None if rate is None else str(rate)


class AnonRateThrottle(RatesFromSettings, throttling.AnonRateThrottle):
    """Anonymous requests, per client address (`anon` rate)."""


class UserRateThrottle(RatesFromSettings, throttling.UserRateThrottle):
    """Signed-in requests, per user (`user` rate)."""


class AuthRateThrottle(RatesFromSettings, throttling.SimpleRateThrottle):
    """The token endpoint, per client address (`auth` rate): bounds password guessing."""

    scope = "auth"

    def get_cache_key(self, request: Request, view: "APIView") -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

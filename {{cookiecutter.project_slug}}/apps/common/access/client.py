"""Who is asking, and from where: the part of a request an access record keeps.

The client address is the connection's own (`REMOTE_ADDR`) unless the project sits behind
proxies it trusts: `ACCESS_RECORDS_TRUSTED_PROXIES` (default 0) says how many. Each proxy
appends the address it received the request from to `X-Forwarded-For`, so with N trusted proxies
the client is the N-th address from the right; what a client writes into the header itself lies
further left and is never read. A value that is not an IP address (a forged or garbled header,
an address with a port) is not stored: the connection's address is, instead.
"""

import ipaddress
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest


@dataclass(frozen=True)
class AccessContext:
    """The reader of an access: the user, their address, and the request's id."""

    user: Any
    client_address: str | None = None
    request_id: str = ""


def valid_ip(value: str | None) -> str | None:
    """`value` as an IP address in its normal form, or None when it is not one."""
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str | None:
    """The client's address: see the module's docstring for which header is believed."""
    remote = valid_ip(request.META.get("REMOTE_ADDR"))
    proxies = int(settings.ACCESS_RECORDS_TRUSTED_PROXIES)
    if proxies <= 0:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    if len(forwarded) < proxies or not forwarded[0].strip():
        return remote  # the request did not pass through every trusted proxy
    return valid_ip(forwarded[-proxies]) or remote


def request_id(request: HttpRequest) -> str:
    """The request's id, as the request-id middleware set it ("" without one)."""
    return str(getattr(request, "request_id", "") or "")


def access_context(request: HttpRequest) -> AccessContext:
    return AccessContext(
        user=request.user, client_address=client_address(request), request_id=request_id(request)
    )

"""A small HTTP client for a running baked project: token login, JSON, CSV, export polling.

Standard library only, so `make demo` can use it before anything else is installed.
"""

from __future__ import annotations

import csv
import http.cookiejar
import io
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any


def csv_rows(body: bytes) -> list[list[str]]:
    """The rows of a CSV file as a spreadsheet splits them (header first, a UTF-8 BOM removed)."""
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class ApiClient:
    """With a username and password, logs in as a front end does: a JWT from `/api/auth/token/`
    on the first request, sent as `Authorization: Bearer` on every later one."""

    def __init__(self, base_url: str, username: str | None = None, password: str | None = None):
        self.base_url = base_url.rstrip("/")
        self.credentials = None if username is None else {"username": username, "password": password}
        self.auth: str | None = None
        self.session: urllib.request.OpenerDirector | None = None
        self.cookies = http.cookiejar.CookieJar(
            # Django marks its cookies Secure in production; send them over plain http too.
            http.cookiejar.DefaultCookiePolicy(secure_protocols=("https", "wss", "http"))
        )

    def login(self, username: str, password: str, path: str = "/admin/login/") -> None:
        """Sign in through a Django login form, as the admin does; later requests send the
        session cookie instead of a token."""
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))
        with opener.open(self.base_url + path, timeout=30) as response:
            response.read()
        form = {"username": username, "password": password, "next": path}
        form["csrfmiddlewaretoken"] = self.cookie("csrftoken") or ""
        with opener.open(self.base_url + path, urllib.parse.urlencode(form).encode(), 30) as response:
            response.read()
        if self.cookie("sessionid") is None:
            raise AssertionError(f"could not sign in as {username!r} at {path}")
        self.session = opener

    def cookie(self, name: str) -> str | None:
        return next((cookie.value for cookie in self.cookies if cookie.name == name), None)

    def request(
        self,
        method: str,
        url: str,
        data: Any = None,
        timeout: float = 60,
        language: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        """`language`: sent as Accept-Language; without it the server's own language applies.
        `headers`: more headers (Accept, Prefer)."""
        if url.startswith("/"):
            url = self.base_url + url
        headers = {"Accept": "application/json, text/csv, */*", **(headers or {})}
        if language is not None:
            headers["Accept-Language"] = language
        body = None
        open_url = urllib.request.urlopen
        if self.session and url.startswith(self.base_url):
            open_url = self.session.open
            if method not in ("GET", "HEAD", "OPTIONS"):
                headers["X-CSRFToken"] = self.cookie("csrftoken") or ""
        elif self.credentials and url.startswith(self.base_url):
            headers["Authorization"] = self.auth or self.obtain_token()
        if data is not None:
            body = json.dumps(data).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(url, data=body, headers=headers, method=method)
        try:
            with open_url(request, timeout=timeout) as response:
                return Response(response.status, dict(response.headers), response.read())
        except urllib.error.HTTPError as error:
            return Response(error.code, dict(error.headers), error.read())

    def obtain_token(self) -> str:
        """Log in once with the credentials; return the `Authorization` header value."""
        response = ApiClient(self.base_url).post("/api/auth/token/", self.credentials)
        if response.status != 200:
            raise AssertionError(f"token login answered {response.status}: {response.body[:300]!r}")
        self.auth = f"Bearer {response.json()['access']}"
        return self.auth

    def get(self, url: str, **kwargs: Any) -> Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, data: Any = None, **kwargs: Any) -> Response:
        return self.request("POST", url, data=data, **kwargs)

    def poll_export(self, status_url: str, timeout: float = 120, interval: float = 0.3) -> list[dict]:
        """Poll an export job's status until it ends; return every status seen, in order."""
        seen: list[dict] = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            response = self.get(status_url)
            if response.status != 200:
                raise AssertionError(f"status URL answered {response.status}: {response.body[:300]!r}")
            seen.append(response.json())
            if seen[-1]["status"] in ("succeeded", "failed"):
                return seen
            time.sleep(interval)
        raise AssertionError(f"export did not finish within {timeout:.0f}s; last status {seen[-1:]}")

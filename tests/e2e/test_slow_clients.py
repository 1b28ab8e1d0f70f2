"""The production web server (config/gunicorn.py) under slow clients.

Three clients download a large streamed export at 512 KiB/s each, at the same time (slower than
the server writes, so each holds a connection for half a minute or more). Each must get
every byte (the same file a fast client gets), and the list API must stay responsive meanwhile:
its latency is measured before and during the downloads and printed, not asserted.
"""

from __future__ import annotations

import statistics
import threading
import time
import urllib.request

import pytest

from tests.e2e.flows import count, stream_export
from tools.client import ApiClient, csv_rows

pytestmark = pytest.mark.e2e

SLOW_BYTES_PER_SECOND = 512 * 1024
SLOW_CLIENTS = 3
QUERY = "status=paid"
LATENCY_SAMPLES = 60


def slow_download(client: ApiClient, url: str, bytes_per_second: int) -> bytes:
    """GET `url`, reading no faster than `bytes_per_second` (TCP flow control slows the server)."""
    request = urllib.request.Request(url, headers={"Authorization": client.auth or client.obtain_token()})
    chunk_size = bytes_per_second // 10
    received = bytearray()
    started = time.monotonic()
    with urllib.request.urlopen(request, timeout=60) as response:
        assert response.status == 200
        while chunk := response.read(chunk_size):
            received += chunk
            ahead = len(received) / bytes_per_second - (time.monotonic() - started)
            if ahead > 0:
                time.sleep(ahead)
    return bytes(received)


def list_latencies(client: ApiClient, samples: int) -> list[float]:
    seconds = []
    for page in range(1, samples + 1):
        started = time.monotonic()
        response = client.get(f"/api/reward-logs/?{QUERY}&page={page}&size=20")
        seconds.append(time.monotonic() - started)
        assert response.status == 200, response.body[:300]
    return seconds


def percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def describe(values: list[float]) -> str:
    return (
        f"p50 {percentile(values, 0.50) * 1000:.0f} ms, p99 {percentile(values, 0.99) * 1000:.0f} ms "
        f"({len(values)} requests)"
    )


def test_slow_clients_get_whole_files_while_the_api_stays_responsive(e2e):
    expected_rows = count(e2e.admin, QUERY)
    assert expected_rows >= 100_000, "the seeded data must give a large export"
    fast, _ = stream_export(e2e.admin, QUERY)
    idle = list_latencies(e2e.admin, LATENCY_SAMPLES)

    url = f"{e2e.base_url}/api/reward-logs/export/?{QUERY}"
    bodies: list[bytes] = []
    errors: list[BaseException] = []

    def download() -> None:
        try:
            bodies.append(slow_download(e2e.admin, url, SLOW_BYTES_PER_SECOND))
        except BaseException as error:  # reported by the assertion below, with the others
            errors.append(error)

    started = time.monotonic()
    downloads = [threading.Thread(target=download) for _ in range(SLOW_CLIENTS)]
    for thread in downloads:
        thread.start()
    time.sleep(2)
    busy = list_latencies(e2e.admin, LATENCY_SAMPLES)
    # The busy latencies count only if every slow download was still under way while they were taken.
    still_downloading = sum(thread.is_alive() for thread in downloads)
    for thread in downloads:
        thread.join(timeout=600)
    seconds = time.monotonic() - started

    print(
        f"\n[e2e] {SLOW_CLIENTS} clients at {SLOW_BYTES_PER_SECOND // 1024} KiB/s each downloaded "
        f"{len(fast):,} bytes ({expected_rows:,} rows) in {seconds:.0f}s; list API idle: "
        f"{describe(idle)}; while they downloaded: {describe(busy)}"
    )
    assert not errors, errors
    assert still_downloading == SLOW_CLIENTS, f"only {still_downloading} downloads outlasted the sampling"
    assert len(bodies) == SLOW_CLIENTS
    for body in bodies:
        assert body == fast, f"a slow client got {len(body):,} of {len(fast):,} bytes"
    assert len(csv_rows(fast)) == expected_rows + 1

"""bench_list_api runs end to end on a small table and prints its figures."""

import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db(transaction=True)  # the request threads read what the command seeds
def test_the_list_benchmark_prints_latency_and_the_parts_of_a_page():
    out = io.StringIO()

    call_command("bench_list_api", rows=50, requests=4, concurrency=1, stdout=out)

    text = out.getvalue()
    assert "4 requests in" in text
    assert "p99" in text
    assert "COUNT(*) of the filtered rows" in text
    assert "serialising them" in text

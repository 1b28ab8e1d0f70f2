from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from apps.missions.models import Mission, Reward

pytestmark = pytest.mark.django_db


def test_bench_prints_both_paths_and_leaves_no_rows_behind():
    output = StringIO()

    call_command("bench_mission_bulk_update", "--size", "5", "--repeat", "2", stdout=output)

    lines = output.getvalue().splitlines()
    assert lines[0].startswith("5 missions, 2 runs each, on ")
    assert lines[1].startswith(" service: median ")
    assert lines[2].startswith(" request: median ")
    # A locking SELECT, a SELECT of the rewards, one UPDATE; and, as the test runs inside a
    # transaction, a savepoint and its release.
    assert lines[1].endswith(" 5 queries")
    assert not Mission.objects.exists()
    assert not Reward.objects.exists()


@pytest.mark.parametrize("size", ["0", "101"])
def test_bench_refuses_a_size_outside_a_batch(size):
    with pytest.raises(CommandError, match="--size must be between 1 and 100"):
        call_command("bench_mission_bulk_update", "--size", size)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--methods", "ours_new,theirs"], "Unknown methods: theirs"),
        (["--rows", "0"], "--rows and --baseline-rows must be at least 1."),
        (["--baseline-rows", "0"], "--rows and --baseline-rows must be at least 1."),
    ],
)
def test_the_import_bench_refuses_bad_arguments(arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("bench_import", *arguments)

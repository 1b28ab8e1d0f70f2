"""Time a bulk edit of missions on this database: figures to read, not a pass/fail check.

    python manage.py bench_mission_bulk_update --size 100 --repeat 20

Creates `--size` missions, then changes all of them `--repeat` times (titles, exposure, and
every other one's reward, each item carrying the `updated_at` it was read with), each time in
its own committed transaction, as a request would. It times two paths: `service`
(mission_bulk_update alone) and `request` (PATCH /api/missions/bulk/ through the whole stack:
JSON parsing, validation, the service, the response). The missions and rewards it made are
deleted at the end.
"""

import statistics
import time
import uuid
from collections.abc import Callable
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from apps.missions.models import Mission, Reward
from apps.missions.services import MISSION_BULK_MAX_SIZE, MissionBulkChange, mission_bulk_update


class Command(BaseCommand):
    help = "Time mission_bulk_update and PATCH /api/missions/bulk/ on this database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size", type=int, default=MISSION_BULK_MAX_SIZE)
        parser.add_argument("--repeat", type=int, default=20)

    def handle(self, *args: object, size: int, repeat: int, **options: object) -> None:
        if not 1 <= size <= MISSION_BULK_MAX_SIZE:
            raise CommandError(f"--size must be between 1 and {MISSION_BULK_MAX_SIZE}.")
        if repeat < 1:
            raise CommandError("--repeat must be at least 1.")
        tag = f"bench-{uuid.uuid4().hex[:8]}"
        rewards = Reward.objects.bulk_create(
            [Reward(name=f"{tag} reward {n}", point=100 * (n + 1)) for n in range(2)]
        )
        now = timezone.now()
        missions = Mission.objects.bulk_create(
            Mission(
                title=f"{tag} {n}",
                starts_at=now,
                ends_at=now + timedelta(days=30),
                reward=rewards[0],
            )
            for n in range(size)
        )
        ids = [mission.pk for mission in missions]
        try:
            service = self._measure(repeat, lambda run: self._service_step(ids, rewards, run))
            request = self._measure(repeat, lambda run: self._request_step(ids, rewards, run))
        finally:
            Mission.objects.filter(pk__in=ids).delete()
            Reward.objects.filter(pk__in=[reward.pk for reward in rewards]).delete()

        self.stdout.write(f"{size} missions, {repeat} runs each, on {connection.vendor}")
        for name, (times, queries) in (("service", service), ("request", request)):
            self.stdout.write(
                f"{name:>8}: median {statistics.median(times):.1f} ms, "
                f"best {min(times):.1f} ms, {queries} queries"
            )

    def _measure(
        self, repeat: int, prepare: Callable[[int], Callable[[], None]]
    ) -> tuple[list[float], int]:
        """Times `repeat` runs, each prepared (the items read) off the clock; then one more run
        counts the queries, so recording them does not weigh on the times."""
        times: list[float] = []
        for run in range(repeat):
            step = prepare(run)
            started = time.perf_counter()
            step()
            times.append((time.perf_counter() - started) * 1000)
        step = prepare(repeat)
        with CaptureQueriesContext(connection) as captured:
            step()
        return times, len(captured)

    def _items(self, ids: list[int], rewards: list[Reward], run: int) -> list[MissionBulkChange]:
        read = dict(Mission.objects.filter(pk__in=ids).values_list("pk", "updated_at"))
        return [
            {
                "id": pk,
                "updated_at": read[pk],
                "title": f"run {run} #{index}",
                "is_exposed": (run + index) % 2 == 0,
                "reward_id": rewards[(run + index) % 2].pk,
            }
            for index, pk in enumerate(ids)
        ]

    def _service_step(self, ids: list[int], rewards: list[Reward], run: int) -> Callable[[], None]:
        items = self._items(ids, rewards, run)

        def update() -> None:
            mission_bulk_update(items=items)

        return update

    def _request_step(self, ids: list[int], rewards: list[Reward], run: int) -> Callable[[], None]:
        payload = [
            {
                "id": item["id"],
                "updated_at": item["updated_at"].isoformat(),
                "title": item["title"],
                "is_exposed": item["is_exposed"],
                "reward": item["reward_id"],
            }
            for item in self._items(ids, rewards, run)
        ]
        client = APIClient(SERVER_NAME="localhost")
        client.force_authenticate(get_user_model()(username="bench", is_staff=True))

        def patch() -> None:
            response = client.patch(reverse("mission-bulk"), payload, format="json")
            if response.status_code != 200:
                raise CommandError(f"PATCH answered {response.status_code}: {response.content!r}")

        return patch

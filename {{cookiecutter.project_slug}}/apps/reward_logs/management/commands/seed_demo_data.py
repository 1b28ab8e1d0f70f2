import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from apps.reward_logs.seeding import reward_logs_seed


class Command(BaseCommand):
    help = (
        "Fill the example apps with demo rewards, missions, users and reward logs. "
        "Safe to run again: --logs is how many reward logs to have, not to add."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--logs", type=int, default=10_000, help="reward logs to have")
        parser.add_argument("--users", type=int, default=200, help="demo users to have")
        parser.add_argument("--missions", type=int, default=30, help="demo missions to have")
        parser.add_argument("--days", type=int, default=90, help="spread logs over N days")
        parser.add_argument("--seed", type=int, default=0, help="random seed")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        try:
            result = reward_logs_seed(
                logs=options["logs"],
                users=options["users"],
                missions=options["missions"],
                days=options["days"],
                seed=options["seed"],
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.rewards} rewards, {result.missions} missions, {result.users} users; "
                f"{result.logs_created:,} reward logs created ({result.logs_total:,} in all) "
                f"in {elapsed:.1f}s."
            )
        )

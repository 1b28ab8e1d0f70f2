"""Demo data for the example apps, fast: rewards, missions, users and any number of reward logs.

Reward logs go in with COPY on PostgreSQL (multi-row INSERTs elsewhere), a few thousand rows at
a time, so 100,000 logs take a few seconds. Idempotent: rewards, missions and users are created
once, by fixed names, and `logs` is the number of reward logs to have, not to add: a second run
with the same numbers adds nothing. The rows are valid by construction and the database's
constraints check them anyway, so the per-row full_clean() of the services is skipped here.
"""

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from apps.missions.models import Mission, Reward

from .models import MissionRewardLog
from .selectors import mission_reward_totals_invalidate_on_commit

REWARDS = [
    ("출석 체크 10P", 10),
    ("첫 구매 감사 적립금", 3_000),
    ("Welcome bonus", 1_000),
    ("편의점 5천원권", 5_000),
    ("스타벅스 아메리카노 쿠폰", 4_500),
    ("Review reward", 500),
    ("친구 초대 보상", 2_000),
    ("Birthday gift", 10_000),
]
MISSION_TITLES = [
    "7일 연속 출석하기",
    "Complete your profile",
    "친구 초대하기",
    "첫 구매 완료하기",
    "Write a product review",
    "앱 푸시 알림 켜기",
    "Share an event on social media",
    "설문조사 참여하기",
    "Verify your phone number",
    "장바구니에 상품 3개 담기",
]
MEMOS = [
    "",
    "",
    "자동 지급",
    "출석 보상, 자동 지급",
    "CS 요청으로 수동 지급",
    'Manual fix: "double click" on the event page',
    "이벤트 중복 참여 확인 필요",
    "Paid after a support ticket",
    "=SUM(A1:A3) looks like a formula",
]
LOG_FIELDS = (
    "user",
    "mission",
    "reward",
    "status",
    "point",
    "paid_at",
    "memo",
    "created_at",
    "updated_at",
)
STATUS_WEIGHTS = {
    MissionRewardLog.Status.PAID: 70,
    MissionRewardLog.Status.PENDING: 20,
    MissionRewardLog.Status.CANCELLED: 10,
}


@dataclass(frozen=True)
class SeedResult:
    rewards: int
    missions: int
    users: int
    logs_created: int
    logs_total: int


def reward_logs_seed(
    *,
    logs: int,
    users: int = 200,
    missions: int = 30,
    days: int = 90,
    batch_size: int = 5_000,
    seed: int = 0,
) -> SeedResult:
    """Make sure the demo rewards, `missions` missions, `users` users and `logs` reward logs exist.

    New logs are spread over the last `days` days (created_at), newer ids on newer days, and go
    to random users and missions; 70% paid, 20% pending, 10% cancelled. `seed` fixes the
    randomness, so two databases seeded alike hold the same data.
    """
    if min(logs, users, missions) < 0 or min(days, batch_size) < 1:
        raise ValueError("Counts must not be negative; days and batch_size must be at least 1.")
    if logs and not (users and missions):
        raise ValueError("Reward logs need at least one user and one mission.")
    rng = random.Random(seed)  # noqa: S311 - demo data, not a secret
    with transaction.atomic():
        rewards = _ensure_rewards()
        mission_rows = _ensure_missions(missions, rewards, rng)
        user_ids = _ensure_users(users)
        existing = MissionRewardLog.objects.count()
        to_create = max(0, logs - existing)
        if to_create:
            _create_logs(to_create, user_ids, mission_rows, days, batch_size, rng)
            mission_reward_totals_invalidate_on_commit(
                mission_ids=[mission.pk for mission in mission_rows]
            )
    return SeedResult(
        rewards=len(rewards),
        missions=len(mission_rows),
        users=len(user_ids),
        logs_created=to_create,
        logs_total=existing + to_create,
    )


def _ensure_rewards() -> list[Reward]:
    Reward.objects.bulk_create(
        [Reward(name=name, point=point) for name, point in REWARDS], ignore_conflicts=True
    )
    return list(Reward.objects.filter(name__in=[name for name, _ in REWARDS]).order_by("pk"))


def _mission_title(index: int) -> str:
    season = index // len(MISSION_TITLES) + 1
    return f"{MISSION_TITLES[index % len(MISSION_TITLES)]} (시즌 {season})"


def _ensure_missions(count: int, rewards: list[Reward], rng: random.Random) -> list[Mission]:
    titles = [_mission_title(index) for index in range(count)]
    existing = set(Mission.objects.filter(title__in=titles).values_list("title", flat=True))
    now = timezone.now()
    new = []
    for index, title in enumerate(titles):
        if title in existing:
            continue
        starts_at = now - timedelta(days=rng.randint(0, 120))
        new.append(
            Mission(
                title=title,
                description=f"{title}: 조건을 달성하면 리워드를 드립니다. Earn points for it.",
                is_exposed=index % 5 != 4,  # four in five are shown to users
                starts_at=starts_at,
                ends_at=starts_at + timedelta(days=rng.choice([7, 14, 30, 60, 180])),
                reward=rewards[index % len(rewards)],
            )
        )
    Mission.objects.bulk_create(new)
    return list(Mission.objects.filter(title__in=titles).select_related("reward").order_by("pk"))


def _ensure_users(count: int) -> list[int]:
    user_model = get_user_model()
    usernames = [f"demo_user_{index:05d}" for index in range(1, count + 1)]
    new = []
    for username in usernames:
        user = user_model(username=username, email=f"{username}@example.com")
        user.set_unusable_password()  # hashing a password per user would take minutes
        new.append(user)
    user_model.objects.bulk_create(new, ignore_conflicts=True)
    return list(
        user_model.objects.filter(username__in=usernames)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _create_logs(
    count: int,
    user_ids: list[int],
    missions: list[Mission],
    days: int,
    batch_size: int,
    rng: random.Random,
) -> None:
    """Insert `count` logs, `batch_size` rows at a time (memory stays flat for millions).

    created_at runs evenly over the last `days` days, so newer ids are newer logs.
    """
    statuses, weights = list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values())
    adapt = connection.ops.adapt_datetimefield_value
    now = timezone.now()
    step = timedelta(days=days) / count
    first = now - step * count
    for offset in range(0, count, batch_size):
        rows = []
        for index in range(offset, min(offset + batch_size, count)):
            created_at = first + step * (index + 1)
            mission = rng.choice(missions)
            status = rng.choices(statuses, weights)[0]
            paid_at = None
            if status == MissionRewardLog.Status.PAID:
                paid_at = adapt(min(now, created_at + timedelta(minutes=rng.randint(1, 600))))
            rows.append(
                (
                    rng.choice(user_ids),
                    mission.pk,
                    mission.reward_id,
                    status,
                    mission.reward.point,
                    paid_at,
                    rng.choice(MEMOS),
                    adapt(created_at),
                    adapt(created_at),
                )
            )
        _insert_rows(MissionRewardLog, LOG_FIELDS, rows)


def _insert_rows(model: type[Model], fields: Sequence[str], rows: list[tuple]) -> None:
    """Many rows in one statement: COPY on PostgreSQL (several times faster than INSERT, and
    no auto_now_add overriding the dates), executemany elsewhere. The database's constraints
    check every row either way."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    # Every concrete field has a column; the check only narrows the stubs' `str | None`.
    column_of = {f.name: f.column for f in model._meta.concrete_fields if f.column is not None}
    columns = ", ".join(quote(column_of[name]) for name in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            values = ", ".join(["%s"] * len(fields))
            # Identifiers come from the model's metadata; values are parameters.
            sql = f"INSERT INTO {table} ({columns}) VALUES ({values})"  # noqa: S608
            cursor.executemany(sql, rows)

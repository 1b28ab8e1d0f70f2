"""Read queries for reward logs, and the cached per-mission totals."""

from collections.abc import Iterable
from functools import partial

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from apps.common.cache_keys import CacheKey

from .models import MissionRewardLog

# One ordering for the list API and both exports: a file lists the rows in the screen's order.
REWARD_LOG_ORDERING = ("-created_at", "-id")

RewardTotals = dict[str, dict[str, int]]


def reward_log_list() -> QuerySet[MissionRewardLog]:
    """The base of the list API and its exports: every log with its user, mission and reward."""
    return MissionRewardLog.objects.select_related("user", "mission", "reward").order_by(
        *REWARD_LOG_ORDERING
    )


def reward_log_paid_totals(*, per: str) -> dict[str, Coalesce]:
    """Annotations for missions (`per="mission"`) or rewards (`per="reward"`): how many rewards
    were paid for the row and how many points, as `paid_count` and `paid_point`.

    Correlated subqueries rather than JOIN + GROUP BY: they sort like any column, never
    multiply with other joins, and combine with window functions (a window cannot be grouped).
    """
    paid_logs = MissionRewardLog.objects.filter(status=MissionRewardLog.Status.PAID)
    paid = paid_logs.filter(**{per: OuterRef("pk")}).order_by().values(per)
    return {
        "paid_count": Coalesce(Subquery(paid.annotate(n=Count("pk")).values("n")), 0),
        "paid_point": Coalesce(Subquery(paid.annotate(p=Sum("point")).values("p")), 0),
    }


def mission_reward_totals(*, mission_id: int) -> RewardTotals:
    """Count and points of a mission's reward logs per status, cached.

    `{"pending": {"count": 2, "point": 200}, "paid": {...}, "cancelled": {...}}`. Every
    write of reward logs calls `mission_reward_totals_invalidate_on_commit`, so a cached value
    is never older than the last committed write.
    """
    entry = CacheKey.MISSION_REWARD_TOTALS
    key = entry.key(mission_id)
    totals = cache.get(key)
    if totals is None:
        totals = {status: {"count": 0, "point": 0} for status in MissionRewardLog.Status.values}
        rows = (
            MissionRewardLog.objects.filter(mission_id=mission_id)
            .values("status")
            .annotate(count=Count("id"), point=Sum("point"))
            .order_by()
        )
        for row in rows:
            totals[row["status"]] = {"count": row["count"], "point": row["point"]}
        cache.set(key, totals, entry.timeout)
    return totals


def mission_reward_totals_invalidate(*, mission_ids: Iterable[int]) -> None:
    """Forget the cached totals of these missions; the next read recomputes them."""
    cache.delete_many([CacheKey.MISSION_REWARD_TOTALS.key(pk) for pk in set(mission_ids)])


def mission_reward_totals_invalidate_on_commit(*, mission_ids: Iterable[int]) -> None:
    """Forget these missions' cached totals once the current transaction commits.

    Dropping them earlier would let a concurrent read cache the old rows again before the new
    ones are visible. `robust=True`: the write has committed, so a cache outage at that moment
    is logged rather than turned into an error (the cached copy then expires with its timeout).
    """
    transaction.on_commit(
        partial(mission_reward_totals_invalidate, mission_ids=list(mission_ids)), robust=True
    )

"""Writes for reward logs: keyword-only, typed, atomic, full_clean() before save.

Every write that changes a mission's reward totals drops their cached copy once the transaction
commits (`mission_reward_totals_invalidate_on_commit`).
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.common.exceptions import ApplicationError
from apps.missions.models import Mission
from apps.users.models import User

from .models import MissionRewardLog
from .selectors import mission_reward_totals_invalidate_on_commit


def _lock_pending(reward_log: MissionRewardLog, *, refusal: str) -> MissionRewardLog:
    """The log re-read under a row lock (call inside a transaction), if it is still pending;
    otherwise `refusal` (with %(id)s and %(status)s) is the error."""
    locked = MissionRewardLog.objects.select_for_update().get(pk=reward_log.pk)
    if locked.status != MissionRewardLog.Status.PENDING:
        raise ApplicationError(refusal % {"id": locked.pk, "status": locked.get_status_display()})
    return locked


@transaction.atomic
def reward_log_create(*, user: User, mission: Mission, memo: str = "") -> MissionRewardLog:
    """A pending reward for `user`, at the mission's reward and its current point."""
    reward_log = MissionRewardLog(
        user=user,
        mission=mission,
        reward=mission.reward,
        point=mission.reward.point,
        memo=memo,
    )
    reward_log.full_clean()
    reward_log.save()
    mission_reward_totals_invalidate_on_commit(mission_ids=[mission.pk])
    return reward_log


@transaction.atomic
def reward_log_pay(
    *, reward_log: MissionRewardLog, paid_at: datetime | None = None
) -> MissionRewardLog:
    """Mark a pending reward paid. The row is locked, so two payers cannot both pay it."""
    reward_log = _lock_pending(
        reward_log, refusal=_("Reward log %(id)s is %(status)s; only a pending one can be paid.")
    )
    reward_log.status = MissionRewardLog.Status.PAID
    reward_log.paid_at = paid_at or timezone.now()
    reward_log.full_clean()
    reward_log.save(update_fields=["status", "paid_at", "updated_at"])
    mission_reward_totals_invalidate_on_commit(mission_ids=[reward_log.mission_id])
    return reward_log


@transaction.atomic
def reward_log_cancel(*, reward_log: MissionRewardLog, memo: str = "") -> MissionRewardLog:
    """Cancel a pending reward, with an optional reason kept in its memo."""
    reward_log = _lock_pending(
        reward_log,
        refusal=_("Reward log %(id)s is %(status)s; only a pending one can be cancelled."),
    )
    reward_log.status = MissionRewardLog.Status.CANCELLED
    if memo:
        reward_log.memo = memo
    reward_log.full_clean()
    reward_log.save(update_fields=["status", "memo", "updated_at"])
    mission_reward_totals_invalidate_on_commit(mission_ids=[reward_log.mission_id])
    return reward_log

import factory
from django.utils import timezone

from apps.missions.tests.factories import MissionFactory
from apps.reward_logs.models import MissionRewardLog
from apps.users.tests.factories import UserFactory

MEMOS = [
    "자동 지급",
    "출석 보상, 자동 지급",
    "CS 요청으로 수동 지급",
    "Paid after a support ticket",
    "",
]


class MissionRewardLogFactory(factory.django.DjangoModelFactory[MissionRewardLog]):
    """A pending log; `paid=True` or `cancelled=True` for the other states."""

    class Meta:
        model = MissionRewardLog

    user = factory.SubFactory(UserFactory)
    mission = factory.SubFactory(MissionFactory)
    reward = factory.SelfAttribute("mission.reward")
    point = factory.SelfAttribute("reward.point")
    status = MissionRewardLog.Status.PENDING
    memo = factory.Sequence(lambda n: MEMOS[n % len(MEMOS)])

    class Params:
        paid = factory.Trait(
            status=MissionRewardLog.Status.PAID, paid_at=factory.LazyFunction(timezone.now)
        )
        cancelled = factory.Trait(status=MissionRewardLog.Status.CANCELLED)

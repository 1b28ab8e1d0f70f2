from datetime import timedelta

import factory
from django.utils import timezone

from apps.missions.models import Mission, Reward

REWARD_NAMES = [
    "출석 체크 포인트",
    "Welcome bonus",
    "편의점 상품권",
    "Review reward",
    "친구 초대 보상",
]
MISSION_TITLES = [
    "7일 연속 출석하기",
    "Complete your profile",
    "친구 초대하기",
    "Write a product review",
    "앱 푸시 알림 켜기",
    "Verify your phone number",
]


class RewardFactory(factory.django.DjangoModelFactory[Reward]):
    class Meta:
        model = Reward
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"{REWARD_NAMES[n % len(REWARD_NAMES)]} {n}")
    point = factory.Faker("random_element", elements=[10, 100, 500, 1_000, 3_000, 5_000])


class MissionFactory(factory.django.DjangoModelFactory[Mission]):
    class Meta:
        model = Mission

    title = factory.Sequence(lambda n: f"{MISSION_TITLES[n % len(MISSION_TITLES)]} #{n}")
    description = factory.Faker("paragraph", locale="ko_KR")
    is_exposed = True
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    ends_at = factory.LazyAttribute(lambda mission: mission.starts_at + timedelta(days=30))
    reward = factory.SubFactory(RewardFactory)

    class Params:
        hidden = factory.Trait(is_exposed=False)

"""model-bakery recipes: `baker.make_recipe("missions.mission", _quantity=3)`.

The quick alternative to the factory-boy factories in tests/factories.py: bakery fills every
required field by itself, and a recipe only names the values that matter.
"""

from datetime import timedelta

from django.utils import timezone
from model_bakery.recipe import Recipe, foreign_key, seq

from .models import Mission, Reward

reward = Recipe(Reward, name=seq("스탬프 리워드 "), point=seq(100, increment_by=100))

mission = Recipe(
    Mission,
    title=seq("Daily stamp mission "),
    description="매일 스탬프를 모아 보세요. Collect a stamp every day.",
    is_exposed=True,
    starts_at=lambda: timezone.now() - timedelta(days=1),
    ends_at=lambda: timezone.now() + timedelta(days=29),
    reward=foreign_key(reward),
)

hidden_mission = mission.extend(is_exposed=False)

"""Writes for missions: keyword-only, typed, atomic, every row full_clean()ed before saving."""

from collections.abc import Sequence
from datetime import datetime
from typing import TypedDict

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.common.exceptions import ApplicationError

from .models import Mission, Reward

# Most missions one bulk request may create: validation costs a few queries per item.
MISSION_BULK_CREATE_MAX_SIZE = 100


class MissionData(TypedDict, total=False):
    title: str
    description: str
    is_exposed: bool
    starts_at: datetime
    ends_at: datetime
    reward: Reward


@transaction.atomic
def mission_create(
    *,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    reward: Reward,
    description: str = "",
    is_exposed: bool = False,
) -> Mission:
    mission = Mission(
        title=title,
        description=description,
        is_exposed=is_exposed,
        starts_at=starts_at,
        ends_at=ends_at,
        reward=reward,
    )
    mission.full_clean()
    mission.save()
    return mission


def mission_bulk_create(*, items: Sequence[MissionData]) -> list[Mission]:
    """Create every mission or none: all are validated first, then one INSERT in one transaction.

    Raises ApplicationError whose `extra` maps each invalid item's index ("0", "1", ...) to
    its field errors, so the client can point at the rows to fix.
    """
    if not items:
        raise ApplicationError("Send at least one mission.")
    if len(items) > MISSION_BULK_CREATE_MAX_SIZE:
        raise ApplicationError(
            f"A batch holds at most {MISSION_BULK_CREATE_MAX_SIZE} missions; got {len(items)}."
        )

    missions = [Mission(**item) for item in items]
    errors: dict[str, dict[str, list[str]]] = {}
    for index, mission in enumerate(missions):
        try:
            mission.full_clean()
        except ValidationError as exc:
            errors[str(index)] = exc.message_dict
    if errors:
        raise ApplicationError("Some missions are invalid; none were created.", extra=errors)

    with transaction.atomic():
        return Mission.objects.bulk_create(missions)

"""Read queries for missions. Views and the admin call these; joins live here."""

from collections.abc import Sequence

from django.db.models import Case, F, IntegerField, OrderBy, QuerySet, When, Window
from django.db.models.functions import RowNumber

from .models import Mission

# The list's default order. Every ordering ends with a unique field, so a row's place in the
# list (and therefore its number) is the same on every request.
MISSION_ORDERING = ("-created_at", "-id")

OrderingTerm = str | OrderBy


def mission_number(*, ordering: Sequence[OrderingTerm] = MISSION_ORDERING) -> Case:
    """The `number` column: exposed missions are numbered 1, 2, 3... in `ordering`.

    The database computes it with ROW_NUMBER() over the whole filtered list before LIMIT and
    OFFSET, so page 2 continues where page 1 stopped and deleting a row renumbers the rest.
    Missions that are not exposed are left out of the count and get no number (None).
    The list API and the admin both use this expression, so a row shows the same number in
    both for the same filters and ordering.
    """
    return Case(
        When(
            is_exposed=True,
            then=Window(RowNumber(), partition_by=[F("is_exposed")], order_by=list(ordering)),
        ),
        default=None,
        output_field=IntegerField(),
    )


def mission_list(*, ordering: Sequence[OrderingTerm] = MISSION_ORDERING) -> QuerySet[Mission]:
    """Missions with their reward, numbered and sorted by `ordering`. Filter it further freely:
    the window runs after WHERE, so the numbers always count the filtered list."""
    return (
        Mission.objects.select_related("reward")
        .annotate(number=mission_number(ordering=ordering))
        .order_by(*ordering)
    )


def mission_get(*, mission_id: int) -> Mission | None:
    """One mission with its reward, or None when there is no such mission."""
    return Mission.objects.select_related("reward").filter(pk=mission_id).first()

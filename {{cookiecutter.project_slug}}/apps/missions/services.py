"""Writes for missions: keyword-only, typed, atomic, every row full_clean()ed before saving."""

from collections.abc import Iterable, Sequence, Sized
from datetime import datetime
from http import HTTPStatus
from typing import Required, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.common.bulk_update import bulk_update_rows
from apps.common.exceptions import ApplicationError

from .models import Mission, Reward

# Most missions one bulk request may create or change: one batch is one statement, and a batch
# that big is still a short lock.
MISSION_BULK_MAX_SIZE = 100

# The fields an edit may change; `created_at` and `updated_at` are the database's to write.
MISSION_EDITABLE_FIELDS = ("title", "description", "is_exposed", "starts_at", "ends_at", "reward")

ItemErrors = dict[str, dict[str, list[str]]]


class MissionData(TypedDict, total=False):
    title: str
    description: str
    is_exposed: bool
    starts_at: datetime
    ends_at: datetime
    reward: Reward


class MissionBulkChange(TypedDict, total=False):
    """One item of a bulk edit: the mission's id, the fields to change and, optionally, the
    `updated_at` the client read (the edit is refused if the row changed since)."""

    id: Required[int]
    updated_at: datetime
    title: str
    description: str
    is_exposed: bool
    starts_at: datetime
    ends_at: datetime
    reward_id: int


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


def _check_batch_size(items: Sized) -> None:
    if not items:
        raise ApplicationError(_("Send at least one mission."))
    if len(items) > MISSION_BULK_MAX_SIZE:
        raise ApplicationError(
            _("A batch holds at most %(max)s missions; got %(count)s.")
            % {"max": MISSION_BULK_MAX_SIZE, "count": len(items)}
        )


def mission_bulk_create(*, items: Sequence[MissionData]) -> list[Mission]:
    """Create every mission or none: all are validated first, then one INSERT in one transaction.

    Raises ApplicationError whose `extra` maps each invalid item's index ("0", "1", ...) to
    its field errors, so the client can point at the rows to fix.
    """
    _check_batch_size(items)

    missions = [Mission(**item) for item in items]
    errors: ItemErrors = {}
    for index, mission in enumerate(missions):
        try:
            mission.full_clean()
        except ValidationError as exc:
            errors[str(index)] = exc.message_dict
    if errors:
        raise ApplicationError(_("Some missions are invalid; none were created."), extra=errors)

    with transaction.atomic():
        return Mission.objects.bulk_create(missions)


def _stale_message(*, read: datetime, current: datetime) -> str:
    return _(
        "Changed at %(current)s, after the %(read)s you read; read it again and resend your change."
    ) % {"current": current.isoformat(), "read": read.isoformat()}


@transaction.atomic
def mission_update(
    *,
    mission: Mission,
    expected_updated_at: datetime | None = None,
    **changes: Unpack[MissionData],
) -> Mission:
    """Change the given fields of a mission and nothing else; returns the saved row.

    The row is re-read under a lock and the changes are applied to it, so the rules are checked
    against what is really stored and a field nobody sent is never written back stale.
    `expected_updated_at` is the version the caller read (the API's If-Match): when the row
    changed since, nothing is written and the error is a 412 Precondition Failed.
    """
    current = (
        Mission.objects.select_for_update(of=("self",))
        .select_related("reward")
        .filter(pk=mission.pk)
        .first()
    )
    if current is None:
        raise ApplicationError(
            _("Mission %(id)s no longer exists.") % {"id": mission.pk},
            status_code=HTTPStatus.NOT_FOUND,
        )
    if expected_updated_at is not None and current.updated_at != expected_updated_at:
        raise ApplicationError(
            _("This mission changed after you read it; nothing was saved."),
            extra={
                "updated_at": [_stale_message(read=expected_updated_at, current=current.updated_at)]
            },
            status_code=HTTPStatus.PRECONDITION_FAILED,
        )
    for name, value in changes.items():
        setattr(current, name, value)
    current.full_clean()
    # `updated_at` (auto_now) is only set by save() when it is among the fields written.
    current.save(update_fields=[*changes, "updated_at"])
    return current


def mission_bulk_update(*, items: Sequence[MissionBulkChange]) -> list[Mission]:
    """Change many missions at once, all or none; returns them in the order of `items`.

    In one transaction: the rows are locked (in id order, so two batches never deadlock), every
    item is applied to its row and validated, and only when all are valid is one UPDATE sent.
    Ids left out of `items` are left alone.

    - Unknown ids, an id sent twice, unknown rewards and broken model rules are reported
      together by index: ApplicationError (400) whose `extra` is {"3": {"ends_at": [...]}}.
    - An item whose `updated_at` is not the row's any more makes the whole batch a 409 naming
      those items: the client re-reads them before anything is written.

    The queries do not grow with the batch: one SELECT ... FOR UPDATE for the missions, one
    SELECT for the rewards named, one UPDATE. So each row's full_clean() leaves out the two
    checks that would query once per row: the reward's existence (checked here for the whole
    batch) and the database check constraint, whose rule Mission.clean() states in Python
    (the database still enforces it).
    """
    _check_batch_size(items)
    with transaction.atomic():
        missions = {
            mission.pk: mission
            for mission in Mission.objects.select_for_update(of=("self",))
            .select_related("reward")
            .filter(pk__in={item["id"] for item in items})
            .order_by("pk")
        }
        reward_ids = {item["reward_id"] for item in items if "reward_id" in item}
        rewards = Reward.objects.in_bulk(reward_ids) if reward_ids else {}

        errors: ItemErrors = {}
        stale: ItemErrors = {}
        first_index: dict[int, int] = {}
        fields: set[str] = set()
        for index, item in enumerate(items):
            key, mission_id = str(index), item["id"]
            if mission_id in first_index:
                errors[key] = {
                    "id": [
                        _("Mission %(id)s is already item %(index)s; send each mission once.")
                        % {"id": mission_id, "index": first_index[mission_id]}
                    ]
                }
                continue
            first_index[mission_id] = index
            mission = missions.get(mission_id)
            if mission is None:
                errors[key] = {
                    "id": [_("There is no mission with id %(id)s.") % {"id": mission_id}]
                }
                continue
            read = item.get("updated_at")
            if read is not None and read != mission.updated_at:
                stale[key] = {"updated_at": [_stale_message(read=read, current=mission.updated_at)]}
                continue
            item_errors = _apply_change(mission, item, rewards)
            fields.update(name for name in MISSION_EDITABLE_FIELDS if name in item)
            if "reward_id" in item:
                fields.add("reward")
            if item_errors:
                errors[key] = item_errors

        if stale:
            raise ApplicationError(
                _("Some missions changed after you read them; nothing was saved."),
                extra=stale,
                status_code=HTTPStatus.CONFLICT,
            )
        if errors:
            raise ApplicationError(_("Some items are invalid; nothing was saved."), extra=errors)

        changed = [missions[item["id"]] for item in items]
        _write_changes(changed, fields)
    return changed


def _write_changes(missions: Sequence[Mission], fields: Iterable[str]) -> None:
    now = timezone.now()  # bulk_update() does not call save(), so auto_now is set here
    for mission in missions:
        mission.updated_at = now
    # Not Django's bulk_update(), whose CASE WHEN costs rows squared (see apps.common.bulk_update).
    bulk_update_rows(missions, [*sorted(fields), "updated_at"])


def mission_import_create(*, instances: Sequence[Mission]) -> None:
    """One batch of an import's new missions, already validated (apps.common.imports)."""
    Mission.objects.bulk_create(instances)


def mission_import_update(*, instances: Sequence[Mission], fields: Iterable[str]) -> None:
    """One batch of an import's changed missions, validated against the rows read under lock in
    the import's transaction: `fields` (and `updated_at`) are written, nothing else."""
    _write_changes(instances, fields)


def _apply_change(
    mission: Mission, item: MissionBulkChange, rewards: dict[int, Reward]
) -> dict[str, list[str]]:
    """Set the item's fields on its row and validate the result; returns the errors by field."""
    errors: dict[str, list[str]] = {}
    for name, value in item.items():
        if name in MISSION_EDITABLE_FIELDS:
            setattr(mission, name, value)
    if "reward_id" in item:
        reward = rewards.get(item["reward_id"])
        if reward is None:
            errors["reward"] = [_("There is no reward with id %(id)s.") % {"id": item["reward_id"]}]
        else:
            mission.reward = reward
    try:
        mission.full_clean(exclude=["reward"], validate_constraints=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    return errors

"""Masks for personal values, and who may read them unmasked.

    mask_name("김철용") == "김*용"; mask_phone("010-1234-5678") == "010-****-5678";
    mask_email("abcdef@example.com") == "ab***@example.com"

A serializer names its personal fields and their masks in `masked_fields` (a mask is one of the
functions here, or any function of a string to a string):

    class CustomerCSVSerializer(serializers.Serializer):
        masked_fields = {"name": mask_name, "phone": mask_phone, "email": mask_email}

An export's column plan masks those columns (`columns.py`), and an API serializer that mixes in
`MaskedFieldsMixin` masks them in its data, unless the reader holds `unmask_personal_data`
(`common.unmask_personal_data`; superusers hold every permission). The export's access record says
whether it was written unmasked.
"""

import re
from collections.abc import Callable, Mapping
from typing import Any

from rest_framework import serializers

Mask = Callable[[str], str]
UNMASK_PERMISSION = "common.unmask_personal_data"
_DIGIT = re.compile(r"\d")


def mask_name(value: str) -> str:
    """Every character but the first and the last: 김철용 -> 김*용, 이순 -> 이*, 김 -> *."""
    if len(value) <= 1:
        return "*" * len(value)
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]


def mask_phone(value: str) -> str:
    """The middle group of a phone number: 010-1234-5678 -> 010-****-5678. Without separators,
    every digit but the first three and the last four: 01012345678 -> 010****5678."""
    groups = re.split(r"([-.\s])", value)
    if len(groups) >= 5:  # three groups or more with their separators
        middle = groups[2:-2]
        return "".join(
            [groups[0], groups[1], *(_DIGIT.sub("*", part) for part in middle), *groups[-2:]]
        )
    digits = [index for index, char in enumerate(value) if char.isdigit()]
    hidden = set(digits[3:-4]) if len(digits) > 7 else set(digits[1:])
    return "".join("*" if index in hidden else char for index, char in enumerate(value))


def mask_email(value: str) -> str:
    """The local part after its first two characters: abcdef@example.com -> ab***@example.com."""
    local, at, domain = value.partition("@")
    if not at:
        return mask_name(value)
    return f"{local[: 2 if len(local) > 2 else 1]}***@{domain}"


def masked(value: Any, mask: Mask) -> Any:
    """`value` masked as text; None (and an empty value) as it is."""
    if value is None or value == "":
        return value
    return mask(str(value))


def may_unmask(user: Any) -> bool:
    """Whether `user` may read personal values unmasked."""
    return bool(user is not None and user.is_authenticated and user.has_perm(UNMASK_PERMISSION))


def masked_fields(serializer: serializers.BaseSerializer | type) -> Mapping[str, Mask]:
    """The serializer's personal fields and their masks (empty when it names none)."""
    return getattr(serializer, "masked_fields", None) or {}


class MaskedFieldsMixin(serializers.Serializer):
    """Masks the fields named in `masked_fields` unless the request's user may unmask them.

    Without a request in the context the values are masked: unmasking is the exception.
    """

    masked_fields: Mapping[str, Mask] = {}

    def to_representation(self, instance: Any) -> Any:
        data = super().to_representation(instance)
        request = self.context.get("request")
        if may_unmask(getattr(request, "user", None)):
            return data
        for name, mask in self.masked_fields.items():
            if name in data:
                data[name] = masked(data[name], mask)
        return data

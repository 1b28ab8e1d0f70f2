"""The reason for a download: `reason`, a parameter every export takes.

An export declared with `personal_data=True` refuses to run without one (a 400 saying so); any
export records the reason it is given. The reason is checked here (stripped, 1 to 500
characters, no control character) and is never one of the list's filters: it is not stored among
a job's parameters, which re-apply the list.
"""

import re
from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

REASON_PARAM = "reason"
REASON_MAX_LENGTH = 500
_CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f]")


def clean_reason(value: Any, *, required: bool) -> str:
    """The reason, stripped; a ValidationError ({"reason": [...]}) saying what to fix."""
    text = "" if value is None else str(value).strip()
    if _CONTROL_CHARACTER.search(text):
        raise ValidationError(
            {
                REASON_PARAM: [
                    _("Remove the control characters (such as a line break) from the reason.")
                ]
            }
        )
    if len(text) > REASON_MAX_LENGTH:
        raise ValidationError(
            {
                REASON_PARAM: [
                    _("Shorten the reason to at most {most} characters (it has {length}).").format(
                        most=REASON_MAX_LENGTH, length=len(text)
                    )
                ]
            }
        )
    if required and not text:
        raise ValidationError(
            {
                REASON_PARAM: [
                    _(
                        "This export holds personal data: say why you need it in the `reason` "
                        "parameter (1 to {most} characters)."
                    ).format(most=REASON_MAX_LENGTH)
                ]
            }
        )
    return text

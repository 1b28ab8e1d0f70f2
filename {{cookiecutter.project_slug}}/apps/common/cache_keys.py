"""Every cache key the project writes, with its timeout, in one registry.

Add an entry here rather than formatting key strings in app code, so keys never collide
and their lifetimes are visible in one place:

    CacheKey.EXPORT_PROGRESS.key(task_id)       -> "export:progress:<task_id>"
    cache.set(entry.key(task_id), value, entry.timeout)
"""

from enum import Enum


class CacheKey(Enum):
    EXPORT_PROGRESS = ("export:progress:{}", 60 * 60 * 24)
{%- if cookiecutter.include_example_apps == "y" %}
    MISSION_REWARD_TOTALS = ("missions:reward-totals:{}", 60 * 10)
{%- endif %}

    def __init__(self, pattern: str, timeout: int) -> None:
        self.pattern = pattern
        self.timeout = timeout

    def key(self, *parts: object) -> str:
        return self.pattern.format(*parts)

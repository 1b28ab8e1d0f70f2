from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RewardLogsConfig(AppConfig):
    name = "apps.reward_logs"
    label = "reward_logs"
    verbose_name = _("Reward logs")

from django.apps import AppConfig


class RewardLogsConfig(AppConfig):
    name = "apps.reward_logs"
    label = "reward_logs"
    verbose_name = "Reward logs"

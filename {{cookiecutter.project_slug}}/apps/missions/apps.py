from django.apps import AppConfig


class MissionsConfig(AppConfig):
    name = "apps.missions"
    label = "missions"
    verbose_name = "Missions"

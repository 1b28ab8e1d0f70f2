from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    name = "apps.common"
    label = "common"
    verbose_name = _("Common")

    def ready(self) -> None:
        # Every app declares its exports in its `exports` module and its imports in `imports`:
        # importing them all here registers each in every process (web, worker, admin) without
        # the URLconf.
        autodiscover_modules("exports", "imports")
        # django-structlog's signals: a well-formed incoming request id kept, and sent back.
        from . import request_id  # noqa: F401

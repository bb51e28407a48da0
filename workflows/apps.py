from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("Workflows")

    def ready(self) -> None:
        # Each domain app registers its deadline sources and notices in its
        # own deadlines.py; this app imports none of them by name.
        autodiscover_modules("deadlines")

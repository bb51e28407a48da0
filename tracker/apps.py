from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = _("Reference data")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from .reference import grant_role_permissions

        post_migrate.connect(grant_role_permissions, dispatch_uid="role-permissions")

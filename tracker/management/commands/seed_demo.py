from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import module_has_submodule


class Command(BaseCommand):
    help = (
        "Load demo data: each app's demo.seed(context), in INSTALLED_APPS order. "
        "Running it again changes nothing."
    )

    def handle(self, *args, **options):
        context: dict = {}
        with transaction.atomic():
            for config in apps.get_app_configs():
                if module_has_submodule(config.module, "demo"):
                    import_module(f"{config.name}.demo").seed(context)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))

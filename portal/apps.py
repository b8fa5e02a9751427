from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal"

    def ready(self):
        from . import checks  # noqa: F401  registers the deploy checks
        from .roles import create_role_groups

        # Groups hold permissions, and permissions only exist after migrate.
        post_migrate.connect(create_role_groups, dispatch_uid="portal.create_role_groups")

from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate, pre_migrate


class CachingConfig(AppConfig):
    """Rendered parts of pages kept between requests until the portal's data next changes."""

    name = "caching"
    verbose_name = "Rendered page parts"

    def ready(self):
        from .versions import migrations_finished, migrations_started, watch_for_writes

        connection_created.connect(watch_for_writes, dispatch_uid="caching.watch_for_writes")
        pre_migrate.connect(migrations_started, dispatch_uid="caching.migrations_started")
        post_migrate.connect(migrations_finished, dispatch_uid="caching.migrations_finished")

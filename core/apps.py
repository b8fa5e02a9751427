from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared parts every app builds on: GOV.UK form layout and template tags, middleware, addresses.

    It has no models and imports no other app of the portal.
    """

    name = "core"
    verbose_name = "Shared components"

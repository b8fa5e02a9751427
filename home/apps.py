from django.apps import AppConfig


class HomeConfig(AppConfig):
    """The portal as a whole: home pages, health checks, navigation, and the commands that load,
    back up and restore every app's data. The one app that may import all the others."""

    name = "home"
    verbose_name = "Home"

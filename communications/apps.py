from django.apps import AppConfig


class CommunicationsConfig(AppConfig):
    name = "communications"
    verbose_name = "Newsletter, young people's pages and feedback"

    def ready(self):
        from . import selectors  # noqa: F401  registers the consultation indicator's count

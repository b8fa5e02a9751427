from django.apps import AppConfig


class BoardConfig(AppConfig):
    name = "board"
    verbose_name = "Corporate Parenting Board"

    def ready(self):
        from . import computations  # noqa: F401  registers the Board's computed indicators

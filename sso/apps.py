from django.apps import AppConfig


class SingleSignOnConfig(AppConfig):
    name = "sso"
    verbose_name = "Single sign-on"

    def ready(self):
        from django.contrib.auth.signals import user_logged_out

        from .signout import remember_provider_sign_out

        user_logged_out.connect(remember_provider_sign_out, dispatch_uid="sso_provider_sign_out")

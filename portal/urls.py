from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, reverse_lazy

from . import forms, views

account_patterns = [
    path(
        "sign-in/",
        auth_views.LoginView.as_view(form_class=forms.SignInForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("sign-out/", views.before_second_step(auth_views.LogoutView.as_view()), name="logout"),
    path("two-factor/set-up/", views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
    path("two-factor/turn-off/", views.two_factor_turn_off, name="two_factor_turn_off"),
    path("two-factor/replace/", views.two_factor_replace, name="two_factor_replace"),
    path(
        "password/change/",
        auth_views.PasswordChangeView.as_view(
            form_class=forms.ChangePasswordForm, success_url=reverse_lazy("password_change_done")
        ),
        name="password_change",
    ),
    path("password/change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(form_class=forms.ResetPasswordForm),
        name="password_reset",
    ),
    path("password/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=forms.SetNewPasswordForm),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("", views.account, name="account"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("accessibility/", views.accessibility_statement, name="accessibility"),
    path("health/", views.health, name="health"),
    path("health/workers/", views.health_workers, name="health_workers"),
    path("account/", include(account_patterns)),
    path("strategy/", include("objectives.urls")),
    path("indicators/", include("indicators.urls")),
    path("board/", include("board.urls")),
    path("published-statistics/", include("comparisons.urls")),
    path("audit/", include("audit.urls")),
    path("", include("communications.urls")),
    path("admin/", admin.site.urls),
]

handler500 = "portal.views.server_error"

admin.site.site_header = "Corporate Parenting Portal administration"
admin.site.site_title = "Corporate Parenting Portal"

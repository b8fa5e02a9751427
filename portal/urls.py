"""The account pages: signing in and out, passwords and two-factor sign-in."""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import forms, views

urlpatterns = [
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
    path("emails/", views.email_setting, name="email_setting"),
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
]

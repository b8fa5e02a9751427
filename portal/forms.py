"""The account forms: sign-in, passwords and two-factor codes."""

from crispy_forms_gds.layout import Field
from django import forms
from django.contrib.auth import forms as auth_forms

from core.addresses import client_address
from core.forms import GovukFormMixin
from outbox.services import job_schedule

from . import throttle

NEW_PASSWORD_HELP = "Use at least 12 characters. A few unrelated words together make a strong password."
PASSWORD_MISMATCH = "The passwords do not match: enter the same new password twice"


class SignInForm(GovukFormMixin, auth_forms.AuthenticationForm):
    submit_label = "Sign in"
    autocomplete = {"username": "username", "password": "current-password"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = client_address(self.request) if self.request else ""
        if username and throttle.is_locked(username=username, address=address):
            raise forms.ValidationError(throttle.lockout_message(), code="locked")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if username:
                throttle.record_failure(username=username, address=address)
            raise
        throttle.clear_account(username=username)
        return cleaned

    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account has been switched off. Ask the corporate parenting officer to restore it.",
    }


class ChangePasswordForm(GovukFormMixin, auth_forms.PasswordChangeForm):
    submit_label = "Change password"
    error_messages = {
        "password_incorrect": "Your current password is not right: enter it again",
        "password_mismatch": PASSWORD_MISMATCH,
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "Current password"
        self.fields["old_password"].error_messages["required"] = "Enter your current password"
        set_new_password_fields(self)

    autocomplete = {
        "old_password": "current-password",
        "new_password1": "new-password",
        "new_password2": "new-password",
    }


class ResetPasswordForm(GovukFormMixin, auth_forms.PasswordResetForm):
    """Ask for a reset link. The email is sent by a background task after the request."""

    submit_label = "Send reset link"
    autocomplete = {"email": "email"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Email address"
        self.fields["email"].error_messages = {
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.gov.uk",
        }

    def save(self, *, domain_override=None, use_https=False, request=None, **kwargs):
        domain = domain_override or (request.get_host() if request else "localhost")
        for user in self.get_users(self.cleaned_data["email"]):
            job_schedule(
                task="portal.tasks.send_password_reset_email",
                arguments={"user_id": user.pk, "domain": domain, "use_https": use_https},
            )


class SetNewPasswordForm(GovukFormMixin, auth_forms.SetPasswordForm):
    submit_label = "Set password"
    error_messages = {"password_mismatch": PASSWORD_MISMATCH}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        set_new_password_fields(self)

    autocomplete = {"new_password1": "new-password", "new_password2": "new-password"}


def set_new_password_fields(form) -> None:
    form.fields["new_password1"].label = "New password"
    form.fields["new_password1"].help_text = NEW_PASSWORD_HELP
    form.fields["new_password1"].error_messages["required"] = "Enter a new password"
    form.fields["new_password2"].label = "Confirm new password"
    form.fields["new_password2"].error_messages["required"] = "Enter the new password again"


class ConfirmPasswordForm(GovukFormMixin, forms.Form):
    """Asks a signed-in person for their password again before a change to their sign-in."""

    submit_label = "Turn off two-factor sign-in"
    autocomplete = {"password": "current-password"}

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput,
        error_messages={"required": "Enter your password"},
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("Your password is not right: enter it again")
        return password


class TwoFactorCodeForm(GovukFormMixin, forms.Form):
    submit_label = "Continue"
    autocomplete = {"code": "one-time-code"}

    code = forms.CharField(
        label="Code from your authenticator app",
        help_text="The 6-digit code the app shows now, for example 123456",
        max_length=6,
        error_messages={
            "required": "Enter the 6-digit code from your authenticator app",
            "max_length": "Enter the code as 6 digits",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
    )

    def __init__(self, *args, request, device, **kwargs):
        self.request = request
        self.device = device
        super().__init__(*args, **kwargs)

    def layout_field(self, name):
        return Field.text(name, field_width=5)

    def clean_code(self):
        from . import two_factor

        code = self.cleaned_data["code"].replace(" ", "")
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError("Enter the code as 6 digits")
        if not two_factor.code_accepted(self.request, self.device, code):
            raise forms.ValidationError(
                "The code is not right or has already been used: enter the newest code from your app"
            )
        return code

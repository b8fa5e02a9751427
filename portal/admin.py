from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm

from .models import User
from .roles import GROUP_NAMES, Role


class PortalUserChangeForm(UserChangeForm):
    def clean(self):
        cleaned = super().clean()
        groups = cleaned.get("groups")
        is_contributor = groups is not None and groups.filter(name=GROUP_NAMES[Role.CONTRIBUTOR]).exists()
        if is_contributor and not cleaned.get("organisation"):
            raise forms.ValidationError(
                {"organisation": "Choose the organisation this contributor works for"}
            )
        return cleaned


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = PortalUserChangeForm
    list_display = ["username", "email", "first_name", "last_name", "organisation", "is_active"]
    list_select_related = ["organisation"]
    list_filter = ["groups", "organisation", "is_active", "is_superuser", "local_account"]
    fieldsets = BaseUserAdmin.fieldsets + (("Organisation", {"fields": ["organisation", "local_account"]}),)

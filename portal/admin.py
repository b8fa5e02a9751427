from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm

from .models import EmailPreference, SentEmail, User
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


@admin.register(EmailPreference)
class EmailPreferenceAdmin(admin.ModelAdmin):
    list_display = ["person", "kind", "wanted", "changed_at"]
    list_filter = ["kind", "wanted"]
    list_select_related = ["person"]


@admin.register(SentEmail)
class SentEmailAdmin(admin.ModelAdmin):
    """What was emailed to whom and when, read-only: the record of what happened."""

    list_display = ["sent_at", "kind", "recipient", "subject"]
    list_filter = ["kind"]
    list_select_related = ["recipient"]
    readonly_fields = [field.name for field in SentEmail._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

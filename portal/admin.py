from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "email", "first_name", "last_name", "organisation", "is_active"]
    list_filter = ["groups", "organisation", "is_active", "is_superuser"]
    list_select_related = ["organisation"]
    fieldsets = BaseUserAdmin.fieldsets + (("Organisation", {"fields": ["organisation"]}),)

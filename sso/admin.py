from django.contrib import admin

from .models import GroupMapping, IdentityLink


@admin.register(GroupMapping)
class GroupMappingAdmin(admin.ModelAdmin):
    list_display = ["name", "group_id", "role", "organisation"]
    list_filter = ["role", "organisation"]
    list_select_related = ["organisation"]
    search_fields = ["name", "group_id"]


@admin.register(IdentityLink)
class IdentityLinkAdmin(admin.ModelAdmin):
    """Made at each person's first sign-in through the provider; an administrator can link an
    existing account by adding one (the issuer and the person's subject id)."""

    list_display = ["user", "issuer", "subject", "created_at"]
    list_select_related = ["user"]
    search_fields = ["user__username", "subject"]
    raw_id_fields = ["user"]
    readonly_fields = ["created_at"]

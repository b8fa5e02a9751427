from django.contrib import admin, messages
from django.shortcuts import redirect

from .models import ApiToken
from .services import token_revoke


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued on the portal's page, which shows the secret once; here they are read and revoked."""

    list_display = ["name", "hint", "scopes", "expires_at", "last_used_at", "revoked_at", "created_by"]
    list_filter = ["revoked_at"]
    search_fields = ["name"]
    actions = ["revoke"]
    readonly_fields = [
        "name",
        "hint",
        "scopes",
        "organisations",
        "expires_at",
        "created_at",
        "created_by",
        "last_used_at",
        "revoked_at",
        "revoked_by",
        "account",
    ]
    exclude = ["secret_sha256"]

    def add_view(self, request, form_url="", extra_context=None):
        return redirect("api_tokens:new")

    def has_delete_permission(self, request, obj=None):
        # Revoked, not deleted: the audit log and the figures' history name the token.
        return False

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        for token in queryset:
            token_revoke(token_id=token.pk, revoked_by=request.user)
        self.message_user(request, f"{queryset.count()} token(s) revoked.", messages.SUCCESS)

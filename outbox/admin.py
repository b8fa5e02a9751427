from django.contrib import admin

from .models import OutboxJob


@admin.register(OutboxJob)
class OutboxJobAdmin(admin.ModelAdmin):
    list_display = ["task", "state", "due_at", "attempts", "last_error"]
    list_filter = ["state", "task"]
    readonly_fields = [field.name for field in OutboxJob._meta.fields]

    def has_add_permission(self, request):
        return False

from django.contrib import admin

from .models import BoardSeat


@admin.register(BoardSeat)
class BoardSeatAdmin(admin.ModelAdmin):
    list_display = ["role", "organisation", "is_chair", "person", "start_date", "end_date"]
    list_select_related = ["organisation", "person"]

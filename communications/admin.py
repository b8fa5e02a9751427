from django.contrib import admin

from .models import FeedbackTag, NewsletterDelivery


@admin.register(NewsletterDelivery)
class NewsletterDeliveryAdmin(admin.ModelAdmin):
    list_display = ["newsletter", "member", "claimed_at", "sent_at"]
    list_select_related = ["newsletter", "member"]


admin.site.register(FeedbackTag)

from django.contrib import admin

from .models import FeedbackTag, NewsletterDelivery, NewsletterSubscription


@admin.register(NewsletterSubscription)
class NewsletterSubscriptionAdmin(admin.ModelAdmin):
    list_display = ["member", "subscribed", "changed_at"]
    list_select_related = ["member"]


@admin.register(NewsletterDelivery)
class NewsletterDeliveryAdmin(admin.ModelAdmin):
    list_display = ["newsletter", "member", "claimed_at", "sent_at"]
    list_select_related = ["newsletter", "member"]


admin.site.register(FeedbackTag)

"""Whether an elected member wants the newsletter email moves to their account's email settings
(portal.EmailPreference), which cover every email the portal sends."""

from django.db import migrations


def copy_subscriptions(apps, schema_editor):
    NewsletterSubscription = apps.get_model("communications", "NewsletterSubscription")
    EmailPreference = apps.get_model("portal", "EmailPreference")
    for subscription in NewsletterSubscription.objects.order_by("pk"):
        EmailPreference.objects.update_or_create(
            person_id=subscription.member_id,
            kind="newsletter",
            defaults={"wanted": subscription.subscribed, "changed_at": subscription.changed_at},
        )


def copy_back(apps, schema_editor):
    NewsletterSubscription = apps.get_model("communications", "NewsletterSubscription")
    EmailPreference = apps.get_model("portal", "EmailPreference")
    for preference in EmailPreference.objects.filter(kind="newsletter").order_by("pk"):
        NewsletterSubscription.objects.update_or_create(
            member_id=preference.person_id,
            defaults={"subscribed": preference.wanted, "changed_at": preference.changed_at},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("communications", "0004_corporate_parent_guidance"),
        ("portal", "0003_email_preferences_and_sent_emails"),
    ]

    operations = [
        migrations.RunPython(copy_subscriptions, copy_back),
        migrations.DeleteModel(name="NewsletterSubscription"),
    ]

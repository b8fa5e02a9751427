"""A person's email settings move to their account (portal.EmailPreference), which covers every
email the portal sends; the contributors' figures email settings are copied there first. A reopen
request records when the officers were emailed about it."""

from django.db import migrations, models


def copy_settings(apps, schema_editor):
    EmailSetting = apps.get_model("indicators", "EmailSetting")
    EmailPreference = apps.get_model("portal", "EmailPreference")
    for setting in EmailSetting.objects.order_by("pk"):
        EmailPreference.objects.update_or_create(
            person_id=setting.person_id,
            kind=setting.email,
            defaults={"wanted": setting.wanted, "changed_at": setting.changed_at},
        )


def copy_back(apps, schema_editor):
    EmailSetting = apps.get_model("indicators", "EmailSetting")
    EmailPreference = apps.get_model("portal", "EmailPreference")
    for preference in EmailPreference.objects.filter(kind__in=["sent_back", "reminder"]).order_by("pk"):
        EmailSetting.objects.update_or_create(
            person_id=preference.person_id,
            email=preference.kind,
            defaults={"wanted": preference.wanted, "changed_at": preference.changed_at},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0014_indicator_state"),
        ("portal", "0003_email_preferences_and_sent_emails"),
    ]

    operations = [
        migrations.RunPython(copy_settings, copy_back),
        migrations.DeleteModel(name="EmailSetting"),
        migrations.AddField(
            model_name="reopenrequest",
            name="officers_emailed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]

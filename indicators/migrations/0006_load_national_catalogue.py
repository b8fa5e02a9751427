from django.db import migrations


def load_catalogue(apps, schema_editor):
    from indicators.catalogue import catalogue_load

    catalogue_load(apps.get_model("indicators", "CatalogueEntry"))


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0005_catalogue"),
    ]

    operations = [
        migrations.RunPython(load_catalogue, migrations.RunPython.noop),
    ]

"""Existing texts are German: copy them into the new _de columns (what update_translation_fields does)."""

from django.db import migrations
from django.db.models import F

FIELDS = {
    "Event": ("title", "teaser", "description"),
    "Series": ("name", "description"),
    "Topic": ("name",),
    "Venue": ("accessibility", "participant_notes"),
}


def copy_to_german(apps, schema_editor):
    for model_name, fields in FIELDS.items():
        model = apps.get_model("events", model_name)
        for field in fields:
            # Only where the German column is still empty: a rerun never overwrites what staff wrote since.
            model.objects.filter(**{f"{field}_de__isnull": True}).update(**{f"{field}_de": F(field)})


class Migration(migrations.Migration):
    dependencies = [("events", "0005_translations")]

    operations = [migrations.RunPython(copy_to_german, migrations.RunPython.noop)]

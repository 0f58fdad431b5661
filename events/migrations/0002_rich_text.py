# Descriptions are HTML from the rich-text editor now: the Markdown stored so far becomes the HTML it was shown
# as (swsdigital.core.legacy_markdown, the rendering of the pages until then). Texts that already are HTML stay.
# Going back keeps the HTML (a noop): the pages show it as they would show Markdown's output.

from django.db import migrations, models

from swsdigital.core.legacy_markdown import convert_fields


def descriptions_to_html(apps, schema_editor):
    convert_fields(apps.get_model("events", "Event"), ("description",))
    convert_fields(apps.get_model("events", "Series"), ("description",))


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="event",
            name="description",
            field=models.TextField(blank=True, verbose_name="description"),
        ),
        migrations.RunPython(descriptions_to_html, migrations.RunPython.noop, elidable=True),
    ]

# Press texts are HTML from the rich-text editor now: the Markdown stored so far becomes the HTML it was shown
# as (swsdigital.core.legacy_markdown, the rendering of the pages until then). Texts that already are HTML stay.
# Going back keeps the HTML (a noop): the pages show it as they would show Markdown's output.

from django.db import migrations, models

from swsdigital.core.legacy_markdown import convert_fields


def bodies_to_html(apps, schema_editor):
    convert_fields(apps.get_model("news", "NewsItem"), ("body",))


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0003_related_events"),
    ]

    operations = [
        migrations.AlterField(
            model_name="newsitem",
            name="body",
            field=models.TextField(blank=True, verbose_name="text"),
        ),
        migrations.RunPython(bodies_to_html, migrations.RunPython.noop, elidable=True),
    ]

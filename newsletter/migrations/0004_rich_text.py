# Mailing texts are HTML from the rich-text editor now: the Markdown stored so far becomes the HTML it was sent
# as (swsdigital.core.legacy_markdown with every line break kept, as letters were rendered). Texts that already
# are HTML stay. Going back keeps the HTML (a noop).

from django.db import migrations, models

from swsdigital.core.legacy_markdown import convert_fields


def bodies_to_html(apps, schema_editor):
    convert_fields(apps.get_model("newsletter", "Mailing"), ("body", "body_en"), line_breaks=True)


class Migration(migrations.Migration):
    dependencies = [
        ("newsletter", "0003_send_permissions"),
    ]

    operations = [
        migrations.AlterField(
            model_name="mailing",
            name="body",
            field=models.TextField(verbose_name="text"),
        ),
        migrations.AlterField(
            model_name="mailing",
            name="body_en",
            field=models.TextField(
                blank=True, help_text="Leave empty to send the German text to everyone.", verbose_name="text (English)"
            ),
        ),
        migrations.RunPython(bodies_to_html, migrations.RunPython.noop, elidable=True),
    ]

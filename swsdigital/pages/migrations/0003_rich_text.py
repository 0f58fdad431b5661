# The introduction and the legal pages are HTML from the rich-text editor now: the Markdown stored so far becomes
# the HTML it was shown as (swsdigital.core.legacy_markdown, the rendering of the pages until then). Texts that
# already are HTML stay. Going back keeps the HTML (a noop).

from django.db import migrations, models

from swsdigital.core.legacy_markdown import convert_fields


def texts_to_html(apps, schema_editor):
    convert_fields(apps.get_model("pages", "SiteProfile"), ("intro_de", "intro_en"))
    convert_fields(apps.get_model("pages", "LegalPage"), ("body_de", "body_en"))


class Migration(migrations.Migration):
    dependencies = [
        ("pages", "0002_letterhead"),
    ]

    operations = [
        migrations.AlterField(
            model_name="legalpage",
            name="body_de",
            field=models.TextField(verbose_name="text (German)"),
        ),
        migrations.AlterField(
            model_name="legalpage",
            name="body_en",
            field=models.TextField(blank=True, verbose_name="text (English)"),
        ),
        migrations.AlterField(
            model_name="siteprofile",
            name="intro_de",
            field=models.TextField(blank=True, verbose_name="introduction (German)"),
        ),
        migrations.AlterField(
            model_name="siteprofile",
            name="intro_en",
            field=models.TextField(blank=True, verbose_name="introduction (English)"),
        ),
        migrations.RunPython(texts_to_html, migrations.RunPython.noop, elidable=True),
    ]

"""Existing texts move into the column of the language they were written in (the old ``language`` field).

Most items are German and their texts become the German ones; an item written in English keeps its texts in the
English columns and no German text, so its German page shows the English text marked ``lang="en"``. Image alt
texts and captions follow their item. The search vectors are rebuilt per language by the first save or
``news_item_search_refresh``; here the German vector is cleared for English items so that German stemming no
longer indexes English words.
"""

from django.db import migrations
from django.db.models import F

ITEM_FIELDS = ("title", "lead", "body")
IMAGE_FIELDS = ("alt_text", "caption")


def copy_texts(apps, schema_editor):
    NewsItem = apps.get_model("news", "NewsItem")
    NewsImage = apps.get_model("news", "NewsImage")
    for language in ("de", "en"):
        items = NewsItem.objects.filter(language=language)
        images = NewsImage.objects.filter(item__language=language)
        for field in ITEM_FIELDS:
            # Only where the column is still empty: a rerun never overwrites what staff wrote since.
            items.filter(**{f"{field}_{language}__isnull": True}).update(**{f"{field}_{language}": F(field)})
        for field in IMAGE_FIELDS:
            images.filter(**{f"{field}_{language}__isnull": True}).update(**{f"{field}_{language}": F(field)})
    NewsItem.objects.filter(language="en").update(search_vector=None)


def copy_back(apps, schema_editor):
    NewsItem = apps.get_model("news", "NewsItem")
    NewsItem.objects.filter(title_de__isnull=True, title_en__isnull=False).update(language="en")


class Migration(migrations.Migration):
    dependencies = [("news", "0006_translations")]

    operations = [migrations.RunPython(copy_texts, copy_back)]

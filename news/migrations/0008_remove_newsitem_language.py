"""The item's language is now the columns its texts are in (0007); the field goes."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("news", "0007_translations_texts")]

    operations = [migrations.RemoveField(model_name="newsitem", name="language")]

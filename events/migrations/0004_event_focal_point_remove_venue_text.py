# The focal point of an event's image, and the place typed into each event dropped for its venue (0003).

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0003_venues"),
    ]

    operations = [
        migrations.RemoveField(model_name="event", name="venue_name"),
        migrations.RemoveField(model_name="event", name="venue_address"),
        migrations.RemoveField(model_name="event", name="venue_accessibility"),
        migrations.AddField(
            model_name="event",
            name="focal_x",
            field=models.PositiveSmallIntegerField(
                default=50,
                help_text="The thumbnail is cropped around this point.",
                validators=[django.core.validators.MaxValueValidator(100)],
                verbose_name="focal point from the left (%)",
            ),
        ),
        migrations.AddField(
            model_name="event",
            name="focal_y",
            field=models.PositiveSmallIntegerField(
                default=50,
                validators=[django.core.validators.MaxValueValidator(100)],
                verbose_name="focal point from the top (%)",
            ),
        ),
    ]

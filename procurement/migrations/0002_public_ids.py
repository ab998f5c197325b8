"""Random public ids for bids and what belongs to them, so URLs and the API reveal nothing about bidding volume.

Three steps (the documented way to add a unique UUID to existing rows): add the column nullable, give every
existing row its own uuid4, then make it unique and not null.
"""

import uuid

from django.db import migrations, models

MODELS = ("bid", "bidattachment", "bidpartner", "bidversion", "scoresheet")


def fill_public_ids(apps, schema_editor):
    for name in MODELS:
        model = apps.get_model("procurement", name)
        for pk in model._base_manager.filter(public_id__isnull=True).values_list("pk", flat=True).iterator():
            model._base_manager.filter(pk=pk).update(public_id=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [("procurement", "0001_initial")]

    operations = [
        *(
            migrations.AddField(model_name=name, name="public_id", field=models.UUIDField(null=True, editable=False))
            for name in MODELS
        ),
        migrations.RunPython(fill_public_ids, migrations.RunPython.noop),
        *(
            migrations.AlterField(
                model_name=name,
                name="public_id",
                field=models.UUIDField(default=uuid.uuid4, unique=True, editable=False),
            )
            for name in MODELS
        ),
    ]

"""API tokens move from DRF's authtoken (kept in clear) to django-rest-knox (kept as a digest).

Each existing token is carried over hashed, with the standard 90-day expiry from today, so integrations keep
working; then the old table, which held every secret in clear, is dropped. Reversing does not bring clear
tokens back (they cannot be recovered from a digest): people create new ones on *Your API token*.
"""

from __future__ import annotations

import datetime as dt

from django.db import migrations


def hash_existing_tokens(apps, schema_editor):
    from django.utils import timezone
    from knox.crypto import hash_token
    from knox.settings import CONSTANTS

    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if "authtoken_token" not in connection.introspection.table_names(cursor):
            return
        cursor.execute("SELECT key, user_id FROM authtoken_token")
        rows = cursor.fetchall()
    AuthToken = apps.get_model("knox", "AuthToken")
    expiry = timezone.now() + dt.timedelta(days=90)
    AuthToken.objects.bulk_create(
        [
            AuthToken(
                digest=hash_token(key), token_key=key[: CONSTANTS.TOKEN_KEY_LENGTH], user_id=user_id, expiry=expiry
            )
            for key, user_id in rows
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0003_decision_immutable"),
        ("knox", "0009_extend_authtoken_field"),
    ]

    operations = [
        migrations.RunPython(hash_existing_tokens, migrations.RunPython.noop),
        migrations.RunSQL("DROP TABLE IF EXISTS authtoken_token CASCADE", migrations.RunSQL.noop),
    ]

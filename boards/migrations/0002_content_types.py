"""Move the board's content types from the ``partners`` app label to ``boards``, in place.

Updating the rows (not creating new ones) keeps their ids, so everything that points at them follows without being
touched: the model permissions (codenames unchanged), django-guardian's object permissions on boards, and the audit
trail (``core.AuditEvent.content_type``, append-only), so a meeting's history is still found after the move.
"""

from django.db import migrations

MODELS = (
    "board",
    "boardmember",
    "meeting",
    "agendaitem",
    "attendance",
    "declaration",
    "exclusion",
    "decision",
    "boardpack",
)


def _relabel(apps, schema_editor, old: str, new: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    rows = ContentType.objects.using(schema_editor.connection.alias)
    for model in MODELS:
        current = rows.filter(app_label=old, model=model).first()
        if current is None:
            continue  # a fresh database: post_migrate creates the content types under the new label
        # A row under the new label can only have been made by a post_migrate that ran between the two apps'
        # migrations; it owns nothing yet but its default permissions, which the moved row brings again.
        for empty in rows.filter(app_label=new, model=model):
            Permission.objects.using(schema_editor.connection.alias).filter(content_type=empty).delete()
            empty.delete()
        current.app_label = new
        current.save(update_fields=["app_label"])


def forwards(apps, schema_editor):
    _relabel(apps, schema_editor, "partners", "boards")


def backwards(apps, schema_editor):
    _relabel(apps, schema_editor, "boards", "partners")


class Migration(migrations.Migration):
    dependencies = [
        ("boards", "0001_initial"),
        ("partners", "0006_board_moves_to_boards"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]

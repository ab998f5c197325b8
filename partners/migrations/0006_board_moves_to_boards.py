"""The board's models now belong to the ``boards`` app: forget them here, in state only.

The tables stay where they are (``boards.models`` keeps their names with ``Meta.db_table``), so no row moves and
nothing is locked: boards/migrations/0001_initial.py adds the same models to the ``boards`` state first, and
boards/migrations/0002_content_types.py moves their content types (and with them permissions, object permissions
and the audit trail's references) to the new app label.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('partners', '0005_invitation_emailed_at'),
        ('boards', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='decision',
                    name='item',
                ),
                migrations.RemoveField(
                    model_name='exclusion',
                    name='item',
                ),
                migrations.RemoveField(
                    model_name='declaration',
                    name='item',
                ),
                migrations.RemoveField(
                    model_name='attendance',
                    name='meeting',
                ),
                migrations.RemoveField(
                    model_name='attendance',
                    name='member',
                ),
                migrations.RemoveField(
                    model_name='attendance',
                    name='recorded_by',
                ),
                migrations.RemoveField(
                    model_name='attendance',
                    name='substituting_for',
                ),
                migrations.RemoveField(
                    model_name='board',
                    name='chair',
                ),
                migrations.RemoveField(
                    model_name='board',
                    name='clerks',
                ),
                migrations.RemoveField(
                    model_name='board',
                    name='created_by',
                ),
                migrations.RemoveField(
                    model_name='board',
                    name='deputy_chair',
                ),
                migrations.RemoveField(
                    model_name='board',
                    name='partnership',
                ),
                migrations.RemoveField(
                    model_name='board',
                    name='required_organisations',
                ),
                migrations.RemoveField(
                    model_name='meeting',
                    name='board',
                ),
                migrations.RemoveField(
                    model_name='boardmember',
                    name='board',
                ),
                migrations.RemoveField(
                    model_name='boardmember',
                    name='organisation',
                ),
                migrations.RemoveField(
                    model_name='boardmember',
                    name='person',
                ),
                migrations.RemoveField(
                    model_name='boardmember',
                    name='substitute_for',
                ),
                migrations.RemoveField(
                    model_name='meeting',
                    name='acting_chair',
                ),
                migrations.RemoveField(
                    model_name='exclusion',
                    name='member',
                ),
                migrations.RemoveField(
                    model_name='declaration',
                    name='member',
                ),
                migrations.RemoveField(
                    model_name='exclusion',
                    name='chair',
                ),
                migrations.RemoveField(
                    model_name='boardpack',
                    name='meeting',
                ),
                migrations.RemoveField(
                    model_name='boardpack',
                    name='requested_by',
                ),
                migrations.RemoveField(
                    model_name='decision',
                    name='corrects',
                ),
                migrations.RemoveField(
                    model_name='decision',
                    name='recorded_by',
                ),
                migrations.RemoveField(
                    model_name='declaration',
                    name='declared_by',
                ),
                migrations.RemoveField(
                    model_name='exclusion',
                    name='excluded_by',
                ),
                migrations.RemoveField(
                    model_name='meeting',
                    name='created_by',
                ),
                migrations.RemoveField(
                    model_name='meeting',
                    name='minutes_recorded_by',
                ),
                migrations.DeleteModel(
                    name='AgendaItem',
                ),
                migrations.DeleteModel(
                    name='Attendance',
                ),
                migrations.DeleteModel(
                    name='Board',
                ),
                migrations.DeleteModel(
                    name='BoardMember',
                ),
                migrations.DeleteModel(
                    name='BoardPack',
                ),
                migrations.DeleteModel(
                    name='Decision',
                ),
                migrations.DeleteModel(
                    name='Declaration',
                ),
                migrations.DeleteModel(
                    name='Exclusion',
                ),
                migrations.DeleteModel(
                    name='Meeting',
                ),
            ],
            database_operations=[],
        ),
    ]

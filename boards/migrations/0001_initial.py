"""The board's models, taken over from ``partners`` in state only: their tables already exist (created by
partners/migrations/0002_board.py, names kept with ``Meta.db_table``), so nothing is created in the database."""

import core.files
import django.db.models.deletion
import django.utils.timezone
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('partners', '0005_invitation_emailed_at'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='AgendaItem',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('order', models.PositiveSmallIntegerField(default=1)),
                        ('kind', models.CharField(choices=[('evaluation_method', 'Approve an evaluation method'), ('award', 'Approve an award'), ('monitoring_report', 'Monitoring report'), ('other', 'Other business')], max_length=20)),
                        ('title', models.CharField(max_length=300)),
                        ('summary', models.TextField(blank=True, verbose_name='Paper summary')),
                        ('subject_kind', models.CharField(blank=True, max_length=100)),
                        ('subject_id', models.PositiveBigIntegerField(blank=True, null=True)),
                        ('paper', core.files.PrivateFileField(blank=True, max_length=300, storage=core.files.PrivateStorage(), upload_to=core.files._upload_to)),
                        ('paper_name', models.CharField(blank=True, max_length=255)),
                        ('status', models.CharField(choices=[('open', 'To decide'), ('approved', 'Approved'), ('rejected', 'Rejected'), ('deferred', 'Deferred'), ('noted', 'Noted'), ('withdrawn', 'Withdrawn')], default='open', max_length=12)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('presented_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'partners_agendaitem',
                        'ordering': ['meeting', 'order', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='Board',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=200)),
                        ('purpose', models.TextField(blank=True)),
                        ('parent_board_name', models.CharField(blank=True, help_text='Where its business is reported, for example Lichfield District Board', max_length=200, verbose_name='Parent board')),
                        ('chair_absence_rule', models.CharField(choices=[('elect_from_present', 'A chair is appointed from the members present'), ('deputy', 'The deputy chair takes the chair; if also absent, one is appointed from the members present')], default='elect_from_present', max_length=30)),
                        ('min_members', models.PositiveSmallIntegerField(default=1, verbose_name='Minimum full members present')),
                        ('min_share', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=5, verbose_name='Minimum share of full members present (%)')),
                        ('is_public', models.BooleanField(default=True, verbose_name='Publish its meetings and decisions')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('clerks', models.ManyToManyField(blank=True, related_name='boards_clerked', to=settings.AUTH_USER_MODEL)),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('partnership', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='boards', to='partners.partnership')),
                        ('required_organisations', models.ManyToManyField(blank=True, help_text='Someone from each must be present', related_name='boards_requiring', to='partners.organisation')),
                    ],
                    options={
                        'db_table': 'partners_board',
                        'ordering': ['name'],
                        'permissions': [('sit_on_board', "Take part in the board's meetings"), ('chair_board', 'Chair the board'), ('clerk_board', 'Clerk the board: members, meetings, agenda, attendance, papers and minutes')],
                    },
                ),
                migrations.CreateModel(
                    name='BoardMember',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('full', 'Full member'), ('substitute', 'Named substitute'), ('advisory', 'Advisory member')], default='full', max_length=12)),
                        ('role_title', models.CharField(blank=True, max_length=200, verbose_name='Role')),
                        ('active', models.BooleanField(default=True)),
                        ('joined_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('left_at', models.DateTimeField(blank=True, null=True)),
                        ('board', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='members', to='boards.board')),
                        ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='board_seats', to='partners.organisation')),
                        ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='board_seats', to=settings.AUTH_USER_MODEL)),
                        ('substitute_for', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='substitutes', to='boards.boardmember')),
                    ],
                    options={
                        'db_table': 'partners_boardmember',
                        'ordering': ['kind', 'person__full_name'],
                    },
                ),
                migrations.AddField(
                    model_name='board',
                    name='chair',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='boards.boardmember'),
                ),
                migrations.AddField(
                    model_name='board',
                    name='deputy_chair',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='boards.boardmember'),
                ),
                migrations.CreateModel(
                    name='Decision',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('outcome', models.CharField(choices=[('approve', 'Approved'), ('reject', 'Rejected'), ('defer', 'Deferred'), ('note', 'Noted')], max_length=10)),
                        ('method', models.CharField(choices=[('consensus', 'By consensus'), ('moderation', 'By the moderation route (consensus was not reached)')], default='consensus', max_length=12)),
                        ('moderation_route', models.TextField(blank=True)),
                        ('moderation_result', models.TextField(blank=True)),
                        ('votes_for', models.PositiveSmallIntegerField(blank=True, null=True)),
                        ('votes_against', models.PositiveSmallIntegerField(blank=True, null=True)),
                        ('votes_abstain', models.PositiveSmallIntegerField(blank=True, null=True)),
                        ('minute', models.TextField(blank=True)),
                        ('quorum', models.JSONField(default=dict)),
                        ('subject_title', models.CharField(blank=True, max_length=300)),
                        ('public_summary', models.TextField(blank=True)),
                        ('correction_reason', models.TextField(blank=True)),
                        ('recorded_by_name', models.CharField(max_length=200)),
                        ('recorded_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('corrects', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='corrected_by', to='boards.decision')),
                        ('item', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='decisions', to='boards.agendaitem')),
                        ('recorded_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'partners_decision',
                        'ordering': ['recorded_at', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='Declaration',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('has_interest', models.BooleanField()),
                        ('interest', models.TextField(blank=True)),
                        ('declared_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('declared_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('item', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='declarations', to='boards.agendaitem')),
                        ('member', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='declarations', to='boards.boardmember')),
                    ],
                    options={
                        'db_table': 'partners_declaration',
                        'ordering': ['member__person__full_name'],
                    },
                ),
                migrations.CreateModel(
                    name='Exclusion',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('reason', models.TextField()),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('chair', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='boards.boardmember')),
                        ('excluded_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('item', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='exclusions', to='boards.agendaitem')),
                        ('member', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='exclusions', to='boards.boardmember')),
                    ],
                    options={
                        'db_table': 'partners_exclusion',
                        'ordering': ['created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='Meeting',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('starts_at', models.DateTimeField(verbose_name='Date and time')),
                        ('location', models.CharField(blank=True, max_length=300)),
                        ('status', models.CharField(choices=[('scheduled', 'Scheduled'), ('papers_published', 'Papers published'), ('held', 'Held'), ('minutes_approved', 'Minutes approved'), ('cancelled', 'Cancelled')], default='scheduled', max_length=20)),
                        ('minutes', models.TextField(blank=True)),
                        ('minutes_recorded_at', models.DateTimeField(blank=True, null=True)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('acting_chair', models.ForeignKey(blank=True, help_text='Appointed from those present when the chair is absent', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='boards.boardmember')),
                        ('board', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='meetings', to='boards.board')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('minutes_recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'partners_meeting',
                        'ordering': ['-starts_at'],
                    },
                ),
                migrations.CreateModel(
                    name='BoardPack',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('content_hash', models.CharField(max_length=64)),
                        ('status', models.CharField(choices=[('queued', 'Waiting to start'), ('generating', 'Being prepared'), ('ready', 'Ready'), ('failed', 'Failed')], default='queued', max_length=12)),
                        ('progress', models.PositiveSmallIntegerField(default=0)),
                        ('file', core.files.PrivateFileField(blank=True, max_length=300, storage=core.files.PrivateStorage(), upload_to=core.files._upload_to)),
                        ('size', models.PositiveIntegerField(default=0)),
                        ('error', models.TextField(blank=True)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('finished_at', models.DateTimeField(blank=True, null=True)),
                        ('requested_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('meeting', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='packs', to='boards.meeting')),
                    ],
                    options={
                        'db_table': 'partners_boardpack',
                        'ordering': ['-created_at', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='Attendance',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('present', 'Present'), ('apologies', 'Apologies'), ('absent', 'Absent')], max_length=10)),
                        ('recorded_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('member', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='attendance', to='boards.boardmember')),
                        ('substituting_for', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='substituted_at', to='boards.boardmember')),
                        ('meeting', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='attendance', to='boards.meeting')),
                    ],
                    options={
                        'db_table': 'partners_attendance',
                        'ordering': ['member__kind', 'member__person__full_name'],
                    },
                ),
                migrations.AddField(
                    model_name='agendaitem',
                    name='meeting',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='items', to='boards.meeting'),
                ),
                migrations.AddConstraint(
                    model_name='boardmember',
                    constraint=models.UniqueConstraint(condition=models.Q(('active', True)), fields=('board', 'person'), name='board_member_one_active_seat'),
                ),
                migrations.AddConstraint(
                    model_name='boardmember',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'substitute'), ('substitute_for__isnull', False)), models.Q(models.Q(('kind', 'substitute'), _negated=True), ('substitute_for__isnull', True)), _connector='OR'), name='board_member_substitute_names_member'),
                ),
                migrations.AddConstraint(
                    model_name='board',
                    constraint=models.CheckConstraint(condition=models.Q(('min_share__gte', 0), ('min_share__lte', 100)), name='board_min_share_is_a_percentage'),
                ),
                migrations.AddConstraint(
                    model_name='board',
                    constraint=models.CheckConstraint(condition=models.Q(('min_members__gte', 1)), name='board_min_members_at_least_one'),
                ),
                migrations.AddConstraint(
                    model_name='decision',
                    constraint=models.CheckConstraint(condition=models.Q(('method', 'consensus'), models.Q(('moderation_route', ''), _negated=True), _connector='OR'), name='decision_moderation_route_named'),
                ),
                migrations.AddConstraint(
                    model_name='decision',
                    constraint=models.CheckConstraint(condition=models.Q(('corrects__isnull', True), models.Q(('correction_reason', ''), _negated=True), _connector='OR'), name='decision_correction_has_reason'),
                ),
                migrations.AddConstraint(
                    model_name='declaration',
                    constraint=models.UniqueConstraint(fields=('item', 'member'), name='declaration_once_per_member_item'),
                ),
                migrations.AddConstraint(
                    model_name='declaration',
                    constraint=models.CheckConstraint(condition=models.Q(('has_interest', False), models.Q(('interest', ''), _negated=True), _connector='OR'), name='declaration_interest_described'),
                ),
                migrations.AddConstraint(
                    model_name='exclusion',
                    constraint=models.UniqueConstraint(fields=('item', 'member'), name='exclusion_once_per_member_item'),
                ),
                migrations.AddIndex(
                    model_name='boardpack',
                    index=models.Index(fields=['meeting', 'content_hash'], name='partners_bo_meeting_28e21e_idx'),
                ),
                migrations.AddConstraint(
                    model_name='attendance',
                    constraint=models.UniqueConstraint(fields=('meeting', 'member'), name='attendance_once_per_meeting'),
                ),
                migrations.AddConstraint(
                    model_name='agendaitem',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('subject_kind', ''), ('subject_id__isnull', True)), models.Q(models.Q(('subject_kind', ''), _negated=True), ('subject_id__isnull', False)), _connector='OR'), name='agenda_item_subject_complete'),
                ),
            ],
            database_operations=[],
        ),
    ]

"""The commissioning board: members, meetings, agenda items, attendance, declarations, exclusions, decisions, packs.

The tables keep the names they had while the board lived in ``partners`` (``Meta.db_table``): the models moved to
this app in state only (boards/migrations/0001_initial.py), so no data moved.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone

from core.files import PrivateFileField
from core.tenancy import TenantManager, audience_of, nothing
from partners.models import Organisation, Partnership, PartnershipMember, User

# The board's rule reads partnership memberships and seats of every organisation: that is what it decides on.
_RULE = "the board's visibility rule: which organisations are partners or sit on the board"


def _board_visible(organisation: Organisation, board_ref: str) -> models.Q:
    """Rows of a board that ``organisation`` may see: its partnership's active partners, and any organisation with
    someone sitting on the board (for example the police commander, or a voluntary-sector adviser)."""
    partnership_ref = f"{board_ref}__partnership" if board_ref != "pk" else "partnership"
    return models.Q(
        models.Exists(
            PartnershipMember.objects.unscoped(reason=_RULE).filter(
                partnership=models.OuterRef(partnership_ref),
                organisation=organisation,
                status=PartnershipMember.Status.ACTIVE,
            )
        )
    ) | models.Q(
        models.Exists(
            BoardMember.objects.unscoped(reason=_RULE).filter(
                board=models.OuterRef(board_ref), organisation=organisation, active=True
            )
        )
    )


class ChairAbsenceRule(models.TextChoices):
    ELECT = "elect_from_present", "A chair is appointed from the members present"
    DEPUTY = "deputy", "The deputy chair takes the chair; if also absent, one is appointed from the members present"


class SeatKind(models.TextChoices):
    """Whom a seat is held for (the terms of reference's membership list). Partner staff always vote when they hold
    a full seat; advisers never vote; the board says whether the other kinds may hold full (voting) seats."""

    PARTNER = "partner", "Partner staff"
    PUBLIC_BODY = "public_body", "Another public body"
    VOLUNTARY_SECTOR = "voluntary_sector", "Voluntary-sector representative"
    ADVISER = "adviser", "Adviser"


class Board(models.Model):
    """A partnership's commissioning board. Its quorum rule is data: a minimum number of full members, a minimum
    share of the full membership, organisations that must be represented (chosen from its members' organisations)
    and, where the terms of reference say so, at least one elected member.

    One board per partnership approves the partnership's tenders (``decides_tenders``): the pending approvals
    (evaluation methods, awards, final specifications, assessment panels) are offered to that board only, and it
    may be required to approve the final specification and the assessment panel before a tender is published."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="boards")
    name = models.CharField(max_length=200)
    purpose = models.TextField(blank=True)
    parent_board_name = models.CharField(
        "Parent board",
        max_length=200,
        blank=True,
        help_text="Where its business is reported, for example Lichfield District Board",
    )
    chair = models.ForeignKey("BoardMember", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    deputy_chair = models.ForeignKey("BoardMember", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    chair_absence_rule = models.CharField(
        max_length=30, choices=ChairAbsenceRule.choices, default=ChairAbsenceRule.ELECT
    )
    min_members = models.PositiveSmallIntegerField("Minimum full members present", default=1)
    min_share = models.DecimalField(
        "Minimum share of full members present (%)", max_digits=5, decimal_places=2, default=Decimal("0")
    )
    required_organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="boards_requiring", help_text="Someone from each must be present"
    )
    requires_elected_member = models.BooleanField(
        "At least one elected member must be present", default=False, help_text="For example a councillor"
    )
    public_body_seats_vote = models.BooleanField(
        "Members for other public bodies may hold full (voting) seats", default=False
    )
    voluntary_sector_seats_vote = models.BooleanField(
        "Voluntary-sector representatives may hold full (voting) seats", default=False
    )
    decides_tenders = models.BooleanField("Approves the partnership's tenders", default=False)
    approves_specification = models.BooleanField(
        "The board must approve each tender's final specification before it is published", default=False
    )
    approves_panel = models.BooleanField(
        "The board must approve each tender's assessment panel before it is published", default=False
    )
    clerks = models.ManyToManyField(User, blank=True, related_name="boards_clerked")
    is_public = models.BooleanField("Publish its meetings and decisions", default=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager["Board"]()

    class Meta:
        db_table = "partners_board"
        ordering = ["name"]
        permissions = [
            ("sit_on_board", "Take part in the board's meetings"),
            ("chair_board", "Chair the board"),
            ("clerk_board", "Clerk the board: members, meetings, agenda, attendance, papers and minutes"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_share__gte=0, min_share__lte=100), name="board_min_share_is_a_percentage"
            ),
            models.CheckConstraint(condition=models.Q(min_members__gte=1), name="board_min_members_at_least_one"),
            models.UniqueConstraint(
                fields=["partnership"], condition=models.Q(decides_tenders=True), name="board_one_tender_board"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def seat_votes(self, seat_kind: str) -> bool:
        """May a seat of this kind be a full (voting) seat under the board's terms of reference?"""
        if seat_kind == SeatKind.PARTNER:
            return True
        if seat_kind == SeatKind.PUBLIC_BODY:
            return self.public_body_seats_vote
        if seat_kind == SeatKind.VOLUNTARY_SECTOR:
            return self.voluntary_sector_seats_vote
        return False

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> models.Q:
        if organisation is None:
            return models.Q(is_public=True)
        return _board_visible(organisation, "pk")

    def audit_audience(self) -> list[int]:
        partners = PartnershipMember.objects.unscoped(reason=_RULE).filter(
            partnership_id=self.partnership_id, status=PartnershipMember.Status.ACTIVE
        )
        sitting = BoardMember.objects.unscoped(reason=_RULE).filter(board_id=self.pk, organisation__isnull=False)
        return sorted(
            {*partners.values_list("organisation_id", flat=True), *sitting.values_list("organisation_id", flat=True)}
        )


class BoardMember(models.Model):
    """A seat: a named person holding a role, for an organisation (a partner, another public body, a voluntary-sector
    body) or, for an independent adviser, none. Full members vote and count towards quorum; a named substitute may
    stand in for one full member; advisory members attend for specific items and never count. Whether a seat kind
    may be a full seat is the board's rule (``Board.seat_votes``); an elected member is flagged."""

    class Kind(models.TextChoices):
        FULL = "full", "Full member"
        SUBSTITUTE = "substitute", "Named substitute"
        ADVISORY = "advisory", "Advisory member"

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="members")
    person = models.ForeignKey(User, on_delete=models.PROTECT, related_name="board_seats")
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="board_seats"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.FULL)
    seat_kind = models.CharField("Sits as", max_length=20, choices=SeatKind.choices, default=SeatKind.PARTNER)
    is_elected_member = models.BooleanField("Elected member", default=False)
    role_title = models.CharField("Role", max_length=200, blank=True)
    substitute_for = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="substitutes"
    )
    active = models.BooleanField(default=True)
    joined_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager["BoardMember"](via="board")

    class Meta:
        db_table = "partners_boardmember"
        ordering = ["kind", "person__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["board", "person"], condition=models.Q(active=True), name="board_member_one_active_seat"
            ),
            models.CheckConstraint(
                condition=(models.Q(kind="substitute", substitute_for__isnull=False))
                | (~models.Q(kind="substitute") & models.Q(substitute_for__isnull=True)),
                name="board_member_substitute_names_member",
            ),
            models.CheckConstraint(
                condition=models.Q(organisation__isnull=False) | models.Q(seat_kind="adviser"),
                name="board_member_organisation_unless_adviser",
            ),
            models.CheckConstraint(
                condition=~models.Q(seat_kind="adviser") | models.Q(kind="advisory"),
                name="board_member_adviser_is_advisory",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.organisation_name})"

    @property
    def organisation_name(self) -> str:
        return self.organisation.name if self.organisation_id else "Independent (no organisation)"

    @property
    def description(self) -> str:
        """ "Cllr Chris Walker, Lichfield District Council (elected member)"."""
        notes = [n for n in ("elected member" if self.is_elected_member else "",) if n]
        extra = f" ({', '.join(notes)})" if notes else ""
        return f"{self.person}, {self.organisation_name}{extra}"

    @property
    def is_full(self) -> bool:
        return self.kind == self.Kind.FULL


class Meeting(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        PAPERS_PUBLISHED = "papers_published", "Papers published"
        HELD = "held", "Held"
        MINUTES_APPROVED = "minutes_approved", "Minutes approved"
        CANCELLED = "cancelled", "Cancelled"

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="meetings")
    starts_at = models.DateTimeField("Date and time")
    location = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    acting_chair = models.ForeignKey(
        BoardMember,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Appointed from those present when the chair is absent",
    )
    minutes = models.TextField(blank=True)
    minutes_recorded_at = models.DateTimeField(null=True, blank=True)
    minutes_recorded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager["Meeting"](via="board")

    class Meta:
        db_table = "partners_meeting"
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        local = timezone.localtime(self.starts_at)
        return f"{self.board.name}, {local:%-d %B %Y}"


class AgendaItem(models.Model):
    class Kind(models.TextChoices):
        EVALUATION_METHOD = "evaluation_method", "Approve an evaluation method"
        SPECIFICATION = "specification", "Approve a final specification"
        ASSESSMENT_PANEL = "assessment_panel", "Approve an assessment panel"
        AWARD = "award", "Approve an award"
        GRANT_AWARD = "grant_award", "Decide grants"
        MONITORING_REPORT = "monitoring_report", "Monitoring report"
        OTHER = "other", "Other business"

    class Status(models.TextChoices):
        OPEN = "open", "To decide"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        DEFERRED = "deferred", "Deferred"
        NOTED = "noted", "Noted"
        WITHDRAWN = "withdrawn", "Withdrawn"

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="items")
    order = models.PositiveSmallIntegerField(default=1)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=300)
    summary = models.TextField("Paper summary", blank=True)
    subject_kind = models.CharField(max_length=100, blank=True)
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    presented_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    paper = PrivateFileField(blank=True)
    paper_name = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager["AgendaItem"](via="meeting")

    class Meta:
        db_table = "partners_agendaitem"
        ordering = ["meeting", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(subject_kind="") & models.Q(subject_id__isnull=True))
                | (~models.Q(subject_kind="") & models.Q(subject_id__isnull=False)),
                name="agenda_item_subject_complete",
            )
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"

    @property
    def has_subject(self) -> bool:
        return bool(self.subject_kind)


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", "Present"
        APOLOGIES = "apologies", "Apologies"
        ABSENT = "absent", "Absent"

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="attendance")
    member = models.ForeignKey(BoardMember, on_delete=models.PROTECT, related_name="attendance")
    status = models.CharField(max_length=10, choices=Status.choices)
    substituting_for = models.ForeignKey(
        BoardMember, null=True, blank=True, on_delete=models.PROTECT, related_name="substituted_at"
    )
    recorded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager["Attendance"](via="meeting")

    class Meta:
        db_table = "partners_attendance"
        ordering = ["member__kind", "member__person__full_name"]
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="attendance_once_per_meeting")]

    def __str__(self) -> str:
        return f"{self.member.person}: {self.get_status_display()}"


class Declaration(models.Model):
    """A member's declaration for one item: an interest (described) or none. Open to scrutiny."""

    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="declarations")
    member = models.ForeignKey(BoardMember, on_delete=models.PROTECT, related_name="declarations")
    has_interest = models.BooleanField()
    interest = models.TextField(blank=True)
    declared_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    declared_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager["Declaration"](via="item")

    class Meta:
        db_table = "partners_declaration"
        ordering = ["member__person__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["item", "member"], name="declaration_once_per_member_item"),
            models.CheckConstraint(
                condition=models.Q(has_interest=False) | ~models.Q(interest=""), name="declaration_interest_described"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member.person}: {self.interest if self.has_interest else 'no interest'}"


class Exclusion(models.Model):
    """The chair excluded a member who declared an interest from an item: they do not count towards its quorum."""

    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="exclusions")
    member = models.ForeignKey(BoardMember, on_delete=models.PROTECT, related_name="exclusions")
    chair = models.ForeignKey(BoardMember, on_delete=models.PROTECT, related_name="+")
    excluded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager["Exclusion"](via="item")

    class Meta:
        db_table = "partners_exclusion"
        ordering = ["created_at"]
        constraints = [models.UniqueConstraint(fields=["item", "member"], name="exclusion_once_per_member_item")]

    def __str__(self) -> str:
        return f"{self.member.person} excluded from {self.item.title}"


class DecisionChangeError(RuntimeError):
    """A recorded decision was about to be changed or deleted: record a correction instead."""


class Decision(models.Model):
    """A board decision on one item. Immutable once recorded (model and database trigger); a correction is a new
    decision that ``corrects`` the old one. ``quorum`` keeps who counted at the moment of decision."""

    class Outcome(models.TextChoices):
        APPROVE = "approve", "Approved"
        REJECT = "reject", "Rejected"
        DEFER = "defer", "Deferred"
        NOTE = "note", "Noted"

    class Method(models.TextChoices):
        CONSENSUS = "consensus", "By consensus"
        MODERATION = "moderation", "By the moderation route (consensus was not reached)"

    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    method = models.CharField(max_length=12, choices=Method.choices, default=Method.CONSENSUS)
    moderation_route = models.TextField(blank=True)
    moderation_result = models.TextField(blank=True)
    votes_for = models.PositiveSmallIntegerField(null=True, blank=True)
    votes_against = models.PositiveSmallIntegerField(null=True, blank=True)
    votes_abstain = models.PositiveSmallIntegerField(null=True, blank=True)
    minute = models.TextField(blank=True)
    quorum = models.JSONField(default=dict)
    subject_title = models.CharField(max_length=300, blank=True)
    public_summary = models.TextField(blank=True)
    corrects = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrected_by"
    )
    correction_reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    recorded_by_name = models.CharField(max_length=200)
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager["Decision"](via="item")

    class Meta:
        db_table = "partners_decision"
        ordering = ["recorded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(method="consensus") | ~models.Q(moderation_route=""),
                name="decision_moderation_route_named",
            ),
            models.CheckConstraint(
                condition=models.Q(corrects__isnull=True) | ~models.Q(correction_reason=""),
                name="decision_correction_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()}: {self.item.title}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise DecisionChangeError("A recorded decision cannot be changed: record a correction instead")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise DecisionChangeError("A recorded decision cannot be deleted: record a correction instead")

    @property
    def has_votes(self) -> bool:
        return self.votes_for is not None or self.votes_against is not None or self.votes_abstain is not None


class BoardPack(models.Model):
    """A meeting's board pack PDF, generated in the background and reused while its content is unchanged."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        GENERATING = "generating", "Being prepared"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="packs")
    content_hash = models.CharField(max_length=64)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    file = PrivateFileField(blank=True)
    size = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager["BoardPack"]()

    class Meta:
        db_table = "partners_boardpack"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["meeting", "content_hash"])]

    def __str__(self) -> str:
        return f"Board pack for {self.meeting}"

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> models.Q:
        # Like its meeting, except that packs (confidential papers) are never public.
        if organisation is None:
            return nothing()
        return _board_visible(organisation, "meeting__board")

    def audit_audience(self) -> list[int]:
        return audience_of(self.meeting)

    @property
    def filename(self) -> str:
        local = timezone.localtime(self.meeting.starts_at)
        return f"board-pack-{local:%Y-%m-%d}-{self.meeting_id}.pdf"

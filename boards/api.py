"""The board's API: the same rules as the pages. The tenant scope decides what is visible (another organisation's
board is a 404), roles decide who may read or write, and the board services check the object permissions (clerk,
chair, member)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from boards import pack as board_pack
from boards import permissions as board_permissions
from boards import rules
from boards import seats as board_seats
from boards import selectors as board_selectors
from boards import services as board_services
from boards.models import (
    AgendaItem,
    Attendance,
    Board,
    BoardMember,
    BoardPack,
    ChairAbsenceRule,
    Decision,
    Declaration,
    Exclusion,
    Meeting,
    SeatKind,
)
from boards.workflows import ITEM_WORKFLOW, MEETING_WORKFLOW
from core.api import TenantAPIMixin, TenantReadOnlyViewSet, WorkflowActions
from core.api_fields import BoundedSerializerMixin
from partners.api import OrganisationSerializer
from partners.models import Organisation


class ScopedPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """A related object looked up in the request's tenant scope. The queryset is built per request: a queryset made
    at import time would carry whatever scope (or none) was active then."""

    def __init__(self, model: Any, **kwargs: Any) -> None:
        self.model = model
        # An empty placeholder DRF requires at class creation (no scope exists then; it is never evaluated).
        super().__init__(queryset=model._base_manager.none(), **kwargs)

    def get_queryset(self) -> Any:
        return self.model.objects.all()


class BoardMemberSerializer(BoundedSerializerMixin, serializers.ModelSerializer[BoardMember]):
    person_name = serializers.CharField(source="person.full_name", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = BoardMember
        fields = [
            "id",
            "person_name",
            "organisation",
            "organisation_name",
            "kind",
            "seat_kind",
            "is_elected_member",
            "votes",
            "role_title",
            "substitute_for",
            "active",
        ]

    votes = serializers.SerializerMethodField()

    def get_votes(self, member: BoardMember) -> bool:
        """Whether the seat votes and counts towards quorum (a full seat of a kind the board lets vote)."""
        return member.is_full and member.board.seat_votes(member.seat_kind)


class QuorumRuleSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    min_members = serializers.IntegerField()
    min_share = serializers.DecimalField(max_digits=5, decimal_places=2)
    required_organisations = OrganisationSerializer(many=True)
    requires_elected_member = serializers.BooleanField()
    text = serializers.CharField()


class BoardSerializer(BoundedSerializerMixin, serializers.ModelSerializer[Board]):
    partnership_name = serializers.CharField(source="partnership.name", read_only=True)
    members = serializers.SerializerMethodField()
    quorum = serializers.SerializerMethodField()

    class Meta:
        model = Board
        fields = [
            "id",
            "name",
            "partnership",
            "partnership_name",
            "purpose",
            "parent_board_name",
            "chair",
            "deputy_chair",
            "chair_absence_rule",
            "quorum",
            "public_body_seats_vote",
            "voluntary_sector_seats_vote",
            "voting",
            "decides_tenders",
            "approves_specification",
            "approves_panel",
            "is_public",
            "members",
        ]

    voting = serializers.SerializerMethodField()

    def get_voting(self, board: Board) -> str:
        return board_pack.voting_rule_text(board)

    @extend_schema_field(BoardMemberSerializer(many=True))
    def get_members(self, board: Board) -> list[dict[str, Any]]:
        return BoardMemberSerializer([m for m in board.members.all() if m.active], many=True).data  # type: ignore[return-value]

    @extend_schema_field(QuorumRuleSerializer)
    def get_quorum(self, board: Board) -> dict[str, Any]:
        return {
            "min_members": board.min_members,
            "min_share": str(board.min_share),
            "required_organisations": OrganisationSerializer(board.required_organisations.all(), many=True).data,
            "requires_elected_member": board.requires_elected_member,
            "text": board_pack.quorum_rule_text(board),
        }


class BoardSettingsSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    """A change to the board's rule: only the fields sent change."""

    min_members = serializers.IntegerField(min_value=1, max_value=100, required=False)
    min_share = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100, required=False)
    required_organisations = serializers.ListField(
        child=serializers.IntegerField(min_value=1), max_length=100, required=False
    )
    requires_elected_member = serializers.BooleanField(required=False)
    public_body_seats_vote = serializers.BooleanField(required=False)
    voluntary_sector_seats_vote = serializers.BooleanField(required=False)
    decides_tenders = serializers.BooleanField(required=False)
    approves_specification = serializers.BooleanField(required=False)
    approves_panel = serializers.BooleanField(required=False)
    chair_absence_rule = serializers.ChoiceField(choices=ChairAbsenceRule.choices, required=False)
    is_public = serializers.BooleanField(required=False)


class PendingApprovalSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=AgendaItem.Kind.choices)
    kind_label = serializers.CharField(max_length=100)
    subject_id = serializers.IntegerField()
    title = serializers.CharField(max_length=300)


class BoardViewSet(TenantReadOnlyViewSet):
    """Commissioning boards of your partnerships: members, chair, the quorum and voting rule, and whether the board
    approves the partnership's tenders. ``rule`` (the clerk or chair): change the quorum and voting rule and the tender approvals. ``pending-approvals``:
    what the tendering app has waiting for this board (none for a board that does not approve the tenders)."""

    serializer_class = BoardSerializer
    queryset = Board.objects.none()
    required_roles = board_permissions.READ_ROLES
    write_roles = board_permissions.WRITE_ROLES

    @extend_schema(request=BoardSettingsSerializer, responses=BoardSerializer)
    @action(detail=True, methods=["post"], url_path="rule")
    def change_rule(self, request: Request, pk: str | None = None) -> Response:
        board = self.get_object()
        data = self.validated(BoardSettingsSerializer)
        required = (
            Organisation.objects.filter(pk__in=data["required_organisations"])
            if "required_organisations" in data
            else board.required_organisations.all()
        )
        board = board_seats.board_update(
            board=board,
            name=board.name,
            purpose=board.purpose,
            parent_board_name=board.parent_board_name,
            min_members=data.get("min_members", board.min_members),
            min_share=data.get("min_share", board.min_share),
            required_organisations=list(required),
            chair_absence_rule=data.get("chair_absence_rule", board.chair_absence_rule),
            is_public=data.get("is_public", board.is_public),
            requires_elected_member=data.get("requires_elected_member"),
            public_body_seats_vote=data.get("public_body_seats_vote"),
            voluntary_sector_seats_vote=data.get("voluntary_sector_seats_vote"),
            decides_tenders=data.get("decides_tenders"),
            approves_specification=data.get("approves_specification"),
            approves_panel=data.get("approves_panel"),
            by=self.acting,
        )
        return Response(BoardSerializer(self.get_queryset().get(pk=board.pk)).data)

    @extend_schema(responses=PendingApprovalSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="pending-approvals")
    def pending_approvals(self, request: Request, pk: str | None = None) -> Response:
        board = self.get_object()
        rows = board_selectors.pending_approvals(board)
        return Response(PendingApprovalSerializer([vars(r) for r in rows], many=True).data)

    def get_queryset(self) -> QuerySet[Board]:
        return (
            Board.objects.select_related("partnership")
            .prefetch_related("members__person", "members__organisation", "required_organisations")
            .order_by("name")
        )

    @extend_schema(responses=serializers.ListSerializer(child=serializers.DictField()))
    @action(detail=True, methods=["get"])
    def business(self, request: Request, pk: str | None = None) -> Response:
        """The record of business for the parent board: meetings, decisions (public summaries) and declarations."""
        board = self.get_object()
        today = timezone.localdate()
        start = _date_param(request, "start") or today - dt.timedelta(days=365)
        end = _date_param(request, "end") or today
        out = []
        for m in board_selectors.business_between(board, start, end):
            out.append(
                {
                    "meeting": m.pk,
                    "starts_at": m.starts_at,
                    "status": m.status,
                    "present": [str(a.member.person) for a in m.present],  # type: ignore[attr-defined]
                    "items": [
                        {
                            "id": i.pk,
                            "title": i.title,
                            "status": i.status,
                            "decisions": [
                                {
                                    "outcome": d.outcome,
                                    "method": d.method,
                                    "public_summary": d.public_summary,
                                    "minute": d.minute,
                                }
                                for d in i.current_decisions  # type: ignore[attr-defined]
                            ],
                            "interests": [
                                {"member": str(d.member.person), "interest": d.interest}
                                for d in i.interests  # type: ignore[attr-defined]
                            ],
                        }
                        for i in m.items.all()
                    ],
                }
            )
        return Response(out)


def _date_param(request: Request, name: str) -> Any:
    raw = request.query_params.get(name)
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError as exc:
        raise serializers.ValidationError({name: "Use a date like 2026-03-31"}) from exc


class _BoardWriteViewSet(
    TenantAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """List, read and create (through a service); records are never edited or deleted through the API."""

    required_roles = board_permissions.READ_ROLES
    write_roles = board_permissions.WRITE_ROLES
    http_method_names = ["get", "post", "head", "options"]
    input_serializer: type[serializers.Serializer[Any]]

    def get_serializer_class(self) -> Any:
        if self.action == "create":
            return self.input_serializer
        return self.serializer_class

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = self.input_serializer(data=request.data, context=self.get_serializer_context())
        incoming.is_valid(raise_exception=True)
        try:
            obj = self.perform_service(incoming.validated_data)
        except DjangoPermissionDenied as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_403_FORBIDDEN)
        return Response(
            self.serializer_class(obj, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED
        )

    def perform_service(self, data: dict[str, Any]) -> Any:  # pragma: no cover - each viewset defines it
        raise NotImplementedError


class BoardMemberCreateSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    """A seat. The person is named by email (their account if they have one; otherwise one is made for them, and
    they set a password when they first sign in); partner staff must act for the partner."""

    board = ScopedPrimaryKeyField(Board)
    email = serializers.EmailField(max_length=254)
    full_name = serializers.CharField(max_length=150, required=False, default="")
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True, default=None
    )
    seat_kind = serializers.ChoiceField(choices=SeatKind.choices, default=SeatKind.PARTNER)
    kind = serializers.ChoiceField(choices=BoardMember.Kind.choices)
    is_elected_member = serializers.BooleanField(default=False)
    role_title = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    substitute_for = ScopedPrimaryKeyField(BoardMember, required=False, allow_null=True, default=None)


class BoardMemberChangeSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    is_elected_member = serializers.BooleanField()
    role_title = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    kind = serializers.ChoiceField(choices=BoardMember.Kind.choices, required=False, allow_null=True, default=None)


class BoardMemberRemoveSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)


class BoardMemberDetailSerializer(BoardMemberSerializer):
    board = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta(BoardMemberSerializer.Meta):
        fields = ["board", *BoardMemberSerializer.Meta.fields]


class BoardMemberViewSet(_BoardWriteViewSet):
    """Seats on the boards you can see: partner staff, members for other public bodies, voluntary-sector
    representatives and advisers; full, substitute or advisory; elected members flagged. Adding a seat is for the
    board's clerk or chair, as on the pages."""

    serializer_class = BoardMemberDetailSerializer
    input_serializer = BoardMemberCreateSerializer
    queryset = BoardMember.objects.none()
    filterset_fields = ["board", "kind", "seat_kind", "is_elected_member", "active"]

    def get_queryset(self) -> QuerySet[BoardMember]:
        return BoardMember.objects.select_related("board", "person", "organisation").order_by("board", "pk")

    @extend_schema(request=BoardMemberChangeSerializer, responses=BoardMemberDetailSerializer)
    @action(detail=True, methods=["post"])
    def change(self, request: Request, pk: str | None = None) -> Response:
        """Correct a seat: the elected-member flag, the role, full or advisory (the clerk or chair)."""
        data = self.validated(BoardMemberChangeSerializer)
        member = board_seats.board_member_update(member=self.get_object(), **data, by=self.acting)
        return Response(BoardMemberDetailSerializer(member).data)

    @extend_schema(request=BoardMemberRemoveSerializer, responses=BoardMemberDetailSerializer)
    @action(detail=True, methods=["post"])
    def remove(self, request: Request, pk: str | None = None) -> Response:
        """End a seat (its named substitutes' too), as on the board's page (the clerk or chair)."""
        data = self.validated(BoardMemberRemoveSerializer)
        member = board_seats.board_member_remove(member=self.get_object(), reason=data["reason"], by=self.acting)
        return Response(BoardMemberDetailSerializer(member).data)

    def perform_service(self, data: dict[str, Any]) -> BoardMember:
        return board_seats.board_member_add(
            board=data["board"],
            email=data["email"],
            full_name=data["full_name"],
            organisation=data["organisation"],
            seat_kind=data["seat_kind"],
            kind=data["kind"],
            is_elected_member=data["is_elected_member"],
            role_title=data["role_title"],
            substitute_for=data["substitute_for"],
            by=self.acting,
        )


class MeetingSerializer(BoundedSerializerMixin, serializers.ModelSerializer[Meeting]):
    class Meta:
        model = Meeting
        fields = ["id", "board", "starts_at", "location", "status", "acting_chair", "minutes", "minutes_recorded_at"]


class MeetingCreateSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    board = ScopedPrimaryKeyField(Board)
    starts_at = serializers.DateTimeField()
    location = serializers.CharField(allow_blank=True, required=False, default="")


class MeetingViewSet(WorkflowActions, _BoardWriteViewSet):
    """Board meetings. POST schedules one (the board's clerk or chair); ``transition`` moves it: publish the papers,
    record that it was held, approve the minutes, or cancel it."""

    serializer_class = MeetingSerializer
    input_serializer = MeetingCreateSerializer
    queryset = Meeting.objects.none()
    workflow = MEETING_WORKFLOW
    filterset_fields = ["board", "status"]

    def get_queryset(self) -> QuerySet[Meeting]:
        return Meeting.objects.select_related("board").order_by("-starts_at")

    def perform_service(self, data: dict[str, Any]) -> Meeting:
        return board_services.meeting_create(
            board=data["board"], starts_at=data["starts_at"], location=data["location"], by=self.acting
        )

    def perform_transition(self, obj: Meeting, *, name: str, reason: str) -> Meeting:
        return board_services.meeting_transition(meeting=obj, name=name, reason=reason, by=self.acting)


class AgendaItemSerializer(BoundedSerializerMixin, serializers.ModelSerializer[AgendaItem]):
    class Meta:
        model = AgendaItem
        fields = [
            "id",
            "meeting",
            "order",
            "kind",
            "title",
            "summary",
            "subject_kind",
            "subject_id",
            "presented_by",
            "status",
        ]


class AgendaItemCreateSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    meeting = ScopedPrimaryKeyField(Meeting)
    kind = serializers.ChoiceField(choices=AgendaItem.Kind.choices)
    title = serializers.CharField(allow_blank=True, required=False, default="")
    summary = serializers.CharField(allow_blank=True, required=False, default="")
    subject_id = serializers.IntegerField(required=False, allow_null=True, default=None)


class QuorumResultSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    ok = serializers.BooleanField()
    failures = serializers.ListField(child=serializers.CharField(), help_text="Each condition that fails, in words")
    counted = serializers.ListField(child=serializers.CharField())
    not_counted = serializers.ListField(child=serializers.ListField(child=serializers.CharField()))
    seats = serializers.IntegerField()
    full_members = serializers.IntegerField()
    share = serializers.CharField()
    summary = serializers.CharField()


class AgendaItemViewSet(WorkflowActions, _BoardWriteViewSet):
    """Agenda items. ``quorum``: whether the board is quorate for the item now (and why not). ``summary``: what a
    member sees before deciding (for an award, the evaluation summary and the panel's conflicts record).
    ``transition``: withdraw an item, or record the board's outcome (approve, reject, defer, note) as a decision by
    consensus, with the reason as its minute; the quorum, the chair's right to record and the exclusions are checked
    as on the decision form (``board-decisions`` records votes and moderation)."""

    workflow = ITEM_WORKFLOW
    serializer_class = AgendaItemSerializer
    input_serializer = AgendaItemCreateSerializer
    queryset = AgendaItem.objects.none()
    filterset_fields = ["meeting", "status", "kind"]

    def get_queryset(self) -> QuerySet[AgendaItem]:
        return AgendaItem.objects.select_related("meeting").order_by("meeting", "order", "pk")

    def perform_transition(self, obj: AgendaItem, *, name: str, reason: str) -> AgendaItem:
        # An outcome is a decision of the board, never a bare change of state: it goes through the decision service.
        outcome = {step: outcome for outcome, step in board_services.OUTCOME_TRANSITION.items()}.get(name)
        if outcome is None:
            return board_services.item_withdraw(item=obj, by=self.acting, reason=reason)
        board_services.decision_record(item=obj, outcome=outcome, minute=reason, by=self.acting)
        obj.refresh_from_db()
        return obj

    def perform_service(self, data: dict[str, Any]) -> AgendaItem:
        return board_services.item_add(
            meeting=data["meeting"],
            kind=data["kind"],
            title=data["title"],
            summary=data["summary"],
            subject_id=data["subject_id"],
            by=self.acting,
        )

    @extend_schema(responses=QuorumResultSerializer)
    @action(detail=True, methods=["get"])
    def quorum(self, request: Request, pk: str | None = None) -> Response:
        item = self.get_object()
        return Response(rules.quorum_for(item).as_dict())

    @extend_schema(responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["get"])
    def summary(self, request: Request, pk: str | None = None) -> Response:
        item = self.get_object()
        if not board_permissions.may_see_papers(item.meeting.board, request.user):
            return Response(
                {"detail": "Only the board's members and clerks can read its papers"}, status=status.HTTP_403_FORBIDDEN
            )
        return Response(board_pack.subject_summary(item))


class AttendanceSerializer(BoundedSerializerMixin, serializers.ModelSerializer[Attendance]):
    class Meta:
        model = Attendance
        fields = ["id", "meeting", "member", "status", "substituting_for", "recorded_at"]


class AttendanceCreateSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    meeting = ScopedPrimaryKeyField(Meeting)
    member = ScopedPrimaryKeyField(BoardMember)
    status = serializers.ChoiceField(choices=Attendance.Status.choices)
    substituting_for = ScopedPrimaryKeyField(BoardMember, required=False, allow_null=True, default=None)


class AttendanceViewSet(_BoardWriteViewSet):
    """Attendance at meetings. POST records (or changes) one member's attendance."""

    serializer_class = AttendanceSerializer
    input_serializer = AttendanceCreateSerializer
    queryset = Attendance.objects.none()
    filterset_fields = ["meeting", "status"]

    def get_queryset(self) -> QuerySet[Attendance]:
        return Attendance.objects.select_related("member").order_by("meeting", "member__person__full_name")

    def perform_service(self, data: dict[str, Any]) -> Attendance:
        entry = board_services.AttendanceEntry(data["member"], data["status"], data["substituting_for"])
        return board_services.attendance_record(meeting=data["meeting"], entries=[entry], by=self.acting)[0]


class DeclarationSerializer(BoundedSerializerMixin, serializers.ModelSerializer[Declaration]):
    member_name = serializers.CharField(source="member.person.full_name", read_only=True)

    class Meta:
        model = Declaration
        fields = ["id", "item", "member", "member_name", "has_interest", "interest", "declared_at"]


class DeclarationCreateSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    item = ScopedPrimaryKeyField(AgendaItem)
    member = ScopedPrimaryKeyField(
        BoardMember,
        required=False,
        allow_null=True,
        default=None,
        help_text="Default: your own seat",
    )
    has_interest = serializers.BooleanField()
    interest = serializers.CharField(allow_blank=True, required=False, default="")


class DeclarationViewSet(_BoardWriteViewSet):
    """Declarations of interest per member per item. POST declares (your own, or -- for the clerk -- a member's)."""

    serializer_class = DeclarationSerializer
    input_serializer = DeclarationCreateSerializer
    queryset = Declaration.objects.none()
    filterset_fields = ["item", "member", "has_interest"]

    def get_queryset(self) -> QuerySet[Declaration]:
        return Declaration.objects.select_related("member__person").order_by("item", "member__person__full_name")

    def perform_service(self, data: dict[str, Any]) -> Declaration:
        item = data["item"]
        member = data["member"] or rules.seat_of(item.meeting.board, self.request.user)
        if member is None:
            raise DjangoPermissionDenied("Only a member of the board can declare an interest")
        return board_services.declaration_record(
            item=item, member=member, has_interest=data["has_interest"], interest=data["interest"], by=self.acting
        )


class ExclusionSerializer(BoundedSerializerMixin, serializers.ModelSerializer[Exclusion]):
    class Meta:
        model = Exclusion
        fields = ["id", "item", "member", "chair", "reason", "created_at"]


class ExclusionCreateSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    item = ScopedPrimaryKeyField(AgendaItem)
    member = ScopedPrimaryKeyField(BoardMember)
    reason = serializers.CharField()


class ExclusionViewSet(_BoardWriteViewSet):
    """Members excluded from an item by the meeting's chair (after declaring an interest). POST: the chair only."""

    serializer_class = ExclusionSerializer
    input_serializer = ExclusionCreateSerializer
    queryset = Exclusion.objects.none()
    filterset_fields = ["item", "member"]

    def get_queryset(self) -> QuerySet[Exclusion]:
        return Exclusion.objects.order_by("created_at")

    def perform_service(self, data: dict[str, Any]) -> Exclusion:
        return board_services.exclusion_record(
            item=data["item"], member=data["member"], reason=data["reason"], by=self.acting
        )


class DecisionSerializer(BoundedSerializerMixin, serializers.ModelSerializer[Decision]):
    class Meta:
        model = Decision
        fields = [
            "id",
            "item",
            "outcome",
            "method",
            "moderation_route",
            "moderation_result",
            "votes_for",
            "votes_against",
            "votes_abstain",
            "minute",
            "quorum",
            "subject_title",
            "public_summary",
            "corrects",
            "correction_reason",
            "recorded_by_name",
            "recorded_at",
        ]


class DecisionCreateSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    item = ScopedPrimaryKeyField(AgendaItem)
    outcome = serializers.ChoiceField(choices=Decision.Outcome.choices)
    method = serializers.ChoiceField(choices=Decision.Method.choices, default=Decision.Method.CONSENSUS)
    moderation_route = serializers.CharField(allow_blank=True, required=False, default="")
    moderation_result = serializers.CharField(allow_blank=True, required=False, default="")
    votes_for = serializers.IntegerField(min_value=0, required=False, allow_null=True, default=None)
    votes_against = serializers.IntegerField(min_value=0, required=False, allow_null=True, default=None)
    votes_abstain = serializers.IntegerField(min_value=0, required=False, allow_null=True, default=None)
    minute = serializers.CharField(allow_blank=True, required=False, default="")
    corrects = ScopedPrimaryKeyField(Decision, required=False, allow_null=True, default=None)
    correction_reason = serializers.CharField(allow_blank=True, required=False, default="")


class DecisionViewSet(_BoardWriteViewSet):
    """Board decisions. POST records a new decision (quorum is checked at that moment; refused with the failing
    conditions); to correct one, POST a new decision with ``corrects``. Decisions are never changed or deleted:
    PUT, PATCH and DELETE are not allowed."""

    serializer_class = DecisionSerializer
    input_serializer = DecisionCreateSerializer
    queryset = Decision.objects.none()
    filterset_fields = ["item", "outcome"]

    def get_queryset(self) -> QuerySet[Decision]:
        return Decision.objects.order_by("recorded_at", "pk")

    def perform_service(self, data: dict[str, Any]) -> Decision:
        return board_services.decision_record(by=self.acting, **data)


class BoardPackSerializer(BoundedSerializerMixin, serializers.ModelSerializer[BoardPack]):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = BoardPack
        fields = [
            "id",
            "meeting",
            "status",
            "progress",
            "size",
            "content_hash",
            "created_at",
            "finished_at",
            "download_url",
        ]

    def get_download_url(self, pack: BoardPack) -> str | None:
        if pack.status != BoardPack.Status.READY:
            return None
        return reverse("meeting-pack-download", kwargs={"board_meeting_id": pack.meeting_id})


class BoardPackCreateSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    meeting = ScopedPrimaryKeyField(Meeting)


class BoardPackViewSet(_BoardWriteViewSet):
    """Board packs and their progress. POST asks for the meeting's pack: the stored one if its content is unchanged,
    otherwise a new one is prepared in the background (poll this endpoint for ``progress``)."""

    serializer_class = BoardPackSerializer
    input_serializer = BoardPackCreateSerializer
    queryset = BoardPack.objects.none()
    write_roles = board_permissions.READ_ROLES  # type: ignore[assignment]
    filterset_fields = ["meeting", "status"]

    def get_queryset(self) -> QuerySet[BoardPack]:
        return BoardPack.objects.order_by("-created_at", "-pk")

    def perform_service(self, data: dict[str, Any]) -> BoardPack:
        meeting = data["meeting"]
        if not board_permissions.may_see_papers(meeting.board, self.request.user):
            raise DjangoPermissionDenied("Only the board's members and clerks can read its papers")
        return board_pack.pack_request(meeting=meeting, by=self.acting)


router = SimpleRouter(trailing_slash=True)
router.register("boards", BoardViewSet, basename="board")
router.register("board-members", BoardMemberViewSet, basename="board-member")
router.register("board-meetings", MeetingViewSet, basename="board-meeting")
router.register("agenda-items", AgendaItemViewSet, basename="agenda-item")
router.register("board-attendance", AttendanceViewSet, basename="board-attendance")
router.register("board-declarations", DeclarationViewSet, basename="board-declaration")
router.register("board-exclusions", ExclusionViewSet, basename="board-exclusion")
router.register("board-decisions", DecisionViewSet, basename="board-decision")
router.register("board-packs", BoardPackViewSet, basename="board-pack")
urlpatterns: list[Any] = []

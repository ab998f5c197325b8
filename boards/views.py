"""Board pages: for members (often on a tablet), the chair and clerk, and a public page per board."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from boards import pack as board_pack
from boards import permissions, rules
from boards import seats as board_seats
from boards import selectors as board_selectors
from boards import services as board_services
from boards.forms import (
    AttendanceForm,
    BoardForm,
    BoardMemberChangeForm,
    BoardMemberForm,
    ChairForm,
    ItemForm,
    MeetingForm,
    MinutesForm,
    PeriodForm,
)
from boards.models import Attendance, Board, BoardMember, Meeting, SeatKind
from boards.workflows import MEETING_WORKFLOW, OPEN_MEETING
from core.errors import DomainError
from core.tenancy import scope, unscoped
from core.views import FormPage, MemberTemplateView, MemberView, PublicView, TransitionView, form_invalid_response
from partners.models import Membership, Organisation, Partnership, PartnershipMember, Role, User


class BoardAccess:
    """Loads the board a URL names (404 if not visible) and the person's board permissions (one query)."""

    request: HttpRequest
    board: Board
    perms: frozenset[str]

    def set_board(self, board: Board) -> None:
        self.board = board
        self.perms = permissions.perms_on(board, self.request.user)

    @property
    def is_manager(self) -> bool:
        return permissions.may_manage(self.board, self.request.user, self.perms)

    @property
    def sees_papers(self) -> bool:
        return permissions.may_see_papers(self.board, self.request.user, self.perms)

    def require_manager(self) -> None:
        if not self.is_manager:
            raise PermissionDenied("Only the board's clerk or chair can do this")

    def board_context(self) -> dict[str, Any]:
        return {"board": self.board, "is_manager": self.is_manager, "sees_papers": self.sees_papers}


def _partner_ids(board: Board) -> list[int]:
    return list(
        PartnershipMember.objects.unscoped(reason="the board's partner organisations, whoever asks")
        .filter(partnership_id=board.partnership_id, status=PartnershipMember.Status.ACTIVE)
        .values_list("organisation_id", flat=True)
    )


def partner_people(board: Board, *, role: str | None = None) -> list[Membership]:
    """People acting for the board's partner organisations (read across those organisations on purpose: the clerk
    names members from each partner)."""
    with unscoped(reason="the clerk names members from each partner organisation"):
        qs = Membership.objects.filter(organisation_id__in=_partner_ids(board), is_active=True, user__is_active=True)
        if role:
            qs = qs.filter(roles__contains=[role])
        return list(qs.select_related("user", "organisation").order_by("organisation__name", "user__full_name"))


def form_error(view: Any, form: Any, error: DomainError) -> HttpResponse:
    """Show a service's refusal on the form: its message first, then each reason (for example each quorum
    condition that fails), keeping everything entered."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)
    for problem in error.problems:
        form.add_error(field, problem)
    return form_invalid_response(view, form)


# --- boards -------------------------------------------------------------------------------------------------


class BoardListView(MemberTemplateView):
    template_name = "partners/board/board_list.html"
    required_roles = permissions.READ_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        boards = list(board_selectors.boards_for(organisation=self.acting.organisation))
        may_create = self.acting.has_role(*permissions.CREATE_ROLES) and self.acting.is_public_sector
        return super().get_context_data(boards=boards, may_create=may_create, **kwargs)


def _board_settings(data: dict[str, Any]) -> dict[str, Any]:
    """A board's settings from ``BoardForm``'s cleaned data, as ``board_create`` and ``board_update`` take them."""
    return {
        "name": data["name"],
        "purpose": data["purpose"],
        "parent_board_name": data["parent_board_name"],
        "min_members": data["min_members"],
        "min_share": data["min_share"],
        "required_organisations": Organisation.objects.filter(
            pk__in=[int(x) for x in data.get("required_organisations") or []]
        ),
        "chair_absence_rule": data["chair_absence_rule"],
        "is_public": data["is_public"],
        **{flag: data[flag] for flag in BOARD_FLAGS},
    }


BOARD_FLAGS = (
    "requires_elected_member",
    "public_body_seats_vote",
    "voluntary_sector_seats_vote",
    "decides_tenders",
    "approves_specification",
    "approves_panel",
)


def _voting_organisations(board: Board) -> list[tuple[int, str]]:
    """The organisations a quorum rule may require: those of the board's full (voting) members."""
    ids = rules.voting_organisation_ids(board)
    return [(o.pk, o.name) for o in Organisation.objects.filter(pk__in=ids).order_by("name")]


class BoardCreateView(FormPage):
    template_name = "partners/board/board_form.html"
    required_roles = permissions.CREATE_ROLES

    def _partnerships(self) -> list[tuple[int, str]]:
        return [
            (p.pk, p.name)
            for p in Partnership.objects.filter(
                memberships__organisation=self.acting.organisation, memberships__status=PartnershipMember.Status.ACTIVE
            ).order_by("name")
        ]

    def get_form(self, form_class: Any = None) -> BoardForm:
        # No members yet, so no organisations to require: they are chosen on the edit page once members are seated.
        return BoardForm(**self.get_form_kwargs(), organisations=[], partnerships=self._partnerships())

    def get_initial(self) -> dict[str, Any]:
        return {
            "min_members": 1,
            "min_share": 0,
            "is_public": True,
            "chair_absence_rule": "elect_from_present",
            "decides_tenders": True,
        }

    def act(self, form: BoardForm) -> HttpResponse:
        data = form.cleaned_data
        partnership = get_object_or_404(Partnership.objects.all(), pk=data["partnership"])
        board = board_seats.board_create(
            partnership=partnership,
            **_board_settings(data),
            by=self.acting,
        )
        return self.done(
            f"{board} is set up. You are its clerk: add its members next", "board-detail", board_id=board.pk
        )


class BoardDetailView(BoardAccess, MemberTemplateView):
    template_name = "partners/board/board_detail.html"
    required_roles = permissions.READ_ROLES

    def load(self, **kwargs: Any) -> None:
        self.set_board(
            get_object_or_404(
                Board.objects.select_related("partnership", "chair__person", "deputy_chair__person"),
                pk=kwargs["board_id"],
            )
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        members = board_selectors.members_of(self.board)
        meetings = board_selectors.meetings_of(self.board)
        now = timezone.now()
        return super().get_context_data(
            **self.board_context(),
            full_members=[m for m in members if m.kind == BoardMember.Kind.FULL],
            substitutes=[m for m in members if m.kind == BoardMember.Kind.SUBSTITUTE],
            advisers=[m for m in members if m.kind == BoardMember.Kind.ADVISORY],
            upcoming=[m for m in meetings if m.starts_at >= now and m.status != Meeting.Status.CANCELLED][::-1],
            past=[m for m in meetings if m.starts_at < now or m.status == Meeting.Status.CANCELLED],
            quorum_text=board_pack.quorum_rule_text(self.board),
            voting_text=board_pack.voting_rule_text(self.board),
            tender_text=board_pack.tender_approvals_text(self.board),
            clerks=list(self.board.clerks.all()),
            **kwargs,
        )


class BoardEditView(BoardAccess, FormPage):
    template_name = "partners/board/board_form.html"
    required_roles = permissions.WRITE_ROLES

    def load(self, **kwargs: Any) -> None:
        self.set_board(get_object_or_404(Board.objects.select_related("partnership"), pk=kwargs["board_id"]))
        self.require_manager()

    def get_form(self, form_class: Any = None) -> BoardForm:
        seats = [
            (m.pk, f"{m.person}, {m.organisation_name}")
            for m in board_selectors.members_of(self.board)
            if m.kind == BoardMember.Kind.FULL
        ]
        return BoardForm(**self.get_form_kwargs(), organisations=_voting_organisations(self.board), seats=seats)

    def get_initial(self) -> dict[str, Any]:
        b = self.board
        return {
            "name": b.name,
            "purpose": b.purpose,
            "parent_board_name": b.parent_board_name,
            "min_members": b.min_members,
            "min_share": b.min_share.normalize(),
            "required_organisations": [o.pk for o in b.required_organisations.all()],
            "chair_absence_rule": b.chair_absence_rule,
            "is_public": b.is_public,
            **{flag: getattr(b, flag) for flag in BOARD_FLAGS},
            "chair": b.chair_id,
            "deputy_chair": b.deputy_chair_id,
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**self.board_context(), **kwargs)

    def act(self, form: BoardForm) -> HttpResponse:
        data = form.cleaned_data
        board = board_seats.board_update(
            board=self.board,
            **_board_settings(data),
            by=self.acting,
        )
        for field, deputy in (("chair", False), ("deputy_chair", True)):
            wanted = data.get(field)
            if wanted and wanted != getattr(board, f"{field}_id"):
                member = get_object_or_404(BoardMember.objects.all(), pk=wanted, board=board)
                board_seats.board_set_chair(board=board, member=member, deputy=deputy, by=self.acting)
        return self.done("The board's details and quorum rule are saved", "board-detail", board_id=self.board.pk)


class BoardMemberAddView(BoardAccess, FormPage):
    template_name = "partners/board/member_form.html"
    required_roles = permissions.WRITE_ROLES

    def load(self, **kwargs: Any) -> None:
        self.set_board(get_object_or_404(Board.objects.select_related("partnership"), pk=kwargs["board_id"]))
        self.require_manager()
        self.candidates = {m.pk: m for m in partner_people(self.board)}

    def get_form(self, form_class: Any = None) -> BoardMemberForm:
        people = [
            (pk, f"{m.user}, {m.organisation}" + (f" ({m.job_title})" if m.job_title else ""))
            for pk, m in self.candidates.items()
        ]
        full = [
            (m.pk, f"{m.person}, {m.organisation_name}") for m in board_selectors.members_of(self.board) if m.is_full
        ]
        # Organisations' identities are public (a register): any may be represented on a board.
        organisations = list(Organisation.objects.order_by("name").values_list("pk", "name"))
        return BoardMemberForm(**self.get_form_kwargs(), people=people, full_members=full, organisations=organisations)

    def get_initial(self) -> dict[str, Any]:
        return {"seat_kind": SeatKind.PARTNER, "kind": BoardMember.Kind.FULL}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**self.board_context(), **kwargs)

    def act(self, form: BoardMemberForm) -> HttpResponse:
        data = form.cleaned_data
        substitute_for = None
        if data.get("substitute_for"):
            substitute_for = get_object_or_404(BoardMember.objects.all(), pk=data["substitute_for"], board=self.board)
        seat: dict[str, Any]
        if data["seat_kind"] == SeatKind.PARTNER:
            membership = self.candidates.get(data["person"])
            if membership is None:
                raise DomainError("Choose the partner staff member", field="person")
            seat = {"person": membership.user, "organisation": membership.organisation}
        else:
            organisation = None
            if data.get("organisation"):
                organisation = get_object_or_404(Organisation.objects.all(), pk=data["organisation"])
            seat = {"email": data["email"], "full_name": data["full_name"], "organisation": organisation}
        member = board_seats.board_member_add(
            board=self.board,
            **seat,
            kind=data["kind"],
            seat_kind=data["seat_kind"],
            is_elected_member=data["is_elected_member"],
            role_title=data["role_title"],
            substitute_for=substitute_for,
            by=self.acting,
        )
        kind = member.get_kind_display().lower()
        return self.done(
            f"{member.person} is now {'an' if kind[0] in 'aeiou' else 'a'} {kind} of the board",
            "board-detail",
            board_id=self.board.pk,
        )


class BoardMemberChangeView(BoardAccess, FormPage):
    template_name = "core/form_page.html"
    required_roles = permissions.WRITE_ROLES
    form_class = BoardMemberChangeForm
    button = "Save the seat"

    def load(self, **kwargs: Any) -> None:
        self.member = get_object_or_404(
            BoardMember.objects.select_related("board__partnership", "person", "organisation"),
            pk=kwargs["board_member_id"],
            active=True,
        )
        self.set_board(self.member.board)
        self.require_manager()

    def get_heading(self) -> str:
        return f"Change {self.member.person}'s seat"

    def get_caption(self) -> str:
        return f"{self.board.name}: {self.member.get_seat_kind_display()}, {self.member.organisation_name}"

    def back_url(self) -> str:
        return reverse("board-detail", kwargs={"board_id": self.board.pk})

    def get_form(self, form_class: Any = None) -> BoardMemberChangeForm:
        form = BoardMemberChangeForm(**self.get_form_kwargs())
        if self.member.kind == BoardMember.Kind.SUBSTITUTE:
            del form.fields["kind"]
        return form

    def get_initial(self) -> dict[str, Any]:
        m = self.member
        return {"is_elected_member": m.is_elected_member, "kind": m.kind, "role_title": m.role_title}

    def act(self, form: BoardMemberChangeForm) -> HttpResponse:
        data = form.cleaned_data
        member = board_seats.board_member_update(
            member=self.member,
            is_elected_member=data["is_elected_member"],
            role_title=data["role_title"],
            kind=data.get("kind") or None,
            by=self.acting,
        )
        return self.done(f"{member.person}'s seat is saved", "board-detail", board_id=self.board.pk)


class BoardMemberRemoveView(BoardAccess, MemberView):
    http_method_names = ["post"]
    required_roles = permissions.WRITE_ROLES

    def load(self, **kwargs: Any) -> None:
        self.member = get_object_or_404(
            BoardMember.objects.select_related("board", "person"), pk=kwargs["board_member_id"]
        )
        self.set_board(self.member.board)

    def post(self, request: HttpRequest, board_member_id: int) -> HttpResponse:
        try:
            board_seats.board_member_remove(member=self.member, by=self.acting)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"{self.member.person} no longer sits on the board")
        return redirect("board-detail", board_id=self.board.pk)


class BoardReportView(BoardAccess, MemberTemplateView):
    """The record of the board's business, to report to its parent board."""

    template_name = "partners/board/report.html"
    required_roles = permissions.READ_ROLES

    def load(self, **kwargs: Any) -> None:
        self.set_board(get_object_or_404(Board.objects.select_related("partnership"), pk=kwargs["board_id"]))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        form = PeriodForm(self.request.GET or None)
        today = timezone.localdate()
        start, end = today - dt.timedelta(days=365), today
        if form.is_valid():
            start = form.cleaned_data["start"] or start
            end = form.cleaned_data["end"] or end
        meetings = board_selectors.business_between(self.board, start, end)
        return super().get_context_data(
            **self.board_context(), form=form, start=start, end=end, meetings=meetings, **kwargs
        )


# --- public pages ---------------------------------------------------------------------------------------------


class PublicBoardListView(PublicView):
    def get(self, request: HttpRequest) -> HttpResponse:
        with scope(organisation=None):
            boards = list(board_selectors.boards_for(organisation=None))
        return render(request, "partners/board/public_board_list.html", {"boards": boards})


class PublicBoardView(PublicView):
    """Anyone, signed in or not, sees the same public record: read as the anonymous public."""

    def get(self, request: HttpRequest, board_id: int) -> HttpResponse:
        with scope(organisation=None):
            board = get_object_or_404(
                Board.objects.select_related("partnership__accountable_body", "chair__person"), pk=board_id
            )
            context = {
                "board": board,
                "members": board_selectors.members_of(board),
                "meetings": board_selectors.public_meetings(board),
                "quorum_text": board_pack.quorum_rule_text(board),
            }
        return render(request, "partners/board/public_board.html", context)


# --- meetings -----------------------------------------------------------------------------------------------


class MeetingCreateView(BoardAccess, FormPage):
    template_name = "partners/board/meeting_form.html"
    form_class = MeetingForm
    required_roles = permissions.WRITE_ROLES

    def load(self, **kwargs: Any) -> None:
        self.set_board(get_object_or_404(Board.objects.all(), pk=kwargs["board_id"]))
        self.require_manager()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**self.board_context(), **kwargs)

    def act(self, form: MeetingForm) -> HttpResponse:
        meeting = board_services.meeting_create(
            board=self.board, starts_at=form.starts_at(), location=form.cleaned_data["location"], by=self.acting
        )
        return self.done(
            "The meeting is scheduled. Add its agenda items next", "meeting-detail", board_meeting_id=meeting.pk
        )


class MeetingAccess(BoardAccess):
    meeting: Meeting

    def load_meeting(self, meeting_id: int) -> None:
        self.meeting = get_object_or_404(
            Meeting.objects.select_related("board__partnership", "board__chair__person", "acting_chair__person"),
            pk=meeting_id,
        )
        self.set_board(self.meeting.board)


class MeetingDetailView(MeetingAccess, MemberTemplateView):
    template_name = "partners/board/meeting_detail.html"
    required_roles = permissions.READ_ROLES

    def load(self, **kwargs: Any) -> None:
        self.load_meeting(kwargs["board_meeting_id"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        attendance = board_selectors.attendance_of(self.meeting)
        present = [a for a in attendance if a.status == Attendance.Status.PRESENT]
        chair = rules.meeting_chair(self.meeting, present)
        steps = MEETING_WORKFLOW.possible_for(self.meeting, self.acting) if self.is_manager else []
        own_seat = rules.seat_of(self.board, self.request.user)
        return super().get_context_data(
            **self.board_context(),
            meeting=self.meeting,
            items=board_selectors.agenda_of(self.meeting),
            attendance=attendance,
            present=present,
            chair=chair,
            chair_needed=bool(present) and chair is None,
            steps=steps,
            own_seat=own_seat,
            is_open=self.meeting.status in OPEN_MEETING,
            pack=board_pack.latest_pack(self.meeting) if self.sees_papers else None,
            **kwargs,
        )


class MeetingTransitionView(MeetingAccess, TransitionView):
    required_roles = permissions.WRITE_ROLES
    workflow = MEETING_WORKFLOW

    def load(self, **kwargs: Any) -> None:
        self.load_meeting(kwargs["board_meeting_id"])
        self.object = self.meeting

    def perform_transition(self, obj: Meeting, *, name: str, reason: str) -> Meeting:
        return board_services.meeting_transition(meeting=obj, name=name, by=self.acting, reason=reason)

    def done_message(self, obj: Meeting, step: Any) -> str:
        return f"Done: {step.label.lower()}"

    def get_success_url(self) -> str:
        return reverse("meeting-detail", kwargs={"board_meeting_id": self.meeting.pk})


class MeetingFormPage(MeetingAccess, FormPage):
    """A form page about one meeting for the board's managers (its clerk or chair): loads the meeting, checks the
    person manages the board, shows the board's context, and goes back to the meeting when done."""

    required_roles = permissions.WRITE_ROLES

    def load(self, **kwargs: Any) -> None:
        self.load_meeting(kwargs["board_meeting_id"])
        self.require_manager()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**self.board_context(), meeting=self.meeting, **kwargs)

    def back_to_meeting(self, message: str) -> HttpResponse:
        return self.done(message, "meeting-detail", board_meeting_id=self.meeting.pk)


class MeetingAttendanceView(MeetingFormPage):
    template_name = "partners/board/attendance_form.html"

    def load(self, **kwargs: Any) -> None:
        super().load(**kwargs)
        self.members = board_selectors.members_of(self.board)
        self.current = {a.member_id: a for a in board_selectors.attendance_of(self.meeting)}

    def get_form(self, form_class: Any = None) -> AttendanceForm:
        return AttendanceForm(**self.get_form_kwargs(), members=self.members, current=self.current)

    def act(self, form: AttendanceForm) -> HttpResponse:
        entries = []
        for member, status in form.entries():
            if member.kind == BoardMember.Kind.SUBSTITUTE:
                present = status == Attendance.Status.PRESENT
                previous = self.current.get(member.pk)
                status = Attendance.Status.PRESENT if present else (Attendance.Status.ABSENT if previous else "")
                entries.append(
                    board_services.AttendanceEntry(member, status, member.substitute_for if present else None)
                )
            else:
                entries.append(board_services.AttendanceEntry(member, status))
        board_services.attendance_record(meeting=self.meeting, entries=entries, by=self.acting)
        return self.back_to_meeting("Attendance is recorded")


class MeetingChairView(MeetingFormPage):
    template_name = "partners/board/chair_form.html"

    def load(self, **kwargs: Any) -> None:
        super().load(**kwargs)
        self.present = [
            a.member for a in rules.present_attendance(self.meeting) if a.member.kind != BoardMember.Kind.ADVISORY
        ]

    def get_form(self, form_class: Any = None) -> ChairForm:
        return ChairForm(
            **self.get_form_kwargs(), present=[(m.pk, f"{m.person}, {m.organisation_name}") for m in self.present]
        )

    def act(self, form: ChairForm) -> HttpResponse:
        member = next(m for m in self.present if m.pk == form.cleaned_data["member"])
        board_services.meeting_appoint_chair(meeting=self.meeting, member=member, by=self.acting)
        return self.back_to_meeting(f"{member.person} chairs the meeting")


class MeetingMinutesView(MeetingFormPage):
    template_name = "partners/board/minutes_form.html"
    form_class = MinutesForm

    def get_initial(self) -> dict[str, Any]:
        return {"minutes": self.meeting.minutes}

    def act(self, form: MinutesForm) -> HttpResponse:
        board_services.minutes_record(meeting=self.meeting, minutes=form.cleaned_data["minutes"], by=self.acting)
        return self.back_to_meeting("The minutes are saved")


class ItemCreateView(MeetingFormPage):
    template_name = "partners/board/item_form.html"

    def get_form(self, form_class: Any = None) -> ItemForm:
        grouped: dict[str, list[tuple[str, str]]] = {}
        for pending in board_selectors.pending_approvals(self.board):
            grouped.setdefault(pending.kind_label, []).append((f"{pending.kind}:{pending.subject_id}", pending.title))
        subjects = list(grouped.items())
        presenters = [
            (m.user_id, f"{m.user}, {m.organisation}") for m in partner_people(self.board, role=Role.COMMISSIONER)
        ]
        return ItemForm(**self.get_form_kwargs(), subjects=subjects, presenters=presenters)

    def act(self, form: ItemForm) -> HttpResponse:
        data = form.cleaned_data
        presenter = User.objects.filter(pk=data["presented_by"]).first() if data.get("presented_by") else None
        item = board_services.item_add(
            meeting=self.meeting,
            kind=data["kind"],
            title=data["title"],
            summary=data["summary"],
            subject_id=data.get("subject_id"),
            presented_by=presenter,
            paper=data.get("paper"),
            by=self.acting,
        )
        return self.back_to_meeting(f"Item {item.order} is on the agenda")

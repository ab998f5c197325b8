"""Board pages for agenda items, declarations, exclusions, decisions and the board pack."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from boards import pack as board_pack
from boards import permissions, rules
from boards import selectors as board_selectors
from boards import services as board_services
from boards.forms import (
    DecisionForm,
    DeclarationForm,
    ExclusionForm,
)
from boards.models import AgendaItem, BoardPack, Decision
from boards.views import BoardAccess, MeetingAccess
from boards.workflows import OPEN_MEETING
from core import audit
from core import files as private_files
from core.errors import DomainError
from core.views import FormPage, MemberTemplateView, MemberView

# --- agenda items -----------------------------------------------------------------------------------------------


class ItemAccess(BoardAccess):
    item: AgendaItem

    def load_item(self, item_id: int) -> None:
        self.item = get_object_or_404(
            AgendaItem.objects.select_related(
                "meeting__board__partnership",
                "meeting__board__chair__person",
                "meeting__acting_chair__person",
                "presented_by",
            ),
            pk=item_id,
        )
        self.meeting = self.item.meeting
        self.set_board(self.meeting.board)

    def item_context(self) -> dict[str, Any]:
        present = rules.present_attendance(self.meeting)
        chair = rules.meeting_chair(self.meeting, present)
        return {
            **self.board_context(),
            "item": self.item,
            "meeting": self.meeting,
            "chair": chair,
            "is_chair": chair is not None and chair.person_id == self.request.user.pk,
            "quorum": rules.quorum_for(self.item, present),
            "present": present,
        }


class ItemDetailView(ItemAccess, MemberTemplateView):
    template_name = "partners/board/item_detail.html"
    required_roles = permissions.READ_ROLES

    def load(self, **kwargs: Any) -> None:
        self.load_item(kwargs["agenda_item_id"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = self.item_context()
        declarations = board_selectors.declarations_of(self.item)
        exclusions = board_selectors.exclusions_of(self.item)
        own_seat = rules.seat_of(self.board, self.request.user)
        excluded_ids = {x.member_id for x in exclusions}
        declared_ids = {d.member_id for d in declarations}
        not_declared = [a.member for a in context["present"] if a.member_id not in declared_ids]
        return super().get_context_data(
            **context,
            paper=board_pack.subject_summary(self.item) if self.sees_papers else {},
            declarations=declarations,
            exclusions=exclusions,
            decisions=board_selectors.decisions_of(self.item),
            current=rules.current_decision(self.item),
            own_seat=own_seat,
            own_declaration=next((d for d in declarations if own_seat and d.member_id == own_seat.pk), None),
            may_decide=rules.may_record_decision(self.item, self.request.user),
            excludable=[d for d in declarations if d.has_interest and d.member_id not in excluded_ids],
            not_declared=not_declared,
            is_open=self.item.status == AgendaItem.Status.OPEN and self.meeting.status in OPEN_MEETING,
            **kwargs,
        )


class ItemDeclareView(ItemAccess, FormPage):
    template_name = "partners/board/declare_form.html"
    required_roles = permissions.WRITE_ROLES

    def load(self, **kwargs: Any) -> None:
        self.load_item(kwargs["agenda_item_id"])
        self.own_seat = rules.seat_of(self.board, self.request.user)
        self.members = {m.pk: m for m in board_selectors.members_of(self.board)} if self.is_manager else {}
        if self.own_seat is None and not self.members:
            raise PermissionDenied("Only a member of the board can declare an interest")

    def get_form(self, form_class: Any = None) -> DeclarationForm:
        members = None
        if self.members:
            members = [(m.pk, f"{m.person}, {m.organisation_name}") for m in self.members.values()]
        return DeclarationForm(**self.get_form_kwargs(), members=members)

    def get_initial(self) -> dict[str, Any]:
        return {"member": self.own_seat.pk if self.own_seat else None}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            **self.board_context(), item=self.item, meeting=self.meeting, own_seat=self.own_seat, **kwargs
        )

    def act(self, form: DeclarationForm) -> HttpResponse:
        data = form.cleaned_data
        member = self.members.get(data["member"]) if data.get("member") else self.own_seat
        if member is None:
            raise PermissionDenied("Only a member of the board can declare an interest")
        board_services.declaration_record(
            item=self.item,
            member=member,
            has_interest=data["has_interest"] == "yes",
            interest=data["interest"],
            by=self.acting,
        )
        who = "Your" if member.person_id == self.request.user.pk else f"{member.person}'s"
        return self.done(f"{who} declaration is recorded", "item-detail", agenda_item_id=self.item.pk)


class ItemExcludeView(ItemAccess, FormPage):
    template_name = "partners/board/exclude_form.html"
    required_roles = permissions.WRITE_ROLES

    def load(self, **kwargs: Any) -> None:
        self.load_item(kwargs["agenda_item_id"])
        excluded = {x.member_id for x in board_selectors.exclusions_of(self.item)}
        self.declared = {
            d.member_id: d
            for d in board_selectors.declarations_of(self.item)
            if d.has_interest and d.member_id not in excluded
        }

    def get_form(self, form_class: Any = None) -> ExclusionForm:
        choices = [(pk, f"{d.member.person}: {d.interest}") for pk, d in self.declared.items()]
        return ExclusionForm(**self.get_form_kwargs(), declared=choices)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**self.item_context(), **kwargs)

    def act(self, form: ExclusionForm) -> HttpResponse:
        declaration = self.declared[form.cleaned_data["member"]]
        board_services.exclusion_record(
            item=self.item, member=declaration.member, reason=form.cleaned_data["reason"], by=self.acting
        )
        messages.success(
            self.request,
            f"{declaration.member.person} is excluded from this item and does not count towards its quorum",
        )
        return redirect("item-detail", agenda_item_id=self.item.pk)


class ItemDecideView(ItemAccess, FormPage):
    """The decision form, with the quorum as it stands now and (for an award) the evaluation summary and the
    panel's conflicts record above it."""

    template_name = "partners/board/decide_form.html"
    required_roles = permissions.WRITE_ROLES
    correcting: Decision | None = None

    def load(self, **kwargs: Any) -> None:
        self.load_item(kwargs["agenda_item_id"])
        if not rules.may_record_decision(self.item, self.request.user):
            raise PermissionDenied("Only the chair of this meeting or the board's clerk can record its decisions")

    def get_form(self, form_class: Any = None) -> DecisionForm:
        return DecisionForm(**self.get_form_kwargs(), item=self.item, correcting=self.correcting is not None)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            **self.item_context(),
            paper=board_pack.subject_summary(self.item),
            declarations=board_selectors.declarations_of(self.item),
            exclusions=board_selectors.exclusions_of(self.item),
            correcting=self.correcting,
            **kwargs,
        )

    def act(self, form: DecisionForm) -> HttpResponse:
        data = form.cleaned_data
        decision = board_services.decision_record(
            item=self.item,
            outcome=data["outcome"],
            method=data["method"],
            moderation_route=data["moderation_route"],
            moderation_result=data["moderation_result"],
            votes_for=data["votes_for"],
            votes_against=data["votes_against"],
            votes_abstain=data["votes_abstain"],
            minute=data["minute"],
            corrects=self.correcting,
            correction_reason=data.get("correction_reason", ""),
            by=self.acting,
        )
        verb = "corrected" if self.correcting else "recorded"
        return self.done(
            f"Decision {verb}: {decision.get_outcome_display().lower()}", "item-detail", agenda_item_id=self.item.pk
        )


class DecisionCorrectView(ItemDecideView):
    template_name = "partners/board/decide_form.html"

    def load(self, **kwargs: Any) -> None:
        decision = get_object_or_404(Decision.objects.all(), pk=kwargs["board_decision_id"])
        self.correcting = decision
        super().load(agenda_item_id=decision.item_id)


class ItemWithdrawView(ItemAccess, MemberView):
    http_method_names = ["post"]
    required_roles = permissions.WRITE_ROLES

    def load(self, **kwargs: Any) -> None:
        self.load_item(kwargs["agenda_item_id"])

    def post(self, request: HttpRequest, agenda_item_id: int) -> HttpResponse:
        try:
            board_services.item_withdraw(item=self.item, by=self.acting, reason=request.POST.get("reason", ""))
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"{self.item.title} is withdrawn from the agenda")
        return redirect("meeting-detail", board_meeting_id=self.meeting.pk)


class ItemPaperView(ItemAccess, MemberView):
    """The item's uploaded paper (members and clerks only)."""

    required_roles = permissions.READ_ROLES

    def load(self, **kwargs: Any) -> None:
        self.load_item(kwargs["agenda_item_id"])

    def get(self, request: HttpRequest, agenda_item_id: int) -> HttpResponse:
        if not self.item.paper:
            raise Http404("This item has no paper")
        if not self.sees_papers and self.item.presented_by_id != request.user.pk:
            raise PermissionDenied("Only the board's members and clerks can read its papers")
        return private_files.serve(self.item.paper, filename=self.item.paper_name or "paper")


# --- board pack --------------------------------------------------------------------------------------------------


def _pack_status(pack: BoardPack | None) -> dict[str, Any]:
    if pack is None:
        return {"status": "none", "label": "Not prepared", "progress": 0, "ready": False}
    body: dict[str, Any] = {
        "status": pack.status,
        "label": pack.get_status_display(),
        "progress": pack.progress,
        "ready": pack.status == BoardPack.Status.READY,
    }
    if body["ready"]:
        body["download_url"] = reverse("meeting-pack-download", kwargs={"board_meeting_id": pack.meeting_id})
        body["size"] = pack.size
    if pack.status == BoardPack.Status.FAILED:
        body["error"] = "The pack could not be prepared. Try again, or tell the clerk"
    return body


class MeetingPackView(MeetingAccess, MemberTemplateView):
    """The board pack: prepare it (in the background, with progress), then download it."""

    template_name = "partners/board/pack_status.html"
    required_roles = permissions.READ_ROLES
    write_roles = permissions.READ_ROLES

    def load(self, **kwargs: Any) -> None:
        self.load_meeting(kwargs["board_meeting_id"])
        if not self.sees_papers:
            raise PermissionDenied("Only the board's members and clerks can read its papers")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        digest = board_pack.content_hash(board_pack.pack_context(self.meeting))
        current = board_pack.latest_pack(self.meeting, digest)
        latest = board_pack.latest_pack(self.meeting)
        return super().get_context_data(
            **self.board_context(),
            meeting=self.meeting,
            pack=current,
            status=_pack_status(current),
            outdated=latest
            if latest is not None and latest.content_hash != digest and latest.status == BoardPack.Status.READY
            else None,
            **kwargs,
        )

    def post(self, request: HttpRequest, board_meeting_id: int) -> HttpResponse:
        pack = board_pack.pack_request(meeting=self.meeting, by=self.acting)
        pack.refresh_from_db()  # the task may already have run (eagerly, or on a fast worker)
        if pack.status != BoardPack.Status.READY:
            messages.success(request, "The board pack is being prepared")
        return redirect("meeting-pack", board_meeting_id=board_meeting_id)


class MeetingPackStatusView(MeetingAccess, MemberView):
    """JSON for the progress bar: ``{"status", "label", "progress", "ready", "download_url"}``."""

    required_roles = permissions.READ_ROLES

    def load(self, **kwargs: Any) -> None:
        self.load_meeting(kwargs["board_meeting_id"])
        if not self.sees_papers:
            raise PermissionDenied("Only the board's members and clerks can read its papers")

    def get(self, request: HttpRequest, board_meeting_id: int) -> JsonResponse:
        response = JsonResponse(_pack_status(board_pack.latest_pack(self.meeting)))
        response["Cache-Control"] = "no-store"
        return response


class MeetingPackDownloadView(MeetingAccess, MemberView):
    required_roles = permissions.READ_ROLES

    def load(self, **kwargs: Any) -> None:
        self.load_meeting(kwargs["board_meeting_id"])
        if not self.sees_papers:
            raise PermissionDenied("Only the board's members and clerks can read its papers")

    def get(self, request: HttpRequest, board_meeting_id: int) -> HttpResponse:
        pack = board_pack.latest_ready(self.meeting)
        if pack is None:
            return redirect("meeting-pack", board_meeting_id=board_meeting_id)
        audit.record(obj=pack, action="board.pack_downloaded", by=self.acting)
        return private_files.serve(pack.file, filename=pack.filename, inline=request.GET.get("inline") == "1")

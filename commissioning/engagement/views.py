"""Pages: a partnership's engagement events (organiser's side: set up, open, places, attendance, notes), the public
events list and event page with sign-up and the waiting list, and the standing engagement group."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone

from commissioning.commissions.models import JointCommission
from commissioning.engagement.forms import EventForm, GroupForm, GroupMemberForm, MeetingForm, NotesForm, SignupForm
from commissioning.engagement.models import EngagementEvent, EngagementGroup, EventSignup, GroupMeeting, SignupStatus
from commissioning.engagement.rules import is_organiser, signup_blockers
from commissioning.engagement.selectors import (
    events_of,
    group_page,
    groups_of,
    places_left,
    public_events,
    signups_of,
    with_counts,
)
from commissioning.engagement.services import (
    attendance_record,
    event_create,
    event_update,
    group_create,
    group_meeting_publish,
    group_meeting_record,
    group_member_add,
    notes_publish,
    signup_cancel,
    signup_create,
)
from commissioning.engagement.workflows import EVENT_WORKFLOW
from commissioning.service_map.models import ServiceArea
from commissioning.service_map.permissions import READ_ROLES, WRITE_ROLES
from commissioning.service_map.selectors import partnerships_of
from commissioning.service_map.views import PartnershipMixin
from core.errors import DomainError
from core.views import FormPage, MemberTemplateView, MemberView, PublicTemplateView, TransitionView
from partners.models import Organisation

EVENT_FIELDS = ("title", "kind", "description", "format", "location", "starts_at", "ends_at", "capacity")


def _event_form_kwargs(partnership_id: int) -> dict[str, Any]:
    return {
        "areas": ServiceArea.objects.filter(partnership_id=partnership_id),
        "commissions": JointCommission.objects.filter(partnership_id=partnership_id),
    }


class EventsView(PartnershipMixin, MemberTemplateView):
    template_name = "commissioning/engagement/events.html"
    required_roles = READ_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            partnership=self.partnership,
            events=list(events_of(partnership=self.partnership)),
            groups=list(groups_of(partnership=self.partnership)),
            may_write=self.acting.has_role(*WRITE_ROLES),
            **kwargs,
        )


class EventCreateView(PartnershipMixin, FormPage):
    form_class = EventForm
    required_roles = WRITE_ROLES
    heading = "Set up an engagement event"
    button = "Save as a draft"

    def get_caption(self) -> str:
        return self.partnership.name

    def back_url(self) -> str:
        return reverse("engagement-events", kwargs={"partnership_id": self.partnership.pk})

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), **_event_form_kwargs(self.partnership.pk)}

    def act(self, form: EventForm) -> HttpResponse:
        event = event_create(partnership=self.partnership, by=self.acting, **form.cleaned_data)
        return self.done(f"Event saved as a draft: {event.title}", "engagement-event", event_id=event.pk)


class EventMixin:
    acting: Any

    def load(self, **kwargs: Any) -> None:
        self.event = get_object_or_404(
            EngagementEvent.objects.select_related("organiser", "partnership", "service_area", "commission"),
            pk=kwargs["event_id"],
        )


class OrganiserEventMixin(EventMixin):
    """The organiser's pages of an event: the partnership's members only."""

    def load(self, **kwargs: Any) -> None:
        self.event = get_object_or_404(
            with_counts(
                EngagementEvent.objects.filter(
                    partnership__memberships__organisation=self.acting.organisation,
                    partnership__memberships__status="active",
                )
            ).select_related("organiser", "partnership", "service_area", "commission"),
            pk=kwargs["event_id"],
        )


class EventDetailView(OrganiserEventMixin, FormPage):
    """The organiser's page of an event: its details (a form for the organiser), steps, places and attendance."""

    template_name = "commissioning/engagement/event.html"
    form_class = EventForm
    required_roles = READ_ROLES
    write_roles = WRITE_ROLES
    button = "Save changes"

    def get_heading(self) -> str:
        return self.event.title

    def get_caption(self) -> str:
        return f"{self.event.get_kind_display()} organised by {self.event.organiser.name}"

    def back_url(self) -> str:
        return reverse("engagement-events", kwargs={"partnership_id": self.event.partnership_id})

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        if self.request.method == "GET":
            kwargs["initial"] = {name: getattr(self.event, name) for name in EVENT_FIELDS} | {
                "starts_at": timezone.localtime(self.event.starts_at),
                "ends_at": timezone.localtime(self.event.ends_at),
                "service_area": self.event.service_area_id,
                "commission": self.event.commission_id,
            }
        return {**kwargs, **_event_form_kwargs(self.event.partnership_id)}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        organiser = is_organiser(self.event, self.acting)
        return super().get_context_data(
            event=self.event,
            organiser=organiser,
            read_only=not organiser or self.event.status in ("held", "cancelled"),
            started=self.event.starts_at <= timezone.now(),
            signups=signups_of(event=self.event) if organiser else [],
            steps=EVENT_WORKFLOW.possible_for(self.event, self.acting),
            notes_form=NotesForm(initial={"notes": self.event.notes}),
            **kwargs,
        )

    def act(self, form: EventForm) -> HttpResponse:
        event_update(event=self.event, changes=form.cleaned_data, by=self.acting)
        return self.done("Event saved", "engagement-event", event_id=self.event.pk)


class EventTransitionView(OrganiserEventMixin, TransitionView):
    workflow = EVENT_WORKFLOW
    required_roles = WRITE_ROLES

    def load(self, **kwargs: Any) -> None:
        super().load(**kwargs)
        self.object = self.event

    def get_success_url(self) -> str:
        return reverse("engagement-event", kwargs={"event_id": self.event.pk})


class AttendanceView(OrganiserEventMixin, MemberView):
    http_method_names = ["post"]
    required_roles = WRITE_ROLES

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        ids = [int(v) for v in request.POST.getlist("attended")[:2000] if v.isdigit() and len(v) < 12]
        try:
            came = attendance_record(event=self.event, attended=ids, by=self.acting)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Attendance recorded: {came} came")
        return redirect("engagement-event", event_id=self.event.pk)


class NotesView(OrganiserEventMixin, FormPage):
    form_class = NotesForm
    required_roles = WRITE_ROLES
    heading = "Publish the notes or Q&A"
    button = "Publish"

    def get_caption(self) -> str:
        return self.event.title

    def back_url(self) -> str:
        return reverse("engagement-event", kwargs={"event_id": self.event.pk})

    def get_initial(self) -> dict[str, Any]:
        return {"notes": self.event.notes}

    def act(self, form: NotesForm) -> HttpResponse:
        notes_publish(event=self.event, notes=form.cleaned_data["notes"], by=self.acting)
        return self.done("Notes published", "public-event", event_id=self.event.pk)


# --- the public side ---------------------------------------------------------------------------------------------


class PublicEventsView(PublicTemplateView):
    template_name = "commissioning/engagement/public_events.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        now = timezone.now()
        events = list(public_events())
        return super().get_context_data(
            upcoming=[e for e in events if e.starts_at > now and e.status != "held"][::-1],
            past=[e for e in events if e.starts_at <= now or e.status == "held"],
            **kwargs,
        )


class PublicEventView(EventMixin, PublicTemplateView):
    """An event's public page: what, when, where, places left, sign-up (signed in) and the published notes."""

    template_name = "commissioning/engagement/public_event.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.load(**kwargs)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        acting = getattr(self.request, "acting", None)
        own: list[EventSignup] = []
        if acting is not None and acting.organisation is not None:
            own = [
                s
                for s in EventSignup.objects.filter(event=self.event, organisation=acting.organisation)
                .select_related("person")
                .order_by("created_at", "pk")
                if s.status != SignupStatus.CANCELLED
            ]
        return super().get_context_data(
            event=self.event,
            places_left=places_left(self.event),
            blockers=signup_blockers(self.event, now=timezone.now()),
            own=own,
            signed_in=acting is not None and acting.organisation is not None,
            **kwargs,
        )


class SignupView(EventMixin, FormPage):
    """Sign up for an event: a place while there is one, else the waiting list."""

    form_class = SignupForm
    heading = "Sign up"
    button = "Sign up"

    def get_caption(self) -> str:
        return self.event.title

    def get_intro(self) -> str:
        left = places_left(self.event)
        if left:
            return (
                f"{left} place{'s' if left != 1 else ''} left. You are signing up as {self.request.user} for "
                f"{self.acting.organisation.name}."
            )
        return "The event is full: you will join the waiting list, and get a place if someone cancels."

    def back_url(self) -> str:
        return reverse("public-event", kwargs={"event_id": self.event.pk})

    def act(self, form: SignupForm) -> HttpResponse:
        signup = signup_create(event=self.event, access_needs=form.cleaned_data["access_needs"], by=self.acting)
        if signup.status == SignupStatus.BOOKED:
            message = "You have a place. We will remind you before the event."
        else:
            message = "The event is full: you are on the waiting list. We will tell you if a place comes free."
        return self.done(message, "public-event", event_id=self.event.pk)


class SignupCancelView(MemberView):
    http_method_names = ["post"]

    def load(self, **kwargs: Any) -> None:
        self.signup = get_object_or_404(EventSignup.objects.select_related("event"), pk=kwargs["signup_id"])

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        signup_cancel(signup=self.signup, by=self.acting)
        messages.success(request, "Your place is cancelled")
        return redirect("public-event", event_id=self.signup.event_id)


# --- the engagement group -------------------------------------------------------------------------------------


class GroupCreateView(PartnershipMixin, FormPage):
    form_class = GroupForm
    required_roles = WRITE_ROLES
    heading = "Set up an engagement group"
    button = "Set up the group"

    def back_url(self) -> str:
        return reverse("engagement-events", kwargs={"partnership_id": self.partnership.pk})

    def act(self, form: GroupForm) -> HttpResponse:
        group = group_create(partnership=self.partnership, by=self.acting, **form.cleaned_data)
        return self.done(f"Group set up: {group.name}", "engagement-group", group_id=group.pk)


class GroupMixin:
    acting: Any

    def load(self, **kwargs: Any) -> None:
        self.group = get_object_or_404(EngagementGroup.objects.select_related("partnership"), pk=kwargs["group_id"])


class GroupView(GroupMixin, PublicTemplateView):
    """The group's public page: who sits on it and its published notes (partners also see unpublished ones)."""

    template_name = "commissioning/engagement/group.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.load(**kwargs)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        acting = getattr(self.request, "acting", None)
        page = group_page(group=self.group)
        partner = bool(
            acting is not None
            and acting.organisation is not None
            and acting.has_role(*WRITE_ROLES)
            and self.group.partnership.memberships.filter(organisation=acting.organisation, status="active").exists()
        )
        return super().get_context_data(page=page, group=self.group, partner=partner, **kwargs)


class GroupPartnerMixin:
    """The partnership's own pages of its group: another organisation's answer is 404."""

    acting: Any

    def load(self, **kwargs: Any) -> None:
        self.group = get_object_or_404(
            EngagementGroup.objects.filter(
                partnership__in=partnerships_of(organisation=self.acting.organisation)
            ).select_related("partnership"),
            pk=kwargs["group_id"],
        )


class GroupMemberAddView(GroupPartnerMixin, FormPage):
    form_class = GroupMemberForm
    required_roles = WRITE_ROLES
    heading = "Add a member"
    button = "Add member"

    def get_caption(self) -> str:
        return self.group.name

    def back_url(self) -> str:
        return reverse("engagement-group", kwargs={"group_id": self.group.pk})

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "organisations": Organisation.objects.order_by("name")}

    def act(self, form: GroupMemberForm) -> HttpResponse:
        member = group_member_add(group=self.group, by=self.acting, **form.cleaned_data)
        return self.done(f"{member.name} added", "engagement-group", group_id=self.group.pk)


class GroupMeetingAddView(GroupPartnerMixin, FormPage):
    form_class = MeetingForm
    required_roles = WRITE_ROLES
    heading = "Record a meeting"
    button = "Save the notes"

    def get_caption(self) -> str:
        return self.group.name

    def back_url(self) -> str:
        return reverse("engagement-group", kwargs={"group_id": self.group.pk})

    def act(self, form: MeetingForm) -> HttpResponse:
        group_meeting_record(group=self.group, by=self.acting, **form.cleaned_data)
        return self.done("Meeting recorded", "engagement-group", group_id=self.group.pk)


class GroupMeetingPublishView(MemberView):
    http_method_names = ["post"]
    required_roles = WRITE_ROLES

    def load(self, **kwargs: Any) -> None:
        self.meeting = get_object_or_404(GroupMeeting.objects.select_related("group"), pk=kwargs["meeting_id"])

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        group_meeting_publish(meeting=self.meeting, by=self.acting)
        messages.success(request, "Notes published")
        return redirect("engagement-group", group_id=self.meeting.group_id)

"""Pages: the commission's timetable: stages, reminders and the calendar feed."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone

from commissioning.commissions.permissions import is_lead
from commissioning.commissions.views import CommissionMixin
from commissioning.service_map.permissions import READ_ROLES, WRITE_ROLES
from commissioning.timetable.exports import stages_ical
from commissioning.timetable.forms import StageForm, TimetableForm
from commissioning.timetable.models import CalendarFeed, Stage
from commissioning.timetable.selectors import calendar_stages, gantt, stage_owner_choices, stages_of
from commissioning.timetable.services import (
    calendar_feed_for,
    calendar_feed_reset,
    stage_add,
    stage_complete,
    stage_update,
    timetable_from_template,
)
from core.errors import DomainError
from core.tenancy import unscoped
from core.views import FormPage, MemberTemplateView, MemberView, PublicView
from partners.models import Membership, Role


class TimetableView(CommissionMixin, FormPage):
    template_name = "commissioning/timetable.html"
    form_class = TimetableForm
    required_roles = READ_ROLES
    write_roles = WRITE_ROLES
    button = "Create the timetable"

    def get_initial(self) -> dict[str, Any]:
        return {"begins_on": timezone.localdate()}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        c = self.commission
        today = timezone.localdate()
        stages = stages_of(commission=c)
        return super().get_context_data(
            commission=c,
            stages=stages,
            gantt=gantt(commission=c, stages=stages, today=today) if stages else "",
            today=today,
            is_lead=is_lead(c, self.acting),
            **kwargs,
        )

    def act(self, form: TimetableForm) -> HttpResponse:
        stages = timetable_from_template(
            commission=self.commission, begins_on=form.cleaned_data["begins_on"], by=self.acting
        )
        return self.done(
            f"Timetable created with {len(stages)} stages from the TSCiP template",
            "commission-timetable",
            commission_id=self.commission.pk,
        )


class StageEditView(FormPage):
    form_class = StageForm
    required_roles = WRITE_ROLES
    heading = "Change a stage"
    button = "Save stage"

    def load(self, **kwargs: Any) -> None:
        self.stage = get_object_or_404(Stage.objects.select_related("commission", "owner"), pk=kwargs["stage_id"])

    def get_caption(self) -> str:
        return self.stage.commission.title

    def back_url(self) -> str:
        return reverse("commission-timetable", kwargs={"commission_id": self.stage.commission_id})

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "owners": stage_owner_choices(commission=self.stage.commission)}

    def get_initial(self) -> dict[str, Any]:
        s = self.stage
        owner = (
            Membership.objects.unscoped(reason="the stage's owner may work for another partner organisation")
            .filter(user_id=s.owner_id, organisation_id=s.owner_organisation_id)
            .first()
            if s.owner_id
            else None
        )
        return {
            "name": s.name,
            "owner": owner,
            "planned_start": s.planned_start,
            "planned_end": s.planned_end,
            "completed_on": s.completed_on,
            "notes": s.notes,
        }

    def act(self, form: StageForm) -> HttpResponse:
        data = dict(form.cleaned_data)
        membership = data.pop("owner")
        stage = stage_update(stage=self.stage, owner=membership.user if membership else None, by=self.acting, **data)
        return self.done(f"{stage.name} saved", "commission-timetable", commission_id=stage.commission_id)


class StageAddView(CommissionMixin, FormPage):
    form_class = StageForm
    required_roles = WRITE_ROLES
    heading = "Add a stage"
    button = "Add stage"

    def back_url(self) -> str:
        return reverse("commission-timetable", kwargs={"commission_id": self.commission.pk})

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "owners": stage_owner_choices(commission=self.commission)}

    def act(self, form: StageForm) -> HttpResponse:
        data = form.cleaned_data
        stage = stage_add(
            commission=self.commission,
            name=data["name"],
            planned_start=data["planned_start"],
            planned_end=data["planned_end"],
            owner=data["owner"].user if data["owner"] else None,
            by=self.acting,
        )
        return self.done(f"{stage.name} added", "commission-timetable", commission_id=self.commission.pk)


class StageCompleteView(MemberView):
    http_method_names = ["post"]
    required_roles = (Role.COMMISSIONER, Role.FINANCE_OFFICER, Role.ORG_ADMIN)

    def load(self, **kwargs: Any) -> None:
        self.stage = get_object_or_404(Stage.objects.select_related("commission"), pk=kwargs["stage_id"])

    def post(self, request: HttpRequest, stage_id: int) -> HttpResponse:
        try:
            stage_complete(stage=self.stage, by=self.acting)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"{self.stage.name} is marked done")
        return redirect("commission-timetable", commission_id=self.stage.commission_id)


class CalendarView(MemberTemplateView):
    """The person's private calendar address (for Outlook, Google or Apple calendars)."""

    template_name = "commissioning/calendar.html"
    required_roles = READ_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        feed = calendar_feed_for(user=self.request.user)  # type: ignore[arg-type]
        url = self.request.build_absolute_uri(reverse("calendar-feed", kwargs={"feed_token": feed.token}))
        return super().get_context_data(
            feed_url=url, stages=calendar_stages(user=self.request.user), today=timezone.localdate(), **kwargs
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        calendar_feed_reset(by=self.acting)
        return self.done("A new calendar address is ready. The old one no longer works", "calendar")


class CalendarFeedView(PublicView):
    """An iCal feed for calendar apps, which cannot sign in: the unguessable address is the credential. It carries
    only stage names and dates, can be replaced at any time, and follows the person's current memberships."""

    def get(self, request: HttpRequest, feed_token: str) -> HttpResponse:
        with unscoped(
            reason="the feed's address is the credential: it names its person, whose organisation is not known yet"
        ):
            feed = CalendarFeed.objects.select_related("user").filter(token=feed_token).first()
        if feed is None or not feed.user.is_active:
            raise Http404("No such calendar")
        stages = calendar_stages(user=feed.user)
        response = HttpResponse(stages_ical(stages, user=feed.user), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="jointly.ics"'
        response["Cache-Control"] = "private, max-age=300"
        response["X-Robots-Tag"] = "noindex"
        return response

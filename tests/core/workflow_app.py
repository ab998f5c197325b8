"""A throwaway app for the transition mechanism's tests: a workflow on a partnership's ``description`` (a text
field standing in for a status column), its effects bound as an app's services would bind them, a page
(``TransitionView``), a form page (``FormPage``) and an API viewset (``WorkflowActions``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import include, path
from django.utils import timezone
from rest_framework.routers import SimpleRouter

from config.urls import urlpatterns as site_urlpatterns
from core.actors import Actor
from core.api import TenantReadOnlyViewSet, WorkflowActions
from core.api_fields import BoundedModelSerializer
from core.errors import DomainError, NotPermitted
from core.forms import BoundedForm
from core.views import FormPage, TransitionView
from core.workflow import Transition, Workflow
from partners.models import Partnership, Role


class ThingState(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"


S = ThingState
COMMISSIONERS = frozenset({Role.COMMISSIONER})
BLOCKERS: list[str] = []  # what the "open" guard reports; tests set it
CALLS: list[dict[str, Any]] = []  # what the bound effects saw


def _blockers(thing: Partnership) -> list[str]:
    return list(BLOCKERS)


def _stamp(thing: Partnership, by: Actor) -> None:
    """A callable effect: a simple stamp, run after the new state is saved."""
    thing.name = f"{thing.name.split(' (opened')[0]} (opened {timezone.localdate():%Y})"
    thing.save(update_fields=["name"])


THING_WORKFLOW = Workflow(
    "core_test_thing",
    ThingState,
    [
        Transition(
            "open",
            (S.DRAFT,),
            S.OPEN,
            "Open it",
            roles=COMMISSIONERS,
            who="a commissioner",
            guards=(_blockers,),
            effects=(_stamp, "tell_partners"),
        ),
        Transition("close", (S.OPEN,), S.CLOSED, "Close it", roles=COMMISSIONERS, needs_reason=True),
        Transition("explode", (S.DRAFT,), S.CANCELLED, "Cancel it", roles=COMMISSIONERS, effects=("fail",)),
        Transition("forbid", (S.OPEN,), S.CANCELLED, "Withdraw it", roles=COMMISSIONERS, effects=("refuse",)),
    ],
    field="description",
    terminal=(S.CLOSED, S.CANCELLED),
    colours={S.DRAFT: "grey", S.OPEN: "green", S.CLOSED: "grey", S.CANCELLED: "grey"},
)


# --- "services": the named effects, bound where the work lives ------------------------------------------------------


@THING_WORKFLOW.effect("tell_partners")
def tell_partners(thing: Partnership, *, by: Actor, reason: str, data: dict[str, Any] | None) -> None:
    CALLS.append({"pk": thing.pk, "state": thing.description, "by": by, "reason": reason, "data": data})


@THING_WORKFLOW.effect("fail")
def fail(thing: Partnership, *, by: Actor, reason: str, data: dict[str, Any] | None) -> None:
    thing.name = "changed by a failing effect"
    thing.save(update_fields=["name"])
    raise RuntimeError("the notification service is down")


@THING_WORKFLOW.effect("refuse")
def refuse(thing: Partnership, *, by: Actor, reason: str, data: dict[str, Any] | None) -> None:
    raise NotPermitted("Only the chair may withdraw it")


# --- pages ---------------------------------------------------------------------------------------------------------


class ThingTransitionView(TransitionView):
    workflow = THING_WORKFLOW
    required_roles = (Role.COMMISSIONER, Role.ORG_ADMIN)

    def load(self, **kwargs: Any) -> None:
        self.object = get_object_or_404(Partnership.objects.all(), pk=kwargs["partnership_id"])

    def get_success_url(self) -> str:
        return f"/core-test/things/{self.object.pk}/"


class RenameForm(BoundedForm):
    name = forms.CharField(max_length=200)
    attachment = forms.FileField(required=False)


class RenameView(FormPage):
    form_class = RenameForm
    required_roles = (Role.COMMISSIONER,)
    heading = "Rename the thing"
    caption = "A test"
    intro = "Names are public."

    def load(self, **kwargs: Any) -> None:
        self.object = get_object_or_404(Partnership.objects.all(), pk=kwargs["partnership_id"])

    def back_url(self) -> str:
        return f"/core-test/things/{self.object.pk}/"

    def act(self, form: Any) -> HttpResponse:
        name = form.cleaned_data["name"]
        if name == "forbidden":
            raise NotPermitted("Only the accountable body can rename it")
        if name.lower() == name:
            raise DomainError("Start the name with a capital letter", field="name")
        return redirect(self.back_url())


# --- API -----------------------------------------------------------------------------------------------------------


class ThingSerializer(BoundedModelSerializer):
    class Meta:
        model = Partnership
        fields = ["id", "name", "description"]


class ThingViewSet(WorkflowActions, TenantReadOnlyViewSet):
    workflow = THING_WORKFLOW
    serializer_class = ThingSerializer
    required_roles = (Role.COMMISSIONER, Role.ORG_ADMIN, Role.FINANCE_OFFICER)

    def get_queryset(self) -> models.QuerySet[Partnership]:
        return Partnership.objects.order_by("pk")


router = SimpleRouter(trailing_slash=True)
router.register("core-test-things", ThingViewSet, basename="core-test-thing")

urlpatterns = [
    path("core-test/things/<int:partnership_id>/transition/", ThingTransitionView.as_view(), name="core-test-move"),
    path("core-test/things/<int:partnership_id>/rename/", RenameView.as_view(), name="core-test-rename"),
    path("api/v1/", include((router.urls, "core-test-api"))),
    *site_urlpatterns,
]

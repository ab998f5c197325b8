"""The one transition mechanism: reasons, declared effects (run inside the step's transaction), the registry and its
system check, the page (``TransitionView``), the API action (``WorkflowActions``) and its OpenAPI documentation,
``FormPage``, ``apply_changes``, status colours declared with the workflow, and ``NotPermitted``."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ImproperlyConfigured
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.template import Context, Template
from django.urls import get_resolver
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from core import errors
from core import workflow as workflow_module
from core.actors import SYSTEM
from core.api import WorkflowActions
from core.audit import history_for
from core.changes import apply_changes
from core.checks import effects_are_bound
from core.errors import DomainError, NotPermitted, TransitionNotAllowed
from core.templatetags.jointly import _TAG_COLOURS, status_tag
from core.workflow import Transition, Workflow, colour_for, transition, workflows
from partners.acting import Acting
from partners.models import Membership, Partnership
from tests.conftest import api_client, sign_in
from tests.core import workflow_app as app
from tests.core.workflow_app import THING_WORKFLOW, ThingState

URLS = "tests.core.workflow_app"


def acting(user, organisation) -> Acting:
    m = Membership.objects.get(user=user, organisation=organisation)
    return Acting(user=user, organisation=organisation, membership=m, roles=frozenset(m.roles))


@pytest.fixture
def thing(world):
    app.BLOCKERS.clear()
    app.CALLS.clear()
    p = Partnership.objects.get(pk=world.partnership.pk)
    p.description = ThingState.DRAFT
    p.save()
    return p


def _state(thing) -> str:
    return Partnership.objects.get(pk=thing.pk).description


# --- the mechanism ---------------------------------------------------------------------------------------------------


def test_a_step_that_needs_a_reason_refuses_a_blank_one_and_records_the_reason(world, thing):
    by = acting(world.lead_commissioner, world.county)
    transition(obj=thing, workflow=THING_WORKFLOW, name="open", by=by)
    with pytest.raises(DomainError) as refused:
        transition(obj=thing, workflow=THING_WORKFLOW, name="close", by=by, reason="   ")
    assert refused.value.field == "reason"
    assert refused.value.message.startswith("Give a reason")
    assert _state(thing) == ThingState.OPEN

    transition(obj=thing, workflow=THING_WORKFLOW, name="close", by=by, reason="  Finished  ")
    assert _state(thing) == ThingState.CLOSED
    event = history_for(thing).first()
    assert (event.action, event.reason) == ("core_test_thing.close", "Finished")


def test_effects_run_in_order_after_the_state_is_saved_with_what_the_step_was_given(world, thing):
    by = acting(world.lead_commissioner, world.county)
    moved = transition(obj=thing, workflow=THING_WORKFLOW, name="open", by=by, reason="ready", data={"n": 1})
    assert moved.name.endswith(f"(opened {timezone.localdate():%Y})")  # the callable stamp ran
    assert [{"pk": thing.pk, "state": "open", "by": by, "reason": "ready", "data": {"n": 1}}] == app.CALLS
    assert thing.description == ThingState.OPEN  # the caller's object follows


def test_a_failing_effect_undoes_the_whole_step(world, thing):
    by = acting(world.lead_commissioner, world.county)
    name_before = thing.name
    with pytest.raises(RuntimeError, match="notification service"):
        transition(obj=thing, workflow=THING_WORKFLOW, name="explode", by=by)
    fresh = Partnership.objects.get(pk=thing.pk)
    assert (fresh.description, fresh.name) == (ThingState.DRAFT, name_before)
    assert not history_for(thing).filter(action="core_test_thing.explode").exists()


def test_a_refused_step_runs_no_effect(world, thing):
    app.BLOCKERS.append("Lichfield has not signed")
    with pytest.raises(TransitionNotAllowed) as refused:
        transition(obj=thing, workflow=THING_WORKFLOW, name="open", by=acting(world.lead_commissioner, world.county))
    assert refused.value.problems == ["Lichfield has not signed"]
    assert app.CALLS == []
    with pytest.raises(TransitionNotAllowed, match="Cannot open it"):
        transition(obj=thing, workflow=THING_WORKFLOW, name="open", by=SYSTEM)


def test_the_registry_holds_every_workflow_and_binding_an_undeclared_name_fails():
    workflow_module.discover_effects()
    names = {w.name for w in workflows()}
    assert {"core_test_thing", "commission"} <= names
    with pytest.raises(ValueError, match="declares an effect called 'nothing'"):
        THING_WORKFLOW.effect("nothing")


def test_every_declared_effect_of_every_workflow_is_bound():
    assert effects_are_bound() == []


def test_the_system_check_fails_on_an_effect_nobody_binds(monkeypatch):
    monkeypatch.setattr(workflow_module, "_REGISTRY", dict(workflow_module._REGISTRY))
    Workflow(
        "core_test_unbound",
        ThingState,
        [Transition("open", (ThingState.DRAFT,), ThingState.OPEN, "Open", effects=("notify_nobody",))],
    )
    problems = effects_are_bound()
    assert [p.id for p in problems] == ["core.E001"]
    assert "core_test_unbound" in problems[0].msg and "notify_nobody" in problems[0].msg


def test_an_unbound_effect_is_a_configuration_error_at_run_time_too(world, thing, monkeypatch):
    monkeypatch.setattr(workflow_module, "_REGISTRY", dict(workflow_module._REGISTRY))
    loose = Workflow(
        "core_test_loose",
        ThingState,
        [Transition("open", (ThingState.DRAFT,), ThingState.OPEN, "Open", system=True, effects=("nobody",))],
        field="description",
    )
    with pytest.raises(ImproperlyConfigured, match="nobody"):
        transition(obj=thing, workflow=loose, name="open", by=SYSTEM)
    assert _state(thing) == ThingState.DRAFT


# --- the page -------------------------------------------------------------------------------------------------------


def _flash(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.urls(URLS)
def test_the_page_takes_a_step_and_says_done(client, world, thing):
    sign_in(client, world.lead_commissioner, world.county)
    response = client.post(f"/core-test/things/{thing.pk}/transition/", {"transition": "open"})
    assert response.status_code == 302 and response["Location"] == f"/core-test/things/{thing.pk}/"
    assert _flash(response)[-1] == "Done: Open it"
    assert _state(thing) == ThingState.OPEN


@pytest.mark.urls(URLS)
def test_the_page_shows_what_blocks_a_step_or_a_missing_reason(client, world, thing):
    sign_in(client, world.lead_commissioner, world.county)
    app.BLOCKERS.append("Lichfield has not signed")
    response = client.post(f"/core-test/things/{thing.pk}/transition/", {"transition": "open"})
    assert response.status_code == 302
    assert _flash(response)[-1] == "Cannot open it: Lichfield has not signed"
    assert _state(thing) == ThingState.DRAFT

    app.BLOCKERS.clear()
    client.post(f"/core-test/things/{thing.pk}/transition/", {"transition": "open"})
    response = client.post(f"/core-test/things/{thing.pk}/transition/", {"transition": "close", "reason": ""})
    assert _flash(response)[-1] == "Give a reason for this step"
    response = client.post(f"/core-test/things/{thing.pk}/transition/", {"transition": "nonsense"})
    assert _flash(response)[-1] == "Choose a step"
    assert _state(thing) == ThingState.OPEN


@pytest.mark.urls(URLS)
def test_the_page_answers_403_when_not_permitted_and_404_for_another_tenants_object(client, world, thing):
    sign_in(client, world.lead_commissioner, world.county)
    client.post(f"/core-test/things/{thing.pk}/transition/", {"transition": "open"})
    response = client.post(f"/core-test/things/{thing.pk}/transition/", {"transition": "forbid"})
    assert response.status_code == 403
    assert b"Only the chair may withdraw it" in response.content
    assert _state(thing) == ThingState.OPEN

    sign_in(client, world.outsider, world.other_council)
    response = client.post(f"/core-test/things/{thing.pk}/transition/", {"transition": "close", "reason": "x"})
    assert response.status_code == 404


# --- the API --------------------------------------------------------------------------------------------------------


@pytest.mark.urls(URLS)
def test_the_api_takes_a_step_and_answers_the_object(world, thing):
    county = api_client(world.lead_commissioner, world.county)
    response = county.post(f"/api/v1/core-test-things/{thing.pk}/transition/", {"transition": "open"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["description"] == "open"
    assert response.json()["id"] == thing.pk


@pytest.mark.urls(URLS)
def test_the_api_lists_the_steps_the_caller_could_take_with_what_blocks_each(world, thing):
    county = api_client(world.lead_commissioner, world.county)
    app.BLOCKERS.append("Lichfield has not signed")
    steps = county.get(f"/api/v1/core-test-things/{thing.pk}/transitions/").json()
    assert steps == [
        {
            "transition": "open",
            "label": "Open it",
            "target": "open",
            "needs_reason": False,
            "problems": ["Lichfield has not signed"],
        },
        {"transition": "explode", "label": "Cancel it", "target": "cancelled", "needs_reason": False, "problems": []},
    ]
    finance = api_client(world.finance_officer, world.district)  # may read, holds none of the steps' roles
    assert finance.get(f"/api/v1/core-test-things/{thing.pk}/transitions/").json() == []


@pytest.mark.urls(URLS)
def test_api_refusals_are_400_with_detail_and_problems_or_403_never_500(world, thing):
    county = api_client(world.lead_commissioner, world.county)
    url = f"/api/v1/core-test-things/{thing.pk}/transition/"

    app.BLOCKERS.append("Lichfield has not signed")
    response = county.post(url, {"transition": "open"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"detail": "Cannot open it", "problems": ["Lichfield has not signed"]}

    response = county.post(url, {"transition": "close", "reason": ""}, format="json")
    assert response.status_code == 400
    assert response.json()["detail"] == "Give a reason for this step"
    assert response.json()["problems"] == []
    assert response.json()["reason"] == ["Give a reason for this step"]

    response = county.post(url, {"transition": "nonsense"}, format="json")
    assert response.status_code == 400 and "transition" in response.json()

    app.BLOCKERS.clear()
    county.post(url, {"transition": "open"}, format="json")
    response = county.post(url, {"transition": "forbid"}, format="json")
    assert response.status_code == 403
    assert "Only the chair may withdraw it" in response.json()["detail"]
    assert _state(thing) == ThingState.OPEN

    finance = api_client(world.finance_officer, world.district)
    response = finance.post(url, {"transition": "close", "reason": "done"}, format="json")
    assert response.status_code == 400
    assert response.json()["problems"] == ["Only an authorised person can do this"]

    outsider = api_client(world.outsider, world.other_council)
    assert outsider.post(url, {"transition": "close", "reason": "x"}, format="json").status_code == 404


@pytest.mark.urls(URLS)
def test_the_openapi_schema_documents_each_workflows_steps_as_an_enum():
    schema = SchemaGenerator(urlconf=get_resolver(URLS).urlconf_module).get_schema(request=None, public=True)
    post = schema["paths"]["/api/v1/core-test-things/{id}/transition/"]["post"]
    body = post["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert body == "#/components/schemas/CoreTestThingTransitionRequest"
    component = schema["components"]["schemas"]["CoreTestThingTransitionRequest"]
    enum_ref = component["properties"]["transition"]["allOf"][0]["$ref"].rsplit("/", 1)[1]
    assert enum_ref == "CoreTestThingTransitionTransitionEnum"
    assert schema["components"]["schemas"][enum_ref]["enum"] == ["open", "close", "explode", "forbid"]
    assert post["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/Thing")
    listing = schema["paths"]["/api/v1/core-test-things/{id}/transitions/"]["get"]
    items = listing["responses"]["200"]["content"]["application/json"]["schema"]
    assert items["type"] == "array" and items["items"]["$ref"].endswith("/WorkflowStep")


# --- FormPage -------------------------------------------------------------------------------------------------------


@pytest.mark.urls(URLS)
def test_the_form_page_shows_a_refusal_on_the_form_with_400_and_keeps_what_was_typed(client, world, thing):
    sign_in(client, world.lead_commissioner, world.county)
    url = f"/core-test/things/{thing.pk}/rename/"
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    for text in ("Rename the thing", "A test", "Names are public.", "Save", f"/core-test/things/{thing.pk}/"):
        assert text in html
    assert page.templates[0].name == "core/form_page.html"

    response = client.post(url, {"name": "lower case"})
    assert response.status_code == 400
    assert "Start the name with a capital letter" in response.content.decode()
    assert 'value="lower case"' in response.content.decode()

    response = client.post(url, {"name": "forbidden"})
    assert response.status_code == 403

    response = client.post(url, {"name": "Upper"})
    assert response.status_code == 302


# --- apply_changes, colours, errors ---------------------------------------------------------------------------------


def test_apply_changes_sets_what_was_sent_and_differs_and_names_it():
    class Row:
        title = "Old"
        term = 3
        note = "same"

    row = Row()
    changed = apply_changes(row, {"title": "New", "note": "same", "other": 1}, fields=("title", "term", "note"))
    assert changed == ["title"]
    assert (row.title, row.term, row.note) == ("New", 3, "same")
    assert apply_changes(row, {}, fields=("title",)) == []


def test_status_colours_come_from_the_workflow_and_the_fallback_map_agrees_with_every_workflow():
    workflow_module.discover_effects()
    for w in workflows():
        for state, colour in w.colours.items():
            if state in _TAG_COLOURS:
                assert _TAG_COLOURS[state] == colour, f"{w.name}: {state}"
    assert _TAG_COLOURS["cancelled"] == "grey"  # GOV.UK: grey for cancelled, closed, withdrawn
    assert colour_for("open", "core_test_thing") == "green"
    assert 'govuk-tag--green">Open</strong>' in status_tag("open", workflow="core_test_thing")
    assert str(status_tag("overdue", "Overdue")) == '<strong class="govuk-tag govuk-tag--red">Overdue</strong>'
    rendered = Template("{% load jointly %}{% status_tag s l %}").render(Context({"s": "draft", "l": "Draft"}))
    assert rendered == '<strong class="govuk-tag govuk-tag--grey">Draft</strong>'
    with pytest.raises(ValueError, match=r"not GOV\.UK tag colours"):
        Workflow("core_test_bad_colour", ThingState, [], colours={ThingState.DRAFT: "beige"})


def test_not_permitted_is_a_domain_error_apart_from_djangos_and_the_old_name_is_gone():
    assert issubclass(NotPermitted, DomainError)
    assert not issubclass(NotPermitted, DjangoPermissionDenied)
    assert not hasattr(errors, "PermissionDenied")  # one name for one thing


# --- every workflow is reachable through the one API action -----------------------------------------------------------

# Workflows whose model has no viewset with WorkflowActions yet. A ratchet: the apps delete their names from here as
# they adopt the mechanism (the test fails when a listed workflow has adopted it, so the list only shrinks).
NOT_YET_IN_THE_API: set[str] = set()


def _workflow_viewsets(patterns, found=None) -> dict[str, list[type]]:
    found = {} if found is None else found
    for p in patterns:
        if hasattr(p, "url_patterns"):
            _workflow_viewsets(p.url_patterns, found)
            continue
        cls = getattr(p.callback, "cls", None)
        if isinstance(cls, type) and issubclass(cls, WorkflowActions) and cls.workflow is not None:
            found.setdefault(cls.workflow.name, [])
            if cls not in found[cls.workflow.name]:
                found[cls.workflow.name].append(cls)
    return found


def test_every_workflow_has_a_viewset_with_the_one_api_action():
    workflow_module.discover_effects()
    in_api = _workflow_viewsets(get_resolver().url_patterns)
    names = {w.name for w in workflows() if not w.states.__module__.startswith("tests.")}  # tests' own left out
    assert sorted(names - set(in_api) - NOT_YET_IN_THE_API) == [], "add WorkflowActions to the model's viewset"
    assert sorted(NOT_YET_IN_THE_API & set(in_api)) == [], "adopted: remove these names from NOT_YET_IN_THE_API"
    assert sorted(NOT_YET_IN_THE_API - names) == [], "no such workflow any more: remove it from NOT_YET_IN_THE_API"


@pytest.mark.urls(URLS)
def test_the_viewset_walk_finds_a_workflow_viewset():
    assert _workflow_viewsets(get_resolver(URLS).url_patterns)["core_test_thing"] == [app.ThingViewSet]


def test_the_steps_include_posts_transition_and_asks_a_reason_where_needed(world, thing):
    by = acting(world.lead_commissioner, world.county)
    transition(obj=thing, workflow=THING_WORKFLOW, name="open", by=by)
    thing.refresh_from_db()
    steps = THING_WORKFLOW.possible_for(thing, by)
    html = Template('{% include "core/includes/transition_steps.html" with action="/go/" %}').render(
        Context({"steps": steps})
    )
    assert "Next steps" in html
    assert html.count('name="transition"') == 2
    assert 'value="close"' in html and 'value="forbid"' in html
    assert html.count('name="reason"') == 1  # only "close" needs a reason
    assert html.index('value="forbid"') < html.index('value="close"')  # steps needing a reason come last
    assert Template('{% include "core/includes/transition_steps.html" %}').render(Context({"steps": []})).strip() == ""

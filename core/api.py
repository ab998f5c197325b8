"""Base for every API view: authenticates, resolves who is acting, activates the tenant scope, checks roles; and
``WorkflowActions``, the one API action for every workflow's steps."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import DataError
from django.utils.module_loading import import_string
from drf_spectacular.utils import extend_schema, extend_schema_serializer, extend_schema_view
from rest_framework import exceptions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView, set_rollback
from rest_framework.views import exception_handler as drf_handler

from core import tenancy
from core import workflow as wf
from core.api_fields import BoundedSerializerMixin
from core.api_permissions import HasRequiredRole
from core.errors import DomainError, NotPermitted
from core.views import log_server_error


class TenantAPIMixin:
    """Mixed into every API view. ``required_roles``: any of these may read; ``write_roles``: may write."""

    public = False
    required_roles: tuple[str, ...] = ()
    write_roles: tuple[str, ...] | None = None
    permission_classes = [HasRequiredRole]
    _scope_token: Any = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        self.perform_authentication(request)  # type: ignore[attr-defined]
        resolve = import_string(settings.JOINTLY_ACTING_RESOLVER)
        acting = resolve(request._request, request.user, header=request.headers.get("X-Jointly-Organisation"))
        request._request.acting = acting  # type: ignore[attr-defined]
        request.acting = acting  # type: ignore[attr-defined]
        self._scope_token = tenancy.activate(acting.organisation if acting else None)
        super().initial(request, *args, **kwargs)

    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        if self._scope_token is not None:
            tenancy.deactivate(self._scope_token)
            self._scope_token = None
        return super().finalize_response(request, response, *args, **kwargs)

    def permission_denied(self, request: Request, message: str | None = None, code: str | None = None) -> None:
        if request.authenticators and not request.successful_authenticator:
            raise exceptions.NotAuthenticated()
        raise exceptions.PermissionDenied(detail=message, code=code)

    @property
    def acting(self) -> Any:
        return self.request.acting  # type: ignore[attr-defined]

    def validated(self, serializer_class: type[serializers.Serializer[Any]]) -> Any:
        """The request body read through ``serializer_class`` (an action's input): its ``validated_data``, or a 400
        with the field errors. Every action reads its input this way, then calls its service."""
        incoming = serializer_class(data=self.request.data)  # type: ignore[attr-defined]
        incoming.is_valid(raise_exception=True)
        return incoming.validated_data


class TenantAPIView(TenantAPIMixin, APIView):
    pass


class TenantReadOnlyViewSet(TenantAPIMixin, viewsets.ReadOnlyModelViewSet):
    pass


class TenantModelViewSet(TenantAPIMixin, viewsets.ModelViewSet):
    pass


def domain_error_body(exc: DomainError) -> dict[str, Any]:
    """A refusal as JSON: ``detail``, ``problems`` when there are any, and the message under its field."""
    body: dict[str, Any] = {"detail": exc.message}
    if exc.problems:
        body["problems"] = exc.problems
    if exc.field_errors:
        body = {**exc.field_errors, **body}
    elif exc.field:
        body = {exc.field: [exc.message], **body}
    return body


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Domain refusals become 400 (or 403) with the message; a value the database cannot hold becomes 400; anything
    else unexpected is logged under a reference and answered as JSON ``{"detail", "reference"}`` with status 500."""
    if isinstance(exc, NotPermitted):
        return Response({"detail": str(exc)}, status=403)
    if isinstance(exc, DomainError):
        return Response(domain_error_body(exc), status=400)
    if isinstance(exc, DataError):
        # A value that passed the fields' checks but not the column's (the fields should catch it first; this is
        # the net under them, so a person gets a message, not a 500).
        set_rollback()
        return Response({"detail": "A value is too long or too large to store. Shorten it and try again."}, status=400)
    response = drf_handler(exc, context)
    if response is not None:
        return response
    request = context.get("request")
    django_request = getattr(request, "_request", None)
    reference = log_server_error(django_request, exc)
    set_rollback()
    return Response(
        {"detail": "Sorry, there is a problem with Jointly. Try again later.", "reference": reference}, status=500
    )


# --- workflows --------------------------------------------------------------------------------------------------------


def _component(workflow: wf.Workflow) -> str:
    return "".join(part.capitalize() for part in workflow.name.split("_"))


def transition_serializer(workflow: wf.Workflow) -> type[serializers.Serializer[Any]]:
    """The request body of ``POST .../transition/`` for one workflow: ``transition`` is an enum of its steps'
    names (documented as the OpenAPI component ``<Workflow>Transition``), ``reason`` is free text."""
    name = f"{_component(workflow)}Transition"
    fields = {
        "transition": serializers.ChoiceField(
            choices=[(t.name, t.label) for t in workflow.transitions.values()],
            help_text="The step to take (``GET .../transitions/`` lists the steps you could take now).",
        ),
        "reason": serializers.CharField(
            required=False,
            allow_blank=True,
            default="",
            help_text="Why; required for the steps that need a reason.",
        ),
    }
    cls = type(name, (BoundedSerializerMixin, serializers.Serializer), fields)
    return extend_schema_serializer(component_name=name)(cls)


@extend_schema_serializer(component_name="WorkflowStep")
class WorkflowStepSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    """One step the caller is entitled to take from the current state, with what still blocks it (empty: it can be
    taken now)."""

    transition = serializers.CharField(help_text="The step's name, for ``POST .../transition/``.")
    label = serializers.CharField()  # type: ignore[assignment]  # a declared field, popped by the metaclass
    target = serializers.CharField(help_text="The state it leads to.")
    needs_reason = serializers.BooleanField()
    problems = serializers.ListField(child=serializers.CharField())


class WorkflowActions:
    """Mixed into a ``TenantReadOnlyViewSet`` / ``TenantModelViewSet`` (before it) with ``workflow`` set: adds

    - ``POST {id}/transition/`` with ``{"transition": <name>, "reason": ""}``: takes the step (through
      ``perform_transition``, by default ``core.workflow.transition``) and answers the object's serializer; a refusal
      is 400 with ``detail`` and ``problems`` (403 for ``NotPermitted``), never a 500;
    - ``GET {id}/transitions/``: the steps the caller is entitled to from the current state, each with its
      ``problems``.

    Who may POST is the viewset's ``write_roles`` (else ``required_roles``); the workflow's own rules then decide."""

    workflow: wf.Workflow | None = None
    transition_serializer_class: type[serializers.Serializer[Any]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        workflow = cls.__dict__.get("workflow")
        if workflow is None:
            return
        methods = getattr(cls, "http_method_names", ())
        if "post" not in methods:
            raise TypeError(f"{cls.__name__}: WorkflowActions needs 'post' in http_method_names")
        cls.transition_serializer_class = transition_serializer(workflow)
        response = getattr(cls, "serializer_class", None)
        extend_schema_view(
            transition=extend_schema(
                summary=f"Take a step of the {workflow.name.replace('_', ' ')} workflow",
                request=cls.transition_serializer_class,
                responses=response,
            ),
            transitions=extend_schema(
                summary="The steps you could take now, with what still blocks each",
                request=None,
                responses=WorkflowStepSerializer(many=True),
            ),
        )(cls)

    @action(detail=True, methods=["post"], url_path="transition")
    def transition(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        obj = self.get_object()  # type: ignore[attr-defined]
        incoming = self.transition_serializer_class(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            moved = self.perform_transition(
                obj, name=incoming.validated_data["transition"], reason=incoming.validated_data["reason"]
            )
        except NotPermitted:
            raise
        except DomainError as error:
            set_rollback()
            return Response({"problems": [], **domain_error_body(error)}, status=400)
        fresh = self.get_queryset().filter(pk=moved.pk).first() or moved  # type: ignore[attr-defined]
        return Response(self.get_serializer(fresh).data)  # type: ignore[attr-defined]

    @action(detail=True, methods=["get"], url_path="transitions", pagination_class=None)
    def transitions(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        obj = self.get_object()  # type: ignore[attr-defined]
        assert self.workflow is not None
        steps = [
            {
                "transition": t.name,
                "label": t.label,
                "target": t.target,
                "needs_reason": t.needs_reason,
                "problems": problems,
            }
            for t, problems in self.workflow.possible_for(obj, self.acting)  # type: ignore[attr-defined]
        ]
        return Response(WorkflowStepSerializer(steps, many=True).data)

    def perform_transition(self, obj: Any, *, name: str, reason: str) -> Any:
        assert self.workflow is not None
        return wf.transition(obj=obj, workflow=self.workflow, name=name, by=self.acting, reason=reason)  # type: ignore[attr-defined]

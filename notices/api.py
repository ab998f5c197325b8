"""API for notices: list and read (the lead's and partners' drafts, everyone's published notices), prepare a draft
from a tender and a kind, and take its steps (``transition`` / ``transitions``). No update: a notice's fields come
from Jointly's facts, and a published notice is corrected by a new one (``correct``)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from core.api import TenantReadOnlyViewSet, WorkflowActions
from core.api_fields import BoundedSerializerMixin
from notices import services
from notices.kinds import NoticeKind
from notices.models import Notice
from notices.rules import notice_missing
from notices.workflows import NOTICE_WORKFLOW
from partners.models import Role
from procurement.award.models import Contract
from procurement.tenders.models import Tender

READ_ROLES = (Role.COMMISSIONER, Role.FINANCE_OFFICER, Role.ORG_ADMIN, Role.BOARD_MEMBER, Role.VIEWER)
LEAD_ROLES = (Role.COMMISSIONER,)


class NoticeSerializer(BoundedSerializerMixin, serializers.ModelSerializer[Notice]):
    missing = serializers.SerializerMethodField(help_text="What the notice still lacks, as what to do about it")

    class Meta:
        model = Notice
        fields = [
            "id",
            "kind",
            "title",
            "status",
            "tender",
            "contract",
            "corrects",
            "fields",
            "missing",
            "due_on",
            "checked_at",
            "approved_at",
            "approved_by_name",
            "published_at",
            "release_ref",
            "created_at",
        ]
        read_only_fields = fields

    def get_missing(self, notice: Notice) -> list[str]:
        return [] if notice.is_published else notice_missing(notice)


class NoticePrepareSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    tender = serializers.IntegerField(min_value=1, max_value=2_000_000_000)
    kind = serializers.ChoiceField(choices=NoticeKind.choices)
    contract = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2_000_000_000)
    variation = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2_000_000_000)


class NoticeViewSet(WorkflowActions, TenantReadOnlyViewSet):
    """Procurement Act 2023 notices prepared by Jointly (filed on Find a Tender by the lead)."""

    serializer_class = NoticeSerializer
    queryset = Notice.objects.none()
    required_roles = READ_ROLES
    write_roles = LEAD_ROLES
    http_method_names = ["get", "post", "head", "options"]
    workflow = NOTICE_WORKFLOW
    filterset_fields = ["tender", "kind", "status"]

    def get_queryset(self) -> QuerySet[Notice]:
        return Notice.objects.select_related("tender", "contract").order_by("-created_at", "-id")

    def perform_transition(self, obj: Any, *, name: str, reason: str) -> Any:
        return services.notice_transition(notice=obj, name=name, by=self.acting, reason=reason)

    @extend_schema(
        summary="Prepare a draft notice from a tender (and, for contract notices, its contract)",
        request=NoticePrepareSerializer,
        responses={201: NoticeSerializer},
    )
    def create(self, request: Request) -> Response:
        data = self.validated(NoticePrepareSerializer)
        tender = get_object_or_404(Tender.objects.all(), pk=data["tender"])
        contract = (
            get_object_or_404(Contract.objects.filter(tender=tender), pk=data["contract"])
            if data.get("contract")
            else None
        )
        notice = services.notice_prepare(
            tender=tender, kind=data["kind"], contract=contract, variation_id=data.get("variation"), by=self.acting
        )
        return Response(NoticeSerializer(notice, context={"request": request}).data, status=201)

    @extend_schema(
        summary="Prepare a correction of a published notice", request=None, responses={201: NoticeSerializer}
    )
    @action(detail=True, methods=["post"])
    def correct(self, request: Request, pk: str | None = None) -> Response:
        correction = services.notice_correct(notice=self.get_object(), by=self.acting)
        return Response(NoticeSerializer(correction, context={"request": request}).data, status=201)


router = SimpleRouter(trailing_slash=True)
router.register("notices", NoticeViewSet, basename="notice")

urlpatterns: list[Any] = []

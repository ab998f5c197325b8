"""REST API: engagement events (``/api/v1/engagement-events/``: set up, workflow steps, sign-up, attendance, notes),
places (``/api/v1/event-signups/``: one's own, or every place at one's own events; ``cancel``), and the engagement
group (``/api/v1/engagement-groups/``, its ``members`` and ``meetings``)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from commissioning.commissions.models import JointCommission
from commissioning.engagement.models import (
    MAX_CAPACITY,
    EngagementEvent,
    EngagementGroup,
    EventSignup,
    GroupMeeting,
    GroupMember,
)
from commissioning.engagement.rules import EVENT_WRITE_ROLES
from commissioning.engagement.services import (
    attendance_record,
    event_create,
    event_update,
    group_create,
    group_meeting_publish,
    group_meeting_record,
    group_member_add,
    group_member_leave,
    notes_publish,
    signup_cancel,
    signup_create,
)
from commissioning.engagement.workflows import EVENT_WORKFLOW
from commissioning.service_map.api import id_filters
from commissioning.service_map.models import ServiceArea
from commissioning.service_map.permissions import WRITE_ROLES
from core.api import TenantModelViewSet, TenantReadOnlyViewSet, WorkflowActions
from core.api_fields import BoundedSerializerMixin
from partners.models import Organisation, Partnership


class EngagementEventSerializer(BoundedSerializerMixin, serializers.ModelSerializer[EngagementEvent]):
    organiser_name = serializers.CharField(source="organiser.name", read_only=True)
    partnership = serializers.PrimaryKeyRelatedField(queryset=Partnership.objects.all())
    service_area = serializers.PrimaryKeyRelatedField(
        queryset=ServiceArea.objects.all(), required=False, allow_null=True
    )
    commission = serializers.PrimaryKeyRelatedField(
        queryset=JointCommission.objects.all(), required=False, allow_null=True
    )
    capacity = serializers.IntegerField(min_value=1, max_value=MAX_CAPACITY)

    class Meta:
        model = EngagementEvent
        fields = [
            "id",
            "partnership",
            "organiser",
            "organiser_name",
            "service_area",
            "commission",
            "kind",
            "title",
            "description",
            "format",
            "location",
            "starts_at",
            "ends_at",
            "capacity",
            "status",
            "notes",
            "notes_published_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["organiser", "status", "notes", "notes_published_at", "created_at", "updated_at"]

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        # querysets built per request, inside the caller's tenant scope
        fields["partnership"].queryset = Partnership.objects.all()
        fields["service_area"].queryset = ServiceArea.objects.all()
        fields["commission"].queryset = JointCommission.objects.all()
        return fields

    def to_representation(self, instance: EngagementEvent) -> dict[str, Any]:
        data = super().to_representation(instance)
        if instance.notes_published_at is None:
            data["notes"] = ""  # draft notes stay the organiser's until published
        return data


class EventSignupSerializer(BoundedSerializerMixin, serializers.ModelSerializer[EventSignup]):
    person_name = serializers.CharField(source="person.full_name", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = EventSignup
        fields = [
            "id",
            "event",
            "organisation",
            "organisation_name",
            "person",
            "person_name",
            "access_needs",
            "status",
            "attended",
            "created_at",
        ]
        read_only_fields = fields


class SignupInSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    access_needs = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class AttendanceSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    attended = serializers.ListField(child=serializers.IntegerField(min_value=1), max_length=MAX_CAPACITY)


class NotesSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    notes = serializers.CharField(max_length=20000)


class EngagementEventViewSet(WorkflowActions, TenantModelViewSet):
    """Events the organisation may see: its partnerships' events, and every open, closed or held one. A partner's
    commissioners set them up and move them (open, close, held, cancel); anyone signed in signs up (``sign-up``:
    a place, else the waiting list); the organiser records ``attendance`` and publishes ``notes``."""

    serializer_class = EngagementEventSerializer
    queryset = EngagementEvent.objects.none()
    required_roles = ()
    write_roles = EVENT_WRITE_ROLES
    workflow = EVENT_WORKFLOW
    http_method_names = ["get", "post", "patch", "head", "options"]
    filterset_class = id_filters(EngagementEvent, "partnership", "organiser", "service_area", "commission")

    def get_queryset(self) -> QuerySet[EngagementEvent]:
        return EngagementEvent.objects.select_related("organiser").order_by("starts_at", "pk")

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        serializer.instance = event_create(by=self.acting, **data)

    def perform_update(self, serializer: Any) -> None:
        changes = {k: v for k, v in serializer.validated_data.items() if k != "partnership"}
        serializer.instance = event_update(event=serializer.instance, changes=changes, by=self.acting)

    @extend_schema(request=SignupInSerializer, responses={201: EventSignupSerializer})
    @action(detail=True, methods=["post"], url_path="sign-up")
    def sign_up(self, request: Request, pk: Any = None) -> Response:
        event = self.get_object()
        data = self.validated(SignupInSerializer)
        signup = signup_create(event=event, access_needs=data["access_needs"], by=self.acting)
        return Response(EventSignupSerializer(signup).data, status=201)

    @extend_schema(request=AttendanceSerializer, responses=EventSignupSerializer(many=True))
    @action(detail=True, methods=["post"])
    def attendance(self, request: Request, pk: Any = None) -> Response:
        event = self.get_object()
        data = self.validated(AttendanceSerializer)
        attendance_record(event=event, attended=data["attended"], by=self.acting)
        places = EventSignup.objects.filter(event=event).select_related("person", "organisation")
        return Response(EventSignupSerializer(places, many=True).data)

    @extend_schema(request=NotesSerializer, responses=EngagementEventSerializer)
    @action(detail=True, methods=["post"])
    def notes(self, request: Request, pk: Any = None) -> Response:
        event = self.get_object()
        data = self.validated(NotesSerializer)
        return Response(EngagementEventSerializer(notes_publish(event=event, notes=data["notes"], by=self.acting)).data)


class EventSignupViewSet(TenantReadOnlyViewSet):
    """Places: one's own organisation's, and every place at the events one's organisation runs. ``cancel`` gives a
    place up (the waiting list moves up)."""

    serializer_class = EventSignupSerializer
    queryset = EventSignup.objects.none()
    required_roles = ()
    http_method_names = ["get", "post", "head", "options"]
    filterset_class = id_filters(EventSignup, "event")

    def get_queryset(self) -> QuerySet[EventSignup]:
        return EventSignup.objects.select_related("person", "organisation").order_by("created_at", "pk")

    @extend_schema(request=None, responses=EventSignupSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: Any = None) -> Response:
        return Response(EventSignupSerializer(signup_cancel(signup=self.get_object(), by=self.acting)).data)


class GroupMemberSerializer(BoundedSerializerMixin, serializers.ModelSerializer[GroupMember]):
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = GroupMember
        fields = ["id", "group", "organisation", "name", "role", "joined_on", "left_on"]
        read_only_fields = ["group", "left_on"]

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        fields["organisation"].queryset = Organisation.objects.all()
        return fields


class GroupMeetingSerializer(BoundedSerializerMixin, serializers.ModelSerializer[GroupMeeting]):
    publish = serializers.BooleanField(write_only=True, required=False, default=False)

    class Meta:
        model = GroupMeeting
        fields = ["id", "group", "held_on", "title", "notes", "published_at", "publish"]
        read_only_fields = ["group", "published_at"]


class EngagementGroupSerializer(BoundedSerializerMixin, serializers.ModelSerializer[EngagementGroup]):
    partnership = serializers.PrimaryKeyRelatedField(queryset=Partnership.objects.all())

    class Meta:
        model = EngagementGroup
        fields = ["id", "partnership", "name", "purpose", "created_at"]
        read_only_fields = ["created_at"]

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        fields["partnership"].queryset = Partnership.objects.all()
        return fields


class EngagementGroupViewSet(TenantModelViewSet):
    """Standing engagement groups (public). A partner's commissioners set one up, add ``members`` and record
    ``meetings`` (published now or later)."""

    serializer_class = EngagementGroupSerializer
    queryset = EngagementGroup.objects.none()
    required_roles = ()
    write_roles = WRITE_ROLES
    http_method_names = ["get", "post", "head", "options"]
    filterset_class = id_filters(EngagementGroup, "partnership")

    def get_queryset(self) -> QuerySet[EngagementGroup]:
        return EngagementGroup.objects.order_by("name", "pk")

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = group_create(by=self.acting, **serializer.validated_data)

    @extend_schema(request=GroupMemberSerializer, responses={201: GroupMemberSerializer})
    @action(detail=True, methods=["post"])
    def members(self, request: Request, pk: Any = None) -> Response:
        group = self.get_object()
        data = self.validated(GroupMemberSerializer)
        member = group_member_add(group=group, by=self.acting, **data)
        return Response(GroupMemberSerializer(member).data, status=201)

    @extend_schema(request=GroupMeetingSerializer, responses={201: GroupMeetingSerializer})
    @action(detail=True, methods=["post"])
    def meetings(self, request: Request, pk: Any = None) -> Response:
        group = self.get_object()
        data = self.validated(GroupMeetingSerializer)
        meeting = group_meeting_record(group=group, by=self.acting, **data)
        return Response(GroupMeetingSerializer(meeting).data, status=201)


class GroupMemberViewSet(TenantReadOnlyViewSet):
    """Who sits on the engagement groups (public); ``leave`` records that someone left."""

    serializer_class = GroupMemberSerializer
    queryset = GroupMember.objects.none()
    required_roles = ()
    write_roles = WRITE_ROLES
    http_method_names = ["get", "post", "head", "options"]
    filterset_class = id_filters(GroupMember, "group")

    def get_queryset(self) -> QuerySet[GroupMember]:
        return GroupMember.objects.order_by("name", "pk")

    @extend_schema(request=None, responses=GroupMemberSerializer)
    @action(detail=True, methods=["post"])
    def leave(self, request: Request, pk: Any = None) -> Response:
        return Response(GroupMemberSerializer(group_member_leave(member=self.get_object(), by=self.acting)).data)


class GroupMeetingViewSet(TenantReadOnlyViewSet):
    """The group's meetings: published notes for anyone, unpublished ones for the partnership; ``publish``."""

    serializer_class = GroupMeetingSerializer
    queryset = GroupMeeting.objects.none()
    required_roles = ()
    write_roles = WRITE_ROLES
    http_method_names = ["get", "post", "head", "options"]
    filterset_class = id_filters(GroupMeeting, "group")

    def get_queryset(self) -> QuerySet[GroupMeeting]:
        return GroupMeeting.objects.order_by("-held_on", "-pk")

    @extend_schema(request=None, responses=GroupMeetingSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: Any = None) -> Response:
        meeting = get_object_or_404(self.get_queryset(), pk=pk)
        return Response(GroupMeetingSerializer(group_meeting_publish(meeting=meeting, by=self.acting)).data)

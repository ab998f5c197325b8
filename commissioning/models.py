"""Every model of the app, re-exported so Django's app registry and the migrations find them (the migrations also
name ``_feed_token`` and ``_default_reminder_days`` here). This module only re-exports: code imports each name from
the subpackage that owns it (``commissioning.<subpackage>.models``)."""

from commissioning.agreements.models import (
    DelegationScope,
    PartnershipAgreement,
)
from commissioning.commissions.models import (
    DELEGATING_MODELS,
    OPEN_STATUSES,
    PLANNING_STATUSES,
    VISIBLE_PARTICIPATION,
    CommissioningModel,
    CommissionStatus,
    Contribution,
    ContributionStatus,
    JointCommission,
    Participation,
    ParticipationStatus,
    commission_q,
)
from commissioning.engagement.models import (
    EngagementEvent,
    EngagementGroup,
    EventSignup,
    GroupMeeting,
    GroupMember,
)
from commissioning.following.models import AlertChannel, Follow, FollowSettings
from commissioning.money.models import ChangeKind, ChangeStatus, ContributionChange, ReportFile
from commissioning.plans.models import ForwardPlan
from commissioning.register.models import DocumentKind, ProviderDocument, RegisterEntry, RegisterStatus
from commissioning.replacement.models import (
    AppraisalOption,
    CompactSettings,
    DecommissioningImpact,
    OptionsAppraisal,
    ProviderNotice,
    ReplacedContract,
)
from commissioning.risks.models import Risk
from commissioning.service_map.models import (
    DEFAULT_ALIGNMENT_WINDOW_DAYS,
    DEFAULT_FRAMEWORK_THRESHOLD,
    DEFAULT_REMINDER_DAYS,
    CommissioningSettings,
    ContractImport,
    EvidenceItem,
    MapDecision,
    MappedContract,
    Outcome,
    PartnershipScoped,
    ServiceArea,
    _default_reminder_days,
    active_member,
    partnership_audience,
    provider_key,
)
from commissioning.thresholds.models import ThresholdTier
from commissioning.timetable.models import (
    CalendarFeed,
    Stage,
    _feed_token,
)

__all__ = [
    "DEFAULT_ALIGNMENT_WINDOW_DAYS",
    "DEFAULT_FRAMEWORK_THRESHOLD",
    "DEFAULT_REMINDER_DAYS",
    "DELEGATING_MODELS",
    "OPEN_STATUSES",
    "PLANNING_STATUSES",
    "VISIBLE_PARTICIPATION",
    "AlertChannel",
    "AppraisalOption",
    "CalendarFeed",
    "ChangeKind",
    "ChangeStatus",
    "CommissionStatus",
    "CommissioningModel",
    "CommissioningSettings",
    "CompactSettings",
    "ContractImport",
    "Contribution",
    "ContributionChange",
    "ContributionStatus",
    "DecommissioningImpact",
    "DelegationScope",
    "DocumentKind",
    "EngagementEvent",
    "EngagementGroup",
    "EventSignup",
    "EvidenceItem",
    "Follow",
    "FollowSettings",
    "ForwardPlan",
    "GroupMeeting",
    "GroupMember",
    "JointCommission",
    "MapDecision",
    "MappedContract",
    "OptionsAppraisal",
    "Outcome",
    "Participation",
    "ParticipationStatus",
    "PartnershipAgreement",
    "PartnershipScoped",
    "ProviderDocument",
    "ProviderNotice",
    "RegisterEntry",
    "RegisterStatus",
    "ReplacedContract",
    "ReportFile",
    "Risk",
    "ServiceArea",
    "Stage",
    "ThresholdTier",
    "_default_reminder_days",
    "_feed_token",
    "active_member",
    "commission_q",
    "partnership_audience",
    "provider_key",
]

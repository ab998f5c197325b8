from __future__ import annotations

from core import audit
from core.models import AuditEvent, Notification
from core.notifications import notify
from partners.acting import Acting
from partners.models import Membership, Organisation, Partnership
from tests.route_targets import Target


def _audit_event(w) -> AuditEvent:
    m = Membership.objects.get(user=w.county_admin)
    by = Acting(user=w.county_admin, organisation=w.county, membership=m, roles=frozenset(m.roles))
    return audit.record(obj=w.county, action="test.touched", by=by)


def _notification(w) -> Notification:
    existing = Notification.objects.filter(recipient=w.lead_commissioner).first()
    return existing or notify(recipients=[w.lead_commissioner], subject="Hello", organisation=w.county, email=False)[0]


KWARGS = {
    "partnership_id": lambda w: Target(w.partnership.pk, w.county),
    "membership_id": lambda w: Target(Membership.objects.get(user=w.lead_commissioner).pk, w.county),
    "invitation_id": lambda w: Target(w.invitation.pk, w.county),
    "token": lambda w: Target(w.invitation.token, None),
    "uidb64": lambda w: Target("MQ", None),
}

API_OBJECTS = {
    Organisation: lambda w: Target(w.county.pk, None),
    Membership: lambda w: Target(Membership.objects.get(user=w.lead_commissioner).pk, w.county),
    Partnership: lambda w: Target(w.partnership.pk, w.county),
    AuditEvent: lambda w: Target(_audit_event(w).pk, w.county),
    Notification: lambda w: Target(_notification(w).pk, w.county, user=w.lead_commissioner),
}

"""Contribution audit events written before the audit trail followed the contributions' reading rules."""

import re

from django.db import migrations

# Contribution events written before the split carry the amount in ``data`` and in ``object_repr``. Move them into
# the withheld part, readable by the same people as ``Contribution.audit_restricted_readers`` (repeated here: a
# migration cannot call model methods). A removed contribution's events stay readable by the recorder's commissioners.
SENSITIVE = ("amount", "from", "to", "transferred_on", "reference")
MONEY_IN_REPR = re.compile(r": £[\d,]+\.\d{2}$")


def _readers(apps, contribution_id, recorder_id):
    Contribution = apps.get_model("commissioning", "Contribution")
    Participation = apps.get_model("commissioning", "Participation")
    contribution = (
        Contribution._base_manager.filter(pk=contribution_id)
        .select_related("commission", "commission__partnership")
        .first()
    )
    if contribution is None:
        return {f"{recorder_id}:commissioner"} if recorder_id else set()
    commission = contribution.commission
    taking_part = set(
        Participation._base_manager.filter(commission=commission).values_list("organisation_id", flat=True)
    )
    taking_part.add(commission.lead_id)
    body = commission.partnership.accountable_body_id
    grants = {str(contribution.organisation_id)}
    grants.update(f"{org}:{role}" for org in taking_part for role in ("commissioner", "org_admin"))
    grants.update(f"{body}:{role}" for role in ("finance_officer", "commissioner"))
    return grants


def redact_contribution_events(apps, schema_editor):
    AuditEvent = apps.get_model("core", "AuditEvent")
    ContentType = apps.get_model("contenttypes", "ContentType")
    try:
        content_type = ContentType.objects.get(app_label="commissioning", model="contribution")
    except ContentType.DoesNotExist:
        return
    schema_editor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only")
    for event in AuditEvent._base_manager.filter(content_type=content_type, restricted={}).iterator():
        data = dict(event.data or {})
        withheld = {key: data.pop(key) for key in SENSITIVE if key in data}
        shown_repr = MONEY_IN_REPR.sub(" contribution", event.object_repr)
        if not withheld and shown_repr == event.object_repr:
            continue
        restricted = {"data": withheld} if withheld else {}
        if shown_repr != event.object_repr:
            restricted["object_repr"] = event.object_repr
        contribution_id = int(event.object_id) if event.object_id.isdigit() else None
        readers = _readers(apps, contribution_id, event.organisation_id)
        AuditEvent._base_manager.filter(pk=event.pk).update(
            data=data, object_repr=shown_repr, restricted=restricted, restricted_to=sorted(readers)
        )
    schema_editor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER core_auditevent_append_only")


class Migration(migrations.Migration):
    dependencies = [
        ("commissioning", "0001_initial"),
        ("core", "0005_audit_restricted_payload"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(redact_contribution_events, migrations.RunPython.noop)]

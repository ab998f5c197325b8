"""Contribution audit events written before the audit trail followed the contributions' reading rules."""

import re

from django.db import migrations

# Contribution events written before the split carry the amount in ``data`` and in ``object_repr``. Move them into
# the withheld part, readable by the organisation that recorded the event and the contributing organisation (the
# narrowest safe choice: the full rule needs model methods a migration cannot call).
SENSITIVE = ("amount", "from", "to", "transferred_on", "reference")
MONEY_IN_REPR = re.compile(r": £[\d,]+\.\d{2}$")


def redact_contribution_events(apps, schema_editor):
    AuditEvent = apps.get_model("core", "AuditEvent")
    ContentType = apps.get_model("contenttypes", "ContentType")
    try:
        Contribution = apps.get_model("commissioning", "Contribution")
        content_type = ContentType.objects.get(app_label="commissioning", model="contribution")
    except (LookupError, ContentType.DoesNotExist):
        return
    owners = dict(Contribution._base_manager.values_list("pk", "organisation_id"))
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
        readers = {str(event.organisation_id)} if event.organisation_id else set()
        owner = owners.get(int(event.object_id)) if event.object_id.isdigit() else None
        if owner is not None:
            readers.add(str(owner))
        AuditEvent._base_manager.filter(pk=event.pk).update(
            data=data, object_repr=shown_repr, restricted=restricted, restricted_to=sorted(readers)
        )
    schema_editor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER core_auditevent_append_only")


class Migration(migrations.Migration):
    dependencies = [
        ("commissioning", "0001_initial"),
        ("core", "0004_audit_restricted_payload"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(redact_contribution_events, migrations.RunPython.noop)]

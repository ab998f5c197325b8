"""Pages: a provider's history with the partnership, from its register entry (the partnership's members only)."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404

from commissioning.register.models import RegisterEntry
from commissioning.service_map.permissions import READ_ROLES, is_active_partner
from core.views import MemberTemplateView
from monitoring.history.selectors import provider_history


class ProviderHistoryView(MemberTemplateView):
    template_name = "monitoring/provider_history.html"
    required_roles = READ_ROLES

    def load(self, **kwargs: Any) -> None:
        self.entry = get_object_or_404(
            RegisterEntry.objects.select_related("partnership", "organisation"), pk=kwargs["entry_id"]
        )
        if not is_active_partner(self.entry.partnership_id, self.acting):
            raise Http404  # the provider itself sees its own entry, not the partnership's view of its history

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        history = provider_history(partnership_id=self.entry.partnership_id, organisation_id=self.entry.organisation_id)
        return super().get_context_data(entry=self.entry, history=history, **kwargs)

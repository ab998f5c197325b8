"""Pages: a joint commission's risk register (a table and the likelihood x impact grid), adding, changing and
closing risks."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from commissioning.commissions.permissions import is_lead
from commissioning.commissions.views import CommissionMixin
from commissioning.risks.forms import RiskCloseForm, RiskForm
from commissioning.risks.models import Risk
from commissioning.risks.rules import BANDS, EDIT_ROLES, band_of, may_edit
from commissioning.risks.selectors import grid_rows, grid_svg, owner_choices, risks_of
from commissioning.risks.services import risk_add, risk_close, risk_update
from commissioning.service_map.permissions import READ_ROLES, WRITE_ROLES
from core import audit
from core.views import FormPage, MemberTemplateView
from partners.models import Membership


class RiskRegisterView(CommissionMixin, MemberTemplateView):
    template_name = "commissioning/risks/register.html"
    required_roles = READ_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        c = self.commission
        risks = risks_of(commission=c)
        rows = grid_rows(risks)
        lead = is_lead(c, self.acting)
        user_id = self.request.user.pk
        return super().get_context_data(
            commission=c,
            risks=[
                {
                    "risk": r,
                    "band": band_of(r.score),
                    "editable": not r.is_closed and (lead or r.owner_id == user_id),
                    "overdue": not r.is_closed and r.review_date < timezone.localdate(),
                }
                for r in risks
            ],
            grid=rows,
            grid_svg=grid_svg(commission=c, rows=rows) if risks else "",
            bands=BANDS,
            likelihoods=[cell[0] for cell in rows[0].cells],
            is_lead=lead,
            **kwargs,
        )


class RiskAddView(CommissionMixin, FormPage):
    form_class = RiskForm
    required_roles = WRITE_ROLES
    heading = "Add a risk"
    button = "Add risk"

    def back_url(self) -> str:
        return reverse("commission-risks", kwargs={"commission_id": self.commission.pk})

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "owners": owner_choices(commission=self.commission)}

    def act(self, form: RiskForm) -> HttpResponse:
        data = dict(form.cleaned_data)
        membership = data.pop("owner")
        risk = risk_add(commission=self.commission, owner=membership.user, by=self.acting, **data)
        return self.done(
            f"Risk {risk.letter} added: score {risk.likelihood * risk.impact} ({band_of(risk.likelihood * risk.impact).label.lower()})",
            "commission-risks",
            commission_id=self.commission.pk,
        )


ACTIONS = {"risk.added": "added", "risk.changed": "reviewed", "risk.closed": "closed"}


def risk_history(risk: Risk, acting: Any) -> list[dict[str, Any]]:
    """The risk's audit trail in words: who changed what from what to what."""
    out = []
    for e in audit.reveal(audit.history_for(risk).order_by("-occurred_at", "-pk"), acting):
        changes = []
        if e.action == "risk.changed":
            changes = [
                f"{field.replace('_', ' ')} {c.get('from')} to {c.get('to')}"
                for field, c in e.data.items()
                if isinstance(c, dict)
            ]
        elif e.action == "risk.closed":
            changes = [str(e.data.get("reason", ""))]
        elif e.action == "risk.added":
            changes = [f"likelihood {e.data.get('likelihood')}, impact {e.data.get('impact')}"]
        who = e.actor_name + (f" ({e.organisation_name})" if e.organisation_name else "")
        out.append({"when": e.occurred_at, "who": who, "what": ACTIONS.get(e.action, e.action), "changes": changes})
    return out


class RiskMixin:
    acting: Any

    def load(self, **kwargs: Any) -> None:
        self.risk = get_object_or_404(
            Risk.objects.select_related("commission__lead", "owner", "owner_organisation"), pk=kwargs["risk_id"]
        )

    def get_caption(self) -> str:
        return f"{self.risk.commission.title}: risk {self.risk.letter}"

    def back_url(self) -> str:
        return reverse("commission-risks", kwargs={"commission_id": self.risk.commission_id})


class RiskEditView(RiskMixin, FormPage):
    template_name = "commissioning/risks/risk_form.html"
    form_class = RiskForm
    required_roles = READ_ROLES
    write_roles = EDIT_ROLES
    heading = "Review a risk"
    button = "Save risk"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {
            **super().get_form_kwargs(),
            "owners": owner_choices(commission=self.risk.commission),
            "with_status": True,
        }

    def get_initial(self) -> dict[str, Any]:
        r = self.risk
        owner = (
            Membership.objects.unscoped(reason="the risk's owner may work for another partner organisation")
            .filter(user_id=r.owner_id, organisation_id=r.owner_organisation_id)
            .first()
            if r.owner_id
            else None
        )
        return {
            "description": r.description,
            "likelihood": r.likelihood,
            "impact": r.impact,
            "owner": owner,
            "countermeasure": r.countermeasure,
            "review_date": r.review_date,
            "status": r.status,
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        editable = may_edit(self.risk, self.acting) and not self.risk.is_closed
        return super().get_context_data(
            risk=self.risk,
            band=band_of(self.risk.score),
            read_only=not editable,
            history=risk_history(self.risk, self.acting),
            close_url=reverse("risk-close", kwargs={"risk_id": self.risk.pk}) if editable else "",
            **kwargs,
        )

    def act(self, form: RiskForm) -> HttpResponse:
        data = dict(form.cleaned_data)
        data["owner"] = data["owner"].user
        risk = risk_update(risk=self.risk, changes=data, by=self.acting)
        return self.done(
            f"Risk {risk.letter} saved: score {risk.score} ({band_of(risk.score).label.lower()})",
            "commission-risks",
            commission_id=risk.commission_id,
        )


class RiskCloseView(RiskMixin, FormPage):
    form_class = RiskCloseForm
    required_roles = EDIT_ROLES
    heading = "Close a risk"
    button = "Close risk"

    def get_intro(self) -> str:
        return f"Risk {self.risk.letter}: {self.risk.description}. A closed risk leaves the grid and gets no more review reminders."

    def act(self, form: RiskCloseForm) -> HttpResponse:
        risk = risk_close(risk=self.risk, reason=form.cleaned_data["reason"], by=self.acting)
        return self.done(f"Risk {risk.letter} closed", "commission-risks", commission_id=risk.commission_id)

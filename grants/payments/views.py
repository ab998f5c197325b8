"""Pages: a grant's payments (shares, schedule, what each partner's money paid), setting the schedule, recording a
payment, and a partner's own page of what its money paid."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from core.money import format_gbp, money
from core.views import FormPage, MemberTemplateView
from grants.applications.models import GrantApplication
from grants.payments import selectors
from grants.payments.forms import ROWS, PaymentForm, ScheduleForm
from grants.payments.models import GrantInstalment
from grants.payments.rules import ZERO, grant_payable_problems, is_lead, suggest_schedule
from grants.payments.services import PAYERS, instalment_pay, schedule_set
from partners.models import Role


def payments_url(application: GrantApplication) -> str:
    return reverse("grant-payments", kwargs={"grant_id": application.public_id})


class GrantPaymentsView(MemberTemplateView):
    """The grant's money: each partner's share, the instalments, and what each payment took from whom."""

    template_name = "grants/payments/grant_payments.html"

    def load(self, **kwargs: Any) -> None:
        self.application = get_object_or_404(
            GrantApplication.objects.select_related("programme__commission", "organisation"),
            public_id=kwargs["grant_id"],
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        payments = selectors.grant_payments(self.application)
        may_pay = self.acting.has_role(*PAYERS) and is_lead(self.application, self.acting)
        return super().get_context_data(
            application=self.application,
            payments=payments,
            may_pay=may_pay and not grant_payable_problems(self.application),
            problems=grant_payable_problems(self.application),
            **kwargs,
        )


class ScheduleView(FormPage):
    form_class = ScheduleForm
    required_roles = PAYERS
    button = "Save the schedule"

    def load(self, **kwargs: Any) -> None:
        self.application = get_object_or_404(
            GrantApplication.objects.select_related("programme", "organisation"), public_id=kwargs["grant_id"]
        )

    def get_heading(self) -> str:
        return "Payment schedule"

    def get_caption(self) -> str:
        return f"{self.application.organisation}: {self.application.programme.title}"

    def get_intro(self) -> str:
        award = self.application.amount_awarded or ZERO
        payments = selectors.grant_payments(self.application)
        paid = payments.paid
        already = f", of which {format_gbp(paid)} is already paid (those instalments stay as they are)" if paid else ""
        return (
            f"The instalments must add up exactly to the {format_gbp(award)} awarded{already}. "
            "Each payment is taken from the funding partners' money in proportion to their shares, to the penny."
        )

    def back_url(self) -> str:
        return payments_url(self.application)

    def get_initial(self) -> dict[str, Any]:
        unpaid = selectors.grant_payments(self.application).unpaid
        rows: list[tuple[Any, dt.date]]
        if unpaid:
            rows = [(i.amount, i.due_on) for i in unpaid]
        else:
            award = self.application.amount_awarded or ZERO
            start = timezone.localdate()
            rows = [(r.amount, r.due_on) for r in suggest_schedule(award, 2, start)] if award > 0 else []
        initial: dict[str, Any] = {}
        for n, (amount, due) in enumerate(rows[:ROWS], start=1):
            initial[f"amount_{n}"] = money(amount)
            initial[f"due_{n}"] = due
        return initial

    def act(self, form: Any) -> HttpResponse:
        schedule_set(application=self.application, instalments=form.planned(), by=self.acting)
        return self.done("Payment schedule saved", payments_url(self.application))


class PayView(FormPage):
    form_class = PaymentForm
    required_roles = PAYERS
    button = "Record the payment"

    def load(self, **kwargs: Any) -> None:
        self.instalment = get_object_or_404(
            GrantInstalment.objects.select_related("application__programme", "application__organisation"),
            pk=kwargs["instalment_id"],
        )

    def get_heading(self) -> str:
        return f"Record payment of instalment {self.instalment.number}"

    def get_caption(self) -> str:
        a = self.instalment.application
        return f"{a.organisation}: {a.programme.title}"

    def get_intro(self) -> str:
        i = self.instalment
        return (
            f"{format_gbp(i.amount)}, due {i.due_on:%d %B %Y}. Recording it takes each funding partner's part from "
            "what it still has to pay of its share, to the penny."
        )

    def get_initial(self) -> dict[str, Any]:
        return {"paid_on": timezone.localdate()}

    def back_url(self) -> str:
        return payments_url(self.instalment.application)

    def act(self, form: Any) -> HttpResponse:
        data = form.cleaned_data
        paid = instalment_pay(
            instalment=self.instalment, paid_on=data["paid_on"], reference=data["reference"], by=self.acting
        )
        return self.done(f"Instalment {paid.number} recorded as paid", payments_url(self.instalment.application))


class OurPaymentsView(MemberTemplateView):
    """What our money paid: every grant payment our organisation's contributions funded."""

    template_name = "grants/payments/our_payments.html"
    required_roles = (Role.FINANCE_OFFICER, Role.COMMISSIONER, Role.VIEWER)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        parts = list(selectors.our_parts(self.acting.organisation.pk)[:500])
        total = money(sum((p.amount for p in parts), ZERO))
        return super().get_context_data(parts=parts, total=total, **kwargs)

"""Forms: a grant's payment schedule (up to six rows on the page; the API takes up to 24) and recording a payment."""

from __future__ import annotations

from typing import Any

from django import forms

from commissioning.service_map.forms import date_field
from core.forms import BoundedForm, MoneyField
from grants.payments.rules import PlannedInstalment

ROWS = 6


class ScheduleForm(BoundedForm):
    """Instalment rows: an amount and a due date each; rows left blank are ignored."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n in range(1, ROWS + 1):
            self.fields[f"amount_{n}"] = MoneyField(label=f"Instalment {n}: amount", required=False)
            self.fields[f"due_{n}"] = date_field(f"Instalment {n}: due date", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for n in range(1, ROWS + 1):
            amount, due = data.get(f"amount_{n}"), data.get(f"due_{n}")
            if amount is not None and due is None and f"due_{n}" not in self.errors:
                self.add_error(f"due_{n}", f"Enter instalment {n}'s due date")
            if due is not None and amount is None and f"amount_{n}" not in self.errors:
                self.add_error(f"amount_{n}", f"Enter instalment {n}'s amount")
        return data

    def planned(self) -> list[PlannedInstalment]:
        data = self.cleaned_data
        return [
            PlannedInstalment(data[f"amount_{n}"], data[f"due_{n}"])
            for n in range(1, ROWS + 1)
            if data.get(f"amount_{n}") is not None and data.get(f"due_{n}") is not None
        ]


class PaymentForm(BoundedForm):
    paid_on = date_field("Date paid")
    reference = forms.CharField(
        label="Payment reference",
        max_length=100,
        help_text="The reference in your finance system, so the payment can be traced",
    )

"""The form for preparing a notice from a tender: which kind, and for contract notices which contract."""

from __future__ import annotations

from typing import Any

from django import forms

from core.forms import BoundedForm
from notices.kinds import NoticeKind
from procurement.award.models import Contract


class PrepareForm(BoundedForm):
    kind = forms.ChoiceField(
        label="Which notice?",
        choices=NoticeKind.choices,
        widget=forms.RadioSelect,
        help_text="Jointly fills in the notice from what it holds about the tender and its contracts.",
    )
    contract = forms.ModelChoiceField(
        label="Which contract? (contract notices only)",
        queryset=Contract.objects.none(),
        required=False,
        empty_label="Not a contract notice",
    )
    variation = forms.IntegerField(
        label="Which variation? (contract change notices only: its number in Jointly)",
        required=False,
        min_value=1,
        max_value=2_000_000_000,
    )

    def __init__(self, *args: Any, tender: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if tender is not None:
            self.fields["contract"].queryset = Contract.objects.filter(tender=tender).order_by("id")  # type: ignore[attr-defined]

"""Forms: what a provider's person follows and how they hear."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from commissioning.following.models import AlertChannel
from core.forms import BoundedForm
from core.opportunities import CATEGORIES


class FollowForm(BoundedForm):
    categories = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=CATEGORIES,
        label="Categories you follow",
        help_text="Every partnership's opportunities in these categories: plans, events, tenders and grant rounds",
    )
    service_areas = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Service areas you follow",
        help_text="Follow an area even when nothing is open in it yet",
    )
    alerts = forms.ChoiceField(
        choices=AlertChannel.choices, widget=forms.RadioSelect, label="How do you want to hear of a new opportunity?"
    )
    digest = forms.BooleanField(required=False, label="Email me a monthly digest of forthcoming opportunities")

    def __init__(self, *args: Any, areas: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["service_areas"]).choices = [
            (str(a.pk), f"{a.name} ({a.partnership.name})") for a in areas
        ]

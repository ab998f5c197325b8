"""Forms: the commission's life as a whole."""

from __future__ import annotations

from django import forms

from core.forms import BoundedForm


class TransitionForm(BoundedForm):
    name = forms.CharField(max_length=50)
    reason = forms.CharField(required=False, max_length=2000)

"""Forms of the classification workflow (the classification form itself is lis.systems.forms)."""

from __future__ import annotations

from django import forms


class ApprovalForm(forms.Form):
    """Which revision of a proposal the approver saw: the page carries it, the service compares it."""

    revision = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

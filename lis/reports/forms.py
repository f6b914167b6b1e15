"""The upload form of the register import: the file is checked before anything is stored."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import register_xlsx


class RegisterImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel-fil"),
        help_text=_("En förteckning exporterad från LIS (.xlsx), ändrad i Excel. Högst %(max)s."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = self.fields["file"].help_text % {
            "max": filesizeformat(register_xlsx.max_upload_bytes())
        }
        self.data_bytes = b""

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = register_xlsx.max_upload_bytes()
        if upload.size is not None and upload.size > limit:
            raise ValidationError(
                gettext("Filen är för stor (%(size)s). Den får vara högst %(max)s.")
                % {"size": filesizeformat(upload.size), "max": filesizeformat(limit)}
            )
        data = upload.read(limit + 1)
        try:
            register_xlsx.check_file(data, upload.name or "")
            register_xlsx.read_sheet(data)
        except register_xlsx.ImportFileError as exc:
            raise ValidationError(exc.messages) from exc
        self.data_bytes = data
        return upload

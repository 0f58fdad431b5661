"""The press list's filter form (GET); bad values are dropped, never an error page."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from swsdigital.core.images import ImageUploadField

from .models import NewsImage, NewsItem
from .selectors import NewsFilters


class NewsFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    topic = forms.ChoiceField(label=_("Topic"), required=False)
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, topics=(), years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All kinds")), *NewsItem.Kind.choices]
        self.fields["topic"].choices = [("", _("All topics")), *[(t.slug, t.name) for t in topics]]
        self.fields["year"].choices = [("", _("All years")), *[(str(y), str(y)) for y in years]]
        self.fields["q"].widget.attrs.update({"type": "search", "placeholder": _("e.g. Digitalisierung")})
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.disable_csrf = True
        self.helper.form_class = "news-filter mb-4"
        self.helper.attrs = {"role": "search", "aria-label": _("Search and filter press items")}
        self.helper.layout = Layout(
            Row(
                Column("q", css_class="col-md-6 col-lg-4"),
                Column("kind", css_class="col-md-6 col-lg-2"),
                Column("topic", css_class="col-md-6 col-lg-2"),
                Column("year", css_class="col-md-3 col-lg-2"),
                Column(Submit("", _("Show"), css_class="w-100 mt-md-4 py-2"), css_class="col-md-3 col-lg-2"),
            )
        )

    def filters(self) -> NewsFilters:
        """Return the valid filters; a field with an unknown value is simply ignored."""
        if not self.is_valid():
            # Forget unknown values (old links, hand-edited URLs) and show the form without them.
            self.data = self.data.copy()
            for name in list(self.errors):
                self.data.pop(name, None)
            self._errors = None
            self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return NewsFilters(
            kind=data.get("kind") or "",
            topic=data.get("topic") or "",
            year=data.get("year") or None,
            q=data.get("q") or "",
        )


class NewsImageAdminForm(forms.ModelForm):
    """Staff upload: the file is checked here and re-encoded by the service."""

    class Meta:
        model = NewsImage
        fields = ["image", "alt_text", "caption", "credit", "position"]
        field_classes = {"image": ImageUploadField}

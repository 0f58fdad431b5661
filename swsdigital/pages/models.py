"""Site content staff edit: the association's profile and the legal pages."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from swsdigital.core.richtext import RichTextField


class SiteProfile(models.Model):
    """The association itself (one row): name, office, contact, social links, figures."""

    name = models.CharField(_("name"), max_length=200, default="Südwestsachsen Digital e.V.")
    short_name = models.CharField(_("short name"), max_length=50, default="SWS Digital")
    claim_de = models.CharField(_("claim (German)"), max_length=300, blank=True)
    claim_en = models.CharField(_("claim (English)"), max_length=300, blank=True)
    intro_de = RichTextField(_("introduction (German)"), blank=True)
    intro_en = RichTextField(_("introduction (English)"), blank=True)
    office_name = models.CharField(_("office"), max_length=200, blank=True)
    street = models.CharField(_("street"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("email"), blank=True)
    facebook_url = models.URLField(_("Facebook"), blank=True)
    linkedin_url = models.URLField(_("LinkedIn"), blank=True)
    x_url = models.URLField(_("X (Twitter)"), blank=True)
    youtube_url = models.URLField(_("YouTube"), blank=True)
    regions = models.CharField(
        _("regions served"), max_length=300, blank=True, help_text=_("Comma-separated, e.g. Vogtland, Erzgebirge.")
    )
    contacts_count = models.PositiveIntegerField(_("contacts in the network"), default=0)
    participants_count = models.PositiveIntegerField(_("participants reached"), default=0)
    members_count_fallback = models.PositiveIntegerField(_("member count (until members are kept here)"), default=0)
    # The letterhead of invoices and the creditor of direct debits.
    register_entry = models.CharField(
        _("register entry"), max_length=200, blank=True, help_text=_("E.g. Amtsgericht Chemnitz, VR 1234.")
    )
    tax_number = models.CharField(_("tax number"), max_length=50, blank=True)
    tax_note_de = models.CharField(
        _("tax exemption note (German)"),
        max_length=300,
        blank=True,
        help_text=_("E.g. the notice of charitable status."),
    )
    tax_note_en = models.CharField(_("tax exemption note (English)"), max_length=300, blank=True)
    fee_vat_note_de = models.CharField(
        _("VAT note on fee invoices (German)"),
        max_length=300,
        blank=True,
        default="Mitgliedsbeiträge sind nicht umsatzsteuerbar (echter Mitgliedsbeitrag).",
    )
    fee_vat_note_en = models.CharField(
        _("VAT note on fee invoices (English)"),
        max_length=300,
        blank=True,
        default="Membership fees are not subject to VAT.",
    )
    bank_name = models.CharField(_("bank"), max_length=100, blank=True)
    bank_iban = models.CharField(_("IBAN of the association"), max_length=34, blank=True)
    bank_bic = models.CharField(_("BIC of the association"), max_length=11, blank=True)
    creditor_id = models.CharField(
        _("creditor identifier"), max_length=35, blank=True, help_text=_("The SEPA Gläubiger-Identifikationsnummer.")
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    BANK_FIELDS = ("bank_name", "bank_iban", "bank_bic", "creditor_id")

    class Meta:
        verbose_name = _("association profile")
        verbose_name_plural = _("association profile")
        permissions = [
            ("change_bank_details", _("Can change the association's bank details and creditor identifier")),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if SiteProfile.objects.exclude(pk=self.pk).exists():
            raise ValidationError(_("There is only one association profile; edit the existing one."))
        from swsdigital.core.sepa import creditor_id_normalise, creditor_id_validate, iban_check

        errors = {}
        if self.bank_iban:
            try:
                self.bank_iban = iban_check(self.bank_iban)
            except ValidationError as exc:
                errors["bank_iban"] = exc.messages
        if self.creditor_id:
            self.creditor_id = creditor_id_normalise(self.creditor_id)
            try:
                creditor_id_validate(self.creditor_id)
            except ValidationError as exc:
                errors["creditor_id"] = exc.messages
        self.bank_bic = (self.bank_bic or "").replace(" ", "").upper()
        if errors:
            raise ValidationError(errors)

    @property
    def tax_note(self) -> str:
        return self.tax_note_en if get_language() == "en" and self.tax_note_en else self.tax_note_de

    @property
    def fee_vat_note(self) -> str:
        return self.fee_vat_note_en if get_language() == "en" and self.fee_vat_note_en else self.fee_vat_note_de

    @property
    def claim(self) -> str:
        return self.claim_en if get_language() == "en" and self.claim_en else self.claim_de

    @property
    def intro(self) -> str:
        return self.intro_en if get_language() == "en" and self.intro_en else self.intro_de

    @property
    def region_list(self) -> list[str]:
        return [r.strip() for r in self.regions.split(",") if r.strip()]


class LegalPage(models.Model):
    """Impressum, Datenschutz, Barrierefreiheit, Satzung: one text per language."""

    class Kind(models.TextChoices):
        IMPRINT = "imprint", _("Imprint")
        PRIVACY = "privacy", _("Privacy notice")
        ACCESSIBILITY = "accessibility", _("Accessibility statement")
        STATUTES = "statutes", _("Statutes")

    kind = models.CharField(_("page"), max_length=20, choices=Kind.choices, unique=True)
    title_de = models.CharField(_("title (German)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    body_de = RichTextField(_("text (German)"), tables=True)
    body_en = RichTextField(_("text (English)"), blank=True, tables=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("legal page")
        verbose_name_plural = _("legal pages")
        ordering = ["kind"]

    def __str__(self) -> str:
        return self.get_kind_display()

    def get_absolute_url(self) -> str:
        return reverse(f"pages:{self.kind}")

    @property
    def title(self) -> str:
        return self.title_en if get_language() == "en" and self.title_en else self.title_de

    @property
    def body(self) -> str:
        return self.body_en if get_language() == "en" and self.body_en else self.body_de

"""Accounts and membership."""

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from swsdigital.core.crypto import EncryptedCharField


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, email: str):
        return self.get(email__iexact=email)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with an email address (no usernames)."""

    class Language(models.TextChoices):
        DE = "de", _("German")
        EN = "en", _("English")

    email = models.EmailField(_("email address"), max_length=254, unique=True)
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    language = models.CharField(_("language"), max_length=5, choices=Language.choices, default=Language.DE)
    is_staff = models.BooleanField(
        _("staff status"), default=False, help_text=_("Designates whether the user can log into the admin.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="members_user_email_ci_uniq")]

    def __str__(self) -> str:
        return self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.email

    def get_short_name(self) -> str:
        return self.first_name or self.email


class Region(models.TextChoices):
    VOGTLANDKREIS = "vogtlandkreis", _("Vogtlandkreis")
    ERZGEBIRGSKREIS = "erzgebirgskreis", _("Erzgebirgskreis")
    ZWICKAU = "zwickau", _("Landkreis Zwickau")
    CHEMNITZ = "chemnitz", _("Stadt Chemnitz")
    SAXONY = "saxony", _("Elsewhere in Saxony")
    OUTSIDE = "outside", _("Outside Saxony")


class EmployeeBand(models.TextChoices):
    NONE = "", _("not applicable")
    MICRO = "1-9", _("1 to 9 employees")
    SMALL = "10-49", _("10 to 49 employees")
    MEDIUM = "50-249", _("50 to 249 employees")
    LARGE = "250+", _("250 employees or more")


class Salutation(models.TextChoices):
    NONE = "", _("none")
    MS = "ms", _("Ms")
    MR = "mr", _("Mr")


class _Translated:
    """Pick the German or English variant of a field by the active language."""

    def _translated(self, field: str) -> str:
        from django.utils.translation import get_language

        english = getattr(self, f"{field}_en", "")
        return english if get_language() == "en" and english else getattr(self, f"{field}_de")


class MembershipType(_Translated, models.Model):
    """A kind of membership with its annual fee, edited by staff."""

    class Category(models.TextChoices):
        COMPANY = "company", _("Company")
        SCHOOL = "school", _("School or educational institution")
        RESEARCH = "research", _("Research institute")
        MUNICIPALITY = "municipality", _("Municipality")
        ASSOCIATION = "association", _("Association")
        INDIVIDUAL = "individual", _("Individual supporter")

    slug = models.SlugField(_("key"), max_length=60, unique=True)
    name_de = models.CharField(_("name (German)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150, blank=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    annual_fee = models.DecimalField(_("annual fee (EUR)"), max_digits=8, decimal_places=2)
    description_de = models.CharField(_("description (German)"), max_length=300, blank=True)
    description_en = models.CharField(_("description (English)"), max_length=300, blank=True)
    is_active = models.BooleanField(_("offered in the form"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("membership type")
        verbose_name_plural = _("membership types")
        ordering = ["position", "name_de"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self._translated("name")

    @property
    def description(self) -> str:
        return self._translated("description")


class Topic(_Translated, models.Model):
    """A topic of interest members choose (and the directory filters by)."""

    slug = models.SlugField(_("key"), max_length=60, unique=True)
    name_de = models.CharField(_("name (German)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["name_de"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self._translated("name")


class Organisation(models.Model):
    """The organisation fields an application and a member share."""

    name = models.CharField(_("organisation name"), max_length=200)
    legal_form = models.CharField(_("legal form"), max_length=60, blank=True)
    sector = models.CharField(_("sector"), max_length=100, blank=True)
    employee_band = models.CharField(
        _("employees"), max_length=10, choices=EmployeeBand.choices, blank=True, default=EmployeeBand.NONE
    )
    street = models.CharField(_("street and number"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=5)
    city = models.CharField(_("city"), max_length=100)
    region = models.CharField(_("region"), max_length=20, choices=Region.choices)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("short description"), max_length=1500, blank=True)
    logo = models.ImageField(_("logo"), upload_to="members/logos/", blank=True)
    logo_thumbnail = models.ImageField(_("logo thumbnail"), upload_to="members/logos/thumbs/", blank=True)
    membership_type = models.ForeignKey(
        MembershipType, on_delete=models.PROTECT, related_name="+", verbose_name=_("membership type")
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="+", verbose_name=_("topics of interest"))
    # Stored encrypted (a database dump shows tokens only); they cannot be filtered, searched or sorted.
    sepa_account_holder = EncryptedCharField(_("account holder"), max_length=70, blank=True)
    sepa_iban = EncryptedCharField(_("IBAN"), max_length=34, blank=True)
    sepa_bic = models.CharField(_("BIC"), max_length=11, blank=True)

    class Meta:
        abstract = True

    @property
    def has_sepa_mandate(self) -> bool:
        return bool(self.sepa_iban)


class MembershipApplication(Organisation):
    """An online application; it reaches staff once the applicant confirmed the address."""

    class Status(models.TextChoices):
        UNCONFIRMED = "unconfirmed", _("email not confirmed")
        SUBMITTED = "submitted", _("awaiting decision")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    class Known(models.TextChoices):
        NO = "", _("new")
        MEMBER_EMAIL = "member_email", _("address belongs to a member")
        MEMBER_ORGANISATION = "member_organisation", _("organisation is already a member")
        PENDING = "pending", _("an application is already pending")

    topics = models.ManyToManyField(
        Topic, blank=True, related_name="applications", verbose_name=_("topics of interest")
    )
    membership_type = models.ForeignKey(
        MembershipType, on_delete=models.PROTECT, related_name="applications", verbose_name=_("membership type")
    )
    salutation = models.CharField(_("salutation"), max_length=5, choices=Salutation.choices, blank=True)
    title = models.CharField(_("title"), max_length=50, blank=True)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    role = models.CharField(_("role"), max_length=100, blank=True)
    email = models.EmailField(_("email"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    further_contacts = models.JSONField(_("further contacts"), default=list, blank=True)
    directory_listed = models.BooleanField(_("listed in the directory"), default=False)
    directory_fields = models.JSONField(_("fields shown in the directory"), default=list, blank=True)
    newsletter = models.BooleanField(_("newsletter wanted"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.UNCONFIRMED)
    known = models.CharField(_("already known"), max_length=30, choices=Known.choices, blank=True, default="")
    language = models.CharField(_("language"), max_length=5, default="de")
    submission_token = models.CharField(_("submission token"), max_length=64, unique=True)
    submitted_ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("email confirmed"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision_message = models.TextField(_("message to the applicant"), blank=True)
    member = models.OneToOneField(
        "Member", verbose_name=_("member"), null=True, blank=True, on_delete=models.SET_NULL, related_name="application"
    )

    class Meta:
        verbose_name = _("membership application")
        verbose_name_plural = _("membership applications")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_status_display()})"

    @property
    def contact_name(self) -> str:
        return " ".join(p for p in (self.title, self.first_name, self.last_name) if p)


class Member(Organisation):
    """An admitted member organisation with its membership number."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        ENDED = "ended", _("membership ended")

    DIRECTORY_FIELDS = (
        ("logo", _("Logo")),
        ("description", _("Short description")),
        ("website", _("Website")),
        ("address", _("Address")),
        ("topics", _("Topics of interest")),
        ("contact", _("Main contact (name, email, phone)")),
    )

    topics = models.ManyToManyField(Topic, blank=True, related_name="members", verbose_name=_("topics of interest"))
    membership_type = models.ForeignKey(
        MembershipType, on_delete=models.PROTECT, related_name="members", verbose_name=_("membership type")
    )
    number = models.PositiveIntegerField(_("membership number"), unique=True)
    slug = models.SlugField(_("address in the directory"), max_length=220, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    joined_on = models.DateField(_("member since"))
    sepa_mandate_reference = models.CharField(_("mandate reference"), max_length=35, blank=True)
    sepa_mandate_signed_on = models.DateField(_("mandate date"), null=True, blank=True)
    # The English directory shows it; where it is empty, the German ``description`` (marked lang="de").
    description_en = models.TextField(_("short description (English)"), max_length=1500, blank=True)
    directory_listed = models.BooleanField(_("listed in the directory"), default=False)
    directory_fields = models.JSONField(_("fields shown in the directory"), default=list, blank=True)
    resignation_requested_at = models.DateTimeField(_("resignation requested"), null=True, blank=True)
    resignation_effective_on = models.DateField(_("membership ends on"), null=True, blank=True)
    resignation_confirmed_at = models.DateTimeField(_("resignation confirmed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["name"]
        permissions = [("view_bank_data", _("Can see and change bank details (IBAN, account holder, BIC)"))]
        indexes = [models.Index(fields=["directory_listed", "status", "name"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.number})"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("members:detail", kwargs={"slug": self.slug})

    def shows(self, field: str) -> bool:
        """Return whether the member chose to show ``field`` in the public directory."""
        return field in (self.directory_fields or [])

    @property
    def show_logo(self) -> bool:
        # The card shows the thumbnail, the member's page the logo: both must be there (issue 19).
        return self.shows("logo") and bool(self.logo) and bool(self.logo_thumbnail)

    @property
    def show_description(self) -> bool:
        return self.shows("description") and bool(self.description or self.description_en)

    @property
    def description_language(self) -> str:
        """The language of the description shown on the current page: English where written, else German."""
        from django.utils.translation import get_language

        if (get_language() or "de").startswith("en"):
            return "en" if self.description_en else "de"
        return "de" if self.description else "en"

    @property
    def description_shown(self) -> str:
        """The description in the page's language, the other one where it is missing."""
        return self.description_en if self.description_language == "en" else self.description

    @property
    def show_website(self) -> bool:
        return self.shows("website") and bool(self.website)

    @property
    def show_address(self) -> bool:
        return self.shows("address")

    @property
    def show_topics(self) -> bool:
        return self.shows("topics")

    @property
    def show_contact(self) -> bool:
        return self.shows("contact")


class Contact(models.Model):
    """A person at a member organisation; with an account once invited."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("member"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member_contacts",
        verbose_name=_("account"),
    )
    salutation = models.CharField(_("salutation"), max_length=5, choices=Salutation.choices, blank=True)
    title = models.CharField(_("title"), max_length=50, blank=True)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    role = models.CharField(_("role"), max_length=100, blank=True)
    email = models.EmailField(_("email"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_main = models.BooleanField(_("main contact"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-is_main", "last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(fields=["member", "email"], name="members_contact_member_email_uniq"),
            models.UniqueConstraint(
                fields=["member"], condition=models.Q(is_main=True), name="members_contact_one_main_uniq"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.title, self.first_name, self.last_name) if p)


class MembershipNumberCounter(models.Model):
    """The one row locked while a membership number is issued, so numbers never repeat or skip."""

    key = models.CharField(_("counter"), max_length=20, unique=True, default="member")
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("membership number counter")
        verbose_name_plural = _("membership number counters")

    def __str__(self) -> str:
        return f"{self.key}: {self.last_number}"

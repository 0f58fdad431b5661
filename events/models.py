"""Series, topics, venues, events and registrations."""

import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from swsdigital.core.images import validate_image_upload
from swsdigital.core.richtext import RichTextField


def _token() -> str:
    """Return a new unguessable token for a personal link."""
    return secrets.token_urlsafe(24)


class Series(models.Model):
    """A recurring format such as the SmartRailCampus."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    description = RichTextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("series")
        verbose_name_plural = _("event series")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Topic(models.Model):
    """A subject an event is about (e.g. mobility, cybersecurity)."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Event(models.Model):
    """One dated event with its place, publication state and registration settings."""

    class Format(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")
        HYBRID = "hybrid", _("Hybrid")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled publication")
        PUBLISHED = "published", _("Published")
        POSTPONED = "postponed", _("Postponed")
        CANCELLED = "cancelled", _("Cancelled")

    class Region(models.TextChoices):
        VOGTLAND = "vogtland", _("Vogtlandkreis")
        ERZGEBIRGE = "erzgebirge", _("Erzgebirgskreis")
        ZWICKAU = "zwickau", _("Landkreis Zwickau")
        CHEMNITZ = "chemnitz", _("Chemnitz")
        MITTELSACHSEN = "mittelsachsen", _("Mittelsachsen")
        ONLINE = "online", _("Online")
        ELSEWHERE = "elsewhere", _("Elsewhere")

    uid = models.UUIDField(_("calendar UID"), default=uuid.uuid4, unique=True, editable=False)
    series = models.ForeignKey(
        Series, verbose_name=_("series"), on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    topics = models.ManyToManyField(Topic, verbose_name=_("topics"), blank=True, related_name="events")
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    teaser = models.CharField(_("teaser"), max_length=300, blank=True)
    description = RichTextField(_("description"), blank=True)
    german_only = models.BooleanField(
        _("German only"),
        default=False,
        help_text=_("No English version is planned: not listed as missing, no English address in the sitemap."),
    )
    start = models.DateTimeField(_("start"), db_index=True)
    end = models.DateTimeField(_("end"))
    all_day = models.BooleanField(_("all day"), default=False)
    format = models.CharField(_("format"), max_length=20, choices=Format.choices, default=Format.IN_PERSON)
    region = models.CharField(_("region"), max_length=20, choices=Region.choices, blank=True)
    venue = models.ForeignKey(
        "Venue",
        verbose_name=_("venue"),
        # A venue that past events took place at cannot be deleted: their pages and calendars keep the place.
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )
    online_url = models.URLField(
        _("online link"), blank=True, help_text=_("Shown only to registered participants (confirmation, reminder).")
    )
    organiser = models.CharField(_("organiser"), max_length=200, blank=True)
    partners = models.CharField(_("partners"), max_length=500, blank=True)
    image = models.ImageField(_("image"), upload_to="events/", blank=True, validators=[validate_image_upload])
    image_thumbnail = models.ImageField(_("thumbnail"), upload_to="events/thumbs/", blank=True, editable=False)
    image_alt = models.CharField(_("image alt text"), max_length=300, blank=True)
    image_credit = models.CharField(_("photo credit"), max_length=200, blank=True)
    focal_x = models.PositiveSmallIntegerField(
        _("focal point from the left (%)"),
        default=50,
        validators=[MaxValueValidator(100)],
        help_text=_("The thumbnail is cropped around this point."),
    )
    focal_y = models.PositiveSmallIntegerField(
        _("focal point from the top (%)"), default=50, validators=[MaxValueValidator(100)]
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    publish_at = models.DateTimeField(_("publish at"), null=True, blank=True)
    save_the_date = models.BooleanField(
        _("save the date"), default=False, help_text=_("Announced; registration is not open yet.")
    )
    registration_enabled = models.BooleanField(_("registration on this site"), default=True)
    registration_opens = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes = models.DateTimeField(_("registration closes"), null=True, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True, help_text=_("Empty: no limit."))
    waitlist_enabled = models.BooleanField(_("waiting list"), default=True)
    members_only = models.BooleanField(_("members only"), default=False)
    max_places = models.PositiveSmallIntegerField(
        _("places per registration"), default=1, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    extra_questions = models.TextField(
        _("extra questions"), blank=True, help_text=_("One question per line; answers are optional.")
    )
    contact_name = models.CharField(
        _("contact person"),
        max_length=200,
        blank=True,
        help_text=_(
            "A person's name. Leave empty for the office: the page then says "
            "“Office of the association” in the reader's language."
        ),
    )
    contact_email = models.EmailField(_("contact email"), blank=True)
    sequence = models.PositiveIntegerField(_("calendar sequence"), default=0, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["start", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="events_event_end_after_start")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.start and self.end and self.end < self.start:
            errors["end"] = _("The end must be after the start.")
        if self.format in (self.Format.IN_PERSON, self.Format.HYBRID) and not self.venue_id:
            errors["venue"] = _("Events in person need a venue.")
        if self.format in (self.Format.ONLINE, self.Format.HYBRID) and not self.online_url:
            errors["online_url"] = _("Online events need a link.")
        if self.status == self.Status.SCHEDULED and not self.publish_at:
            errors["publish_at"] = _("Scheduled publication needs a date.")
        if self.registration_opens and self.registration_closes and self.registration_closes < self.registration_opens:
            errors["registration_closes"] = _("Registration must close after it opens.")
        if self.image and not self.image_alt:
            errors["image_alt"] = _("Please describe the image for people who cannot see it.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def is_postponed(self) -> bool:
        return self.status == self.Status.POSTPONED

    @property
    def is_past(self) -> bool:
        return self.end < timezone.now()

    @property
    def is_public(self) -> bool:
        if self.status == self.Status.SCHEDULED:
            return bool(self.publish_at and self.publish_at <= timezone.now())
        return self.status in (self.Status.PUBLISHED, self.Status.POSTPONED, self.Status.CANCELLED)

    @property
    def has_venue(self) -> bool:
        return self.format in (self.Format.IN_PERSON, self.Format.HYBRID)

    @property
    def place(self) -> "Venue | None":
        """The venue to show: only for events that take place somewhere."""
        return self.venue if self.has_venue else None

    @property
    def is_online(self) -> bool:
        return self.format in (self.Format.ONLINE, self.Format.HYBRID)

    @property
    def question_list(self) -> list[str]:
        return [line.strip() for line in self.extra_questions.splitlines() if line.strip()]

    def registration_state(self, now=None) -> str:
        """Return why registration is closed, or "open"."""
        now = now or timezone.now()
        if not self.registration_enabled:
            return "none"
        if self.status == self.Status.CANCELLED:
            return "cancelled"
        if self.status == self.Status.POSTPONED:
            return "postponed"
        if self.end < now or self.start < now:
            return "past"
        if self.save_the_date or (self.registration_opens and self.registration_opens > now):
            return "not_yet"
        if self.registration_closes and self.registration_closes < now:
            return "closed"
        return "open"

    def registration_state_counted(self, *, confirmed: int, waiting: int, now=None) -> str:
        """Return registration_state(), with "waitlist" or "full" for an open event that has no place left."""
        state = self.registration_state(now)
        # As registration_create decides: a place is free while one more fits and nobody waits ahead.
        if state == "open" and self.capacity is not None and (confirmed >= self.capacity or waiting):
            return "waitlist" if self.waitlist_enabled else "full"
        return state


class Venue(models.Model):
    """A place where events take place, kept once and chosen for each event."""

    name = models.CharField(_("name"), max_length=200)
    street = models.CharField(_("street address"), max_length=300, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    town = models.CharField(_("town"), max_length=200, blank=True)
    region = models.CharField(_("region"), max_length=20, choices=Event.Region.choices, blank=True)
    accessibility = models.TextField(
        _("accessibility notes"), blank=True, help_text=_("Step-free access, lift, accessible toilet, hearing loop.")
    )
    map_url = models.URLField(
        _("map link"),
        max_length=500,
        blank=True,
        validators=[
            URLValidator(schemes=["http", "https"], message=_("Please enter a web address starting with https://."))
        ],
        help_text=_("For example the place on OpenStreetMap."),
    )
    participant_notes = models.TextField(
        _("notes for participants"),
        blank=True,
        help_text=_("Directions, parking, entrance; shown on the event page and in the confirmation."),
    )

    class Meta:
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        ordering = ["name", "town", "pk"]

    def __str__(self) -> str:
        return f"{self.name}, {self.town}" if self.town and self.town not in self.name else self.name

    @property
    def address(self) -> str:
        """The postal address on one line: street, postcode and town."""
        return ", ".join(part for part in (self.street, f"{self.postcode} {self.town}".strip()) if part)


class Registration(models.Model):
    """A person's places at an event: confirmed, on the waiting list, or cancelled."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITING = "waiting", _("Waiting list")
        # A participant's cancellation is "storniert"; "abgesagt" is the organiser calling off an event.
        CANCELLED = "cancelled", pgettext_lazy("registration status", "Cancelled")

    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="event_registrations",
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"), max_length=254)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    places = models.PositiveSmallIntegerField(_("places"), default=1)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=5, default="de")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, db_index=True)
    token = models.CharField(_("token"), max_length=64, unique=True, default=_token, editable=False)
    created_at = models.DateTimeField(_("registered"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    cancelled_at = models.DateTimeField(pgettext_lazy("registration", "cancelled"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "email"],
                condition=~Q(status="cancelled") & ~Q(email=""),
                name="events_registration_one_active_per_email",
            ),
            models.CheckConstraint(condition=Q(places__gte=1), name="events_registration_places_positive"),
        ]
        indexes = [
            models.Index(fields=["event", "status", "created_at"]),
            # The admin's list: its default order, and an address searched exactly (case-insensitive).
            models.Index(fields=["created_at", "id"], name="events_reg_created_idx"),
            models.Index(Upper("email"), name="events_reg_email_upper_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name or _('anonymised')} – {self.event}"

    def get_absolute_url(self) -> str:
        return reverse("events:registration", kwargs={"token": self.token})

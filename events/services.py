"""Every write of the event calendar: registrations with capacity, venues, publication, notices, reminders,
anonymisation."""

import io
import logging
import uuid
from datetime import timedelta

import qrcode
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from members import selectors as members_selectors
from swsdigital.core.images import image_process_upload, image_thumbnail_from_stored
from swsdigital.core.pagecache import page_cache_invalidate
from swsdigital.mail.services import Attachment, email_send
from swsdigital.privacy.retention import retention_cutoff
from swsdigital.privacy.services import consent_record

from .ical import event_ics
from .models import Event, Registration, Venue, _token

logger = logging.getLogger(__name__)

Status = Registration.Status

CLOSED_MESSAGES = {
    "none": _("This event takes no registrations on this site."),
    "cancelled": _("This event has been cancelled; registration is closed."),
    "postponed": _("This event has been postponed; registration will open again with the new date."),
    "past": _("This event has already taken place."),
    "not_yet": _("Registration for this event is not open yet."),
    "closed": _("Registration for this event has closed."),
    "full": _("This event is fully booked."),
}


MEMBERS_ONLY_MESSAGE = _("This event is open to members only. Please log in with your member account.")


class RegistrationError(ValidationError):
    """A registration that the event's rules do not allow (message is translated)."""


# --- Helpers ------------------------------------------------------------------


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _localized_url(name: str, language: str, **kwargs) -> str:
    with translation.override(language):
        return _absolute(reverse(name, kwargs=kwargs))


def _qr_png(*, token: str, language: str) -> bytes:
    image = qrcode.make(_localized_url("events:checkin", language, token=token), box_size=6)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue()


def registration_qr_png(*, registration: Registration) -> bytes:
    """Return a PNG QR code of the registration's check-in link."""
    return _qr_png(token=registration.token, language=registration.language)


def _is_member(user) -> bool:
    return user is not None and user.is_authenticated and members_selectors.user_is_member(user=user)


def _confirmed_places(event: Event) -> int:
    return event.registrations.filter(status=Status.CONFIRMED).aggregate(n=Sum("places"))["n"] or 0


def _notify(
    registration: Registration, template: str, *, ics: bool = False, qr: bool = False, qr_png: bytes = b"", **extra
) -> None:
    event = registration.event
    attachments = []
    if ics:
        online = registration.status == Status.CONFIRMED
        attachments.append(
            Attachment(f"{event.slug}.ics", event_ics(event, with_online_url=online), "text/calendar; charset=utf-8")
        )
    if qr:
        png = qr_png or registration_qr_png(registration=registration)
        attachments.append(Attachment("check-in.png", png, "image/png"))
    email_send(
        to=registration.email,
        template=f"events/{template}",
        language=registration.language,
        attachments=attachments,
        context={
            "registration": registration,
            "event": event,
            "manage_url": _localized_url("events:registration", registration.language, token=registration.token),
            "event_url": _localized_url("events:detail", registration.language, slug=event.slug),
            **extra,
        },
    )


def _send_status_email(registration: Registration, *, qr_png: bytes = b"") -> None:
    if registration.status == Status.CONFIRMED:
        _notify(registration, "confirmation", ics=True, qr=True, qr_png=qr_png)
    else:
        _notify(registration, "waiting")


# --- Registration -------------------------------------------------------------


def registration_allowed_for(*, event: Event, user) -> bool:
    """Return whether a visitor may register at all (members-only events need a member)."""
    return not event.members_only or _is_member(user)


def registration_create(
    *,
    event: Event,
    name: str,
    email: str,
    organisation: str = "",
    places: int = 1,
    answers: dict | None = None,
    user=None,
    language: str = "de",
    ip: str | None = None,
) -> tuple[Registration, bool]:
    """Register a person (confirmed while places last, else waiting); return (registration, created)."""
    email = email.strip().lower()
    # Draw the QR code before taking the lock: the lock should cover only counting and writing.
    token = _token()
    qr_png = _qr_png(token=token, language=language)
    with transaction.atomic():
        # The row lock serialises all registrations of this event: capacity is counted and
        # taken by one transaction at a time, so it is never oversold.
        event = Event.objects.select_for_update().get(pk=event.pk)
        state = event.registration_state()
        if state == "open" and not event.is_public:
            state = "closed"
        if state != "open":
            raise RegistrationError(CLOSED_MESSAGES[state], code=state)
        if event.members_only and not _is_member(user):
            raise RegistrationError(MEMBERS_ONLY_MESSAGE, code="members_only")
        if not 1 <= places <= event.max_places:
            raise RegistrationError(
                _("Please choose between 1 and %(max)d places.") % {"max": event.max_places}, code="places"
            )
        existing = event.registrations.filter(email=email).exclude(status=Status.CANCELLED).first()
        if existing:
            return existing, False
        waiting_ahead = event.registrations.filter(status=Status.WAITING).exists()
        fits = event.capacity is None or _confirmed_places(event) + places <= event.capacity
        if fits and not waiting_ahead:
            status = Status.CONFIRMED
        elif event.waitlist_enabled:
            status = Status.WAITING
        else:
            raise RegistrationError(CLOSED_MESSAGES["full"], code="full")
        now = timezone.now()
        registration = Registration(
            event=event,
            user=user if user is not None and user.is_authenticated else None,
            name=name.strip(),
            email=email,
            organisation=organisation.strip(),
            places=places,
            answers=answers or {},
            language=language,
            status=status,
            confirmed_at=now if status == Status.CONFIRMED else None,
            token=token,
        )
        registration.full_clean()
        try:
            with transaction.atomic():
                registration.save()
        except IntegrityError:  # the partial unique index caught a duplicate the lock did not see
            return event.registrations.get(email=email, status__in=[Status.CONFIRMED, Status.WAITING]), False
        consent_record(
            key="event_registration",
            email=email,
            source="events:registration",
            ip=ip,
            user=registration.user,
            subject_ref=f"event:{event.pk}",
        )
        _send_status_email(registration, qr_png=qr_png)
    return registration, True


def _waitlist_promote(event: Event) -> list[Registration]:
    """Move people up from the waiting list while their places fit (first come, first served)."""
    promoted = []
    free = None if event.capacity is None else event.capacity - _confirmed_places(event)
    for registration in event.registrations.filter(status=Status.WAITING).order_by("created_at", "pk"):
        if free is not None and registration.places > free:
            break
        registration.status = Status.CONFIRMED
        registration.confirmed_at = timezone.now()
        registration.save(update_fields=["status", "confirmed_at"])
        _notify(registration, "promoted", ics=True, qr=True)
        promoted.append(registration)
        if free is not None:
            free -= registration.places
    return promoted


def registration_cancel(*, registration: Registration) -> Registration:
    """Cancel a registration; a freed place goes to the next person on the waiting list."""
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=registration.event_id)
        registration = Registration.objects.select_related("event", "event__venue").get(pk=registration.pk)
        if registration.status == Status.CANCELLED:
            return registration
        was_confirmed = registration.status == Status.CONFIRMED
        registration.status = Status.CANCELLED
        registration.cancelled_at = timezone.now()
        registration.save(update_fields=["status", "cancelled_at"])
        _notify(registration, "registration_cancelled")
        if was_confirmed and not event.is_past and event.status != Event.Status.CANCELLED:
            _waitlist_promote(event)
    return registration


def registration_check_in(*, registration: Registration) -> bool:
    """Mark a confirmed participant as attended; return False if already checked in."""
    if registration.status != Status.CONFIRMED:
        raise RegistrationError(_("Only confirmed registrations can be checked in."), code="not_confirmed")
    updated = Registration.objects.filter(pk=registration.pk, checked_in_at__isnull=True).update(
        checked_in_at=timezone.now()
    )
    registration.refresh_from_db(fields=["checked_in_at"])
    return bool(updated)


# --- Events -------------------------------------------------------------------

_TIME_FIELDS = ("start", "end", "all_day")
_PLACE_FIELDS = ("format", "venue_id", "online_url")
_VENUE_PLACE_FIELDS = ("name", "street", "postcode", "town")
# Event thumbnails have the cards' proportions (16:9), cut around the focal point staff chose.
EVENT_THUMBNAIL_SIZE = (640, 360)


def _tell_participants(event: Event, *, changed_time: bool, changed_place: bool, cancelled_now: bool) -> None:
    recipients = event.registrations.filter(status__in=[Status.CONFIRMED, Status.WAITING]).select_related(
        "event", "event__venue"
    )
    if cancelled_now:
        for registration in recipients:
            _notify(registration, "event_cancelled", ics=True)
    elif changed_time or changed_place:
        for registration in recipients:
            _notify(registration, "event_changed", ics=True, changed_time=changed_time, changed_place=changed_place)


def _thumbnail_update(event: Event, previous: Event | None, image: UploadedFile | None) -> None:
    focal = (event.focal_x, event.focal_y)
    if image is not None:
        # Through the shared upload helper: re-encoded, metadata stripped, generated names, thumbnail once.
        full, thumbnail = image_process_upload(image, crop=EVENT_THUMBNAIL_SIZE, focal=focal)
        event.image.save(full.name, full, save=False)
        event.image_thumbnail.save(thumbnail.name, thumbnail, save=False)
    elif not event.image:
        event.image_thumbnail = ""
    elif previous is not None and focal != (previous.focal_x, previous.focal_y):
        thumbnail = image_thumbnail_from_stored(event.image, crop=EVENT_THUMBNAIL_SIZE, focal=focal)
        event.image_thumbnail.save(thumbnail.name, thumbnail, save=False)


def event_save(*, event: Event, image: UploadedFile | None = None) -> Event:
    """Save an event; a change of time or place bumps the calendar SEQUENCE and tells participants."""
    if event.venue_id and not event.region and event.has_venue:
        event.region = event.venue.region  # the calendar's region filter finds it without a second choice
    with transaction.atomic():
        previous = Event.objects.select_for_update().filter(pk=event.pk).first() if event.pk else None
        _thumbnail_update(event, previous, image)
        event.full_clean()
        changed_time = previous is not None and any(getattr(previous, f) != getattr(event, f) for f in _TIME_FIELDS)
        changed_place = previous is not None and any(getattr(previous, f) != getattr(event, f) for f in _PLACE_FIELDS)
        cancelled_now = (
            previous is not None
            and event.status == Event.Status.CANCELLED
            and previous.status != Event.Status.CANCELLED
        )
        if previous is not None and (changed_time or changed_place or cancelled_now or previous.status != event.status):
            event.sequence = previous.sequence + 1
        event.save()
        if previous is None or event.is_past:
            return event
        more_places = event.capacity is None or (previous.capacity is not None and event.capacity > previous.capacity)
        if more_places and event.status != Event.Status.CANCELLED:
            _waitlist_promote(event)  # staff added places: the waiting list moves up
        if event.is_public:
            _tell_participants(
                event, changed_time=changed_time, changed_place=changed_place, cancelled_now=cancelled_now
            )
    return event


def event_publish(*, event: Event, image: UploadedFile | None = None) -> Event:
    """Publish an event now (a scheduled publication is brought forward) and save it."""
    if event.status != Event.Status.PUBLISHED:
        event.status = Event.Status.PUBLISHED
        event.publish_at = timezone.now()
    return event_save(event=event, image=image)


def event_schedule_validate(*, publish_at, now=None) -> None:
    """Raise a translated ValidationError unless publish_at is a moment in the future."""
    now = now or timezone.now()
    if publish_at is None:
        message = ValidationError(_("Please enter when the event is to be published."), code="publish_at_missing")
        raise ValidationError({"publish_at": message})
    if publish_at <= now:
        message = ValidationError(
            _("This time has already passed. Please choose a publication time in the future."), code="publish_at_past"
        )
        raise ValidationError({"publish_at": message})


def event_schedule(*, event: Event, image: UploadedFile | None = None) -> Event:
    """Schedule the event's publication at its publish_at (which must lie in the future) and save it."""
    event_schedule_validate(publish_at=event.publish_at)
    event.status = Event.Status.SCHEDULED
    return event_save(event=event, image=image)


def venue_save(*, venue: Venue) -> Venue:
    """Save a venue; a new name or address bumps the calendar SEQUENCE of its coming events and tells their
    participants, as a change of an event's place does."""
    with transaction.atomic():
        venue.full_clean()
        previous = Venue.objects.select_for_update().filter(pk=venue.pk).first() if venue.pk else None
        venue.save()
        if previous is None or all(getattr(previous, f) == getattr(venue, f) for f in _VENUE_PLACE_FIELDS):
            return venue
        coming = (
            Event.objects.select_for_update()
            .filter(venue=venue, end__gte=timezone.now(), format__in=[Event.Format.IN_PERSON, Event.Format.HYBRID])
            .exclude(status=Event.Status.CANCELLED)
            .order_by("pk")
        )
        for event in coming:
            event.sequence += 1
            event.save(update_fields=["sequence", "updated_at"])
            if event.is_public:
                _tell_participants(event, changed_time=False, changed_place=True, cancelled_now=False)
    return venue


def event_duplicate(*, event: Event, start=None) -> Event:
    """Copy an event as a draft (a week later unless a start is given), for the next session of a series."""
    start = start or event.start + timedelta(days=7)
    copy = Event.objects.get(pk=event.pk)
    topics = list(event.topics.all())
    copy.pk = None
    copy.id = None
    copy._state.adding = True
    copy.uid = uuid.uuid4()
    copy.end = start + (event.end - event.start)
    copy.start = start
    copy.status = Event.Status.DRAFT
    copy.publish_at = None
    copy.sequence = 0
    base = slugify(f"{event.title} {timezone.localtime(start):%Y-%m-%d}")[:180]
    slug, n = base, 2
    while Event.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    copy.slug = slug
    with transaction.atomic():
        copy.full_clean()
        copy.save()
        copy.topics.set(topics)
    return copy


def event_message_participants(*, event: Event, subject: str, body: str, include_waiting: bool = False) -> int:
    """Email staff's message to every confirmed (and optionally waiting) participant; return how many."""
    statuses = [Status.CONFIRMED, Status.WAITING] if include_waiting else [Status.CONFIRMED]
    count = 0
    with transaction.atomic():
        for registration in (
            event.registrations.filter(status__in=statuses).exclude(email="").select_related("event", "event__venue")
        ):
            _notify(registration, "message", message_subject=subject, message_body=body)
            count += 1
    return count


# --- Periodic work ------------------------------------------------------------


def registration_reminders_send(*, now=None) -> int:
    """Send the reminder to confirmed participants of events starting within the next 24 hours, once each."""
    now = now or timezone.now()
    window_end = now + timedelta(hours=settings.EVENTS_REMINDER_HOURS)
    candidates = (
        Registration.objects.filter(
            status=Status.CONFIRMED,
            reminder_sent_at__isnull=True,
            event__start__gt=now,
            event__start__lte=window_end,
            event__status__in=[Event.Status.PUBLISHED, Event.Status.SCHEDULED],
        )
        .exclude(email="")
        .values_list("pk", flat=True)
    )
    sent = 0
    for pk in list(candidates):
        with transaction.atomic():
            # Claim first: a second run (or a parallel worker) finds nothing left to claim.
            claimed = Registration.objects.filter(pk=pk, reminder_sent_at__isnull=True).update(reminder_sent_at=now)
            if not claimed:
                continue
            registration = Registration.objects.select_related("event", "event__venue").get(pk=pk)
            _notify(registration, "reminder", ics=True)
            sent += 1
    return sent


# What anonymising a registration removes; status, places, times and the check-in stay for the counts.
_ANONYMOUS = {"name": "", "email": "", "organisation": "", "answers": {}, "user": None}


def registrations_anonymise(*, now=None) -> int:
    """Erase participants' personal data a configured number of days after their event; keep the counts."""
    now = now or timezone.now()
    cutoff = retention_cutoff("event_participants", now=now)
    count = Registration.objects.filter(event__end__lt=cutoff, anonymised_at__isnull=True).update(
        **_ANONYMOUS, anonymised_at=now
    )
    if count:
        logger.info("Anonymised %d registration(s) of events that ended before %s.", count, cutoff.isoformat())
    return count


def registrations_anonymise_for_email(*, email: str, now=None) -> int:
    """Anonymise one person's registrations now (erasure), as after the event; a place at a coming event is
    freed for the waiting list, without a mail to the erased address."""
    now = now or timezone.now()
    with transaction.atomic():
        mine = Registration.objects.filter(email__iexact=email, anonymised_at__isnull=True)
        freed = []
        # Lock the events in one order (as registration_create does), so a registration racing this waits.
        for event in Event.objects.select_for_update().filter(pk__in=mine.values("event_id")).order_by("pk"):
            active = mine.filter(event=event).exclude(status=Status.CANCELLED)
            if not event.is_past and active.exists():
                was_confirmed = active.filter(status=Status.CONFIRMED).exists()
                active.update(status=Status.CANCELLED, cancelled_at=now)
                # An update() sends no signal: the event pages' free places change, so say so to the page cache.
                page_cache_invalidate("registrations")
                if was_confirmed and event.status != Event.Status.CANCELLED:
                    freed.append(event)
        count = mine.update(**_ANONYMOUS, anonymised_at=now)
        for event in freed:
            _waitlist_promote(event)
    return count

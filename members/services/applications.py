"""Applications: received, confirmed by email, decided by staff; admission issues the number."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from members.models import Contact, Member, MembershipApplication, MembershipNumberCounter, Topic, User
from members.validators import iban_mask
from swsdigital.core.images import image_process_upload
from swsdigital.mail.services import email_send
from swsdigital.privacy.models import Consent
from swsdigital.privacy.retention import ip_fields_truncate, retention_cutoff
from swsdigital.privacy.services import consent_confirm, consent_record

from .accounts import account_for_contact, login_url, password_set_url

logger = logging.getLogger(__name__)

CONFIRM_SALT = "members.application.confirm"
Status = MembershipApplication.Status
Known = MembershipApplication.Known

ORGANISATION_FIELDS = (
    "name", "legal_form", "sector", "employee_band", "street", "postcode", "city", "region",
    "website", "description", "membership_type", "sepa_account_holder", "sepa_iban", "sepa_bic",
)  # fmt: skip
CONTACT_FIELDS = ("salutation", "title", "first_name", "last_name", "role", "email", "phone")
APPLICATION_FIELDS = (
    *ORGANISATION_FIELDS, *CONTACT_FIELDS, "directory_listed", "directory_fields", "newsletter",
)  # fmt: skip


class ApplicationLinkInvalid(Exception):
    """A confirmation link that is tampered with, unknown or expired."""

    def __init__(self, *, expired: bool = False):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def _subject_ref(application: MembershipApplication) -> str:
    return f"membership-application:{application.pk}"


def application_confirm_url(application: MembershipApplication) -> str:
    """Return the signed, expiring absolute link that confirms an application's address."""
    token = signing.dumps({"a": application.pk, "e": application.email}, salt=CONFIRM_SALT, compress=True)
    with translation.override(application.language):
        path = reverse("members:confirm", kwargs={"token": token})
    return f"{settings.SITE_URL}{path}"


def _known_reason(*, email: str, name: str) -> str:
    if Contact.objects.filter(email__iexact=email, member__status=Member.Status.ACTIVE).exists():
        return Known.MEMBER_EMAIL
    if Member.objects.filter(name__iexact=name.strip(), status=Member.Status.ACTIVE).exists():
        return Known.MEMBER_ORGANISATION
    if MembershipApplication.objects.filter(email__iexact=email, status=Status.SUBMITTED).exists():
        return Known.PENDING
    return Known.NO


def _send_confirmation(application: MembershipApplication) -> None:
    email_send(
        to=application.email,
        template="members/application_confirm",
        context={
            "application": application,
            "confirm_url": application_confirm_url(application),
            "max_age_hours": settings.MEMBERS_CONFIRM_MAX_AGE_HOURS,
            # Mails land in the outbox and in mailboxes: the IBAN only masked, the account holder not at all.
            "iban_masked": iban_mask(application.sepa_iban),
        },
        language=application.language,
    )


@transaction.atomic
def membership_application_create(
    *,
    data: dict,
    topics: list[Topic] | tuple = (),
    logo: UploadedFile | None = None,
    submission_token: str,
    ip: str | None = None,
    language: str = "de",
) -> MembershipApplication:
    """Store an application and mail the applicant; a repeated submission returns the first one.

    The caller always shows the same page: whether the address or organisation is
    already known is explained only to the mailbox owner, by email.
    """
    existing = MembershipApplication.objects.filter(submission_token=submission_token).first()
    if existing:
        return existing
    fields = {key: data[key] for key in APPLICATION_FIELDS if key in data}
    fields["email"] = fields["email"].strip().lower()
    application = MembershipApplication(
        **fields,
        submission_token=submission_token,
        submitted_ip=ip or None,
        language=language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE,
        further_contacts=[{key: c.get(key, "") for key in CONTACT_FIELDS} for c in data.get("further_contacts", [])],
        known=_known_reason(email=fields["email"], name=fields["name"]),
    )
    if not application.directory_listed:
        application.directory_fields = []
    application.full_clean(exclude=["logo", "logo_thumbnail"], validate_unique=False)
    if logo:
        full, thumbnail = image_process_upload(logo)
        application.logo.save(full.name, full, save=False)
        application.logo_thumbnail.save(thumbnail.name, thumbnail, save=False)
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:  # the same form sent twice at once: the other request won
        return MembershipApplication.objects.get(submission_token=submission_token)
    application.topics.set(topics)
    consent_keys = ["statutes", "privacy"]
    if application.directory_listed:
        consent_keys.append("directory")
    if application.newsletter:
        consent_keys.append("newsletter")
    for key in consent_keys:
        consent_record(
            key=key,
            email=application.email,
            source="membership application",
            ip=ip,
            subject_ref=_subject_ref(application),
        )
    if application.known:
        email_send(
            to=application.email,
            template="members/application_known",
            context={
                "application": application,
                "reason": application.known,
                "login_url": login_url(language=application.language),
            },
            language=application.language,
        )
    else:
        _send_confirmation(application)
    return application


def _confirm_token_payload(token: str) -> dict:
    try:
        payload = signing.loads(token, salt=CONFIRM_SALT, max_age=settings.MEMBERS_CONFIRM_MAX_AGE_HOURS * 3600)
    except signing.SignatureExpired:
        raise ApplicationLinkInvalid(expired=True) from None
    except signing.BadSignature:
        raise ApplicationLinkInvalid() from None
    if not isinstance(payload, dict):
        raise ApplicationLinkInvalid()
    return payload


def _applications_for_token(token: str):
    payload = _confirm_token_payload(token)
    return MembershipApplication.objects.filter(pk=payload.get("a"), email=payload.get("e"), known=Known.NO)


def membership_application_from_confirm_token(*, token: str) -> MembershipApplication:
    """Return the application a confirmation link names, without confirming it; raise ApplicationLinkInvalid."""
    application = _applications_for_token(token).first()
    if application is None:
        raise ApplicationLinkInvalid()
    return application


@transaction.atomic
def membership_application_confirm(*, token: str, ip: str | None = None) -> MembershipApplication:
    """Confirm an application's address from the signed link; staff are told once."""
    application = _applications_for_token(token).select_for_update().first()
    if application is None:
        raise ApplicationLinkInvalid()
    if application.status != Status.UNCONFIRMED:
        return application  # a second click changes nothing
    application.status = Status.SUBMITTED
    application.confirmed_at = timezone.now()
    application.save(update_fields=["status", "confirmed_at"])
    for consent in Consent.objects.filter(subject_ref=_subject_ref(application), confirmed_at__isnull=True):
        consent_confirm(consent=consent, ip=ip)
    with translation.override(settings.LANGUAGE_CODE):
        admin_path = reverse("admin:members_membershipapplication_change", args=[application.pk])
    email_send(
        to=settings.STAFF_NOTIFICATION_EMAIL,
        template="members/application_staff_notify",
        context={"application": application, "admin_url": f"{settings.SITE_URL}{admin_path}"},
        language=settings.LANGUAGE_CODE,
    )
    return application


# A new link is mailed at most once in this many seconds per application (a double click asks twice).
LINK_RESEND_REPEAT_SECONDS = 10


@transaction.atomic
def membership_application_link_resend(*, email: str) -> None:
    """Mail a fresh confirmation link for the newest unconfirmed application of an address (silently)."""
    application = (
        MembershipApplication.objects.select_for_update()
        .filter(email__iexact=email.strip(), status=Status.UNCONFIRMED, known=Known.NO)
        .order_by("-created_at")
        .first()
    )
    if application is None:
        return
    # cache.add is atomic on Redis; on the file cache, the row lock (PostgreSQL) or the write lock (SQLite)
    # held since the start of this transaction makes the second request wait and then find the key.
    if not cache.add(f"members:link-resend:{application.pk}", 1, timeout=LINK_RESEND_REPEAT_SECONDS):
        return
    _send_confirmation(application)


def membership_number_next() -> int:
    """Return the next membership number, holding the counter row's lock until the transaction ends."""
    counter = MembershipNumberCounter.objects.select_for_update().filter(key="member").first()
    if counter is None:
        try:
            with transaction.atomic():
                start = Member.objects.aggregate(last=Max("number"))["last"] or 0
                MembershipNumberCounter.objects.create(key="member", last_number=start)
        except IntegrityError:
            pass  # created concurrently
        counter = MembershipNumberCounter.objects.select_for_update().get(key="member")
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def _unique_slug(name: str) -> str:
    base = slugify(name)[:200] or "mitglied"
    slug, n = base, 1
    while Member.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _locked_application(application: MembershipApplication) -> MembershipApplication:
    locked = MembershipApplication.objects.select_for_update().get(pk=application.pk)
    if locked.status != Status.SUBMITTED:
        raise ValidationError(_("Only confirmed applications awaiting a decision can be decided."), code="state")
    return locked


@transaction.atomic
def membership_application_approve(
    *, application: MembershipApplication, by: User | None = None, message: str = ""
) -> Member:
    """Admit the applicant: the member with the next number, its contacts, an account and the welcome email."""
    application = _locked_application(application)
    number = membership_number_next()
    today = timezone.localdate()
    member = Member(
        **{key: getattr(application, key) for key in ORGANISATION_FIELDS},
        logo=application.logo.name,
        logo_thumbnail=application.logo_thumbnail.name,
        number=number,
        slug=_unique_slug(application.name),
        joined_on=today,
        directory_listed=application.directory_listed,
        directory_fields=application.directory_fields,
    )
    if application.sepa_iban:
        member.sepa_mandate_reference = f"{settings.MEMBERS_MANDATE_PREFIX}-{number:06d}"
        member.sepa_mandate_signed_on = timezone.localdate(application.created_at)
    member.full_clean()
    member.save()
    member.topics.set(application.topics.all())
    user = account_for_contact(
        email=application.email,
        first_name=application.first_name,
        last_name=application.last_name,
        language=application.language,
    )
    Contact.objects.create(
        member=member, user=user, is_main=True, **{key: getattr(application, key) for key in CONTACT_FIELDS}
    )
    for extra in application.further_contacts:
        if extra.get("email") and extra["email"].lower() != application.email:
            Contact.objects.get_or_create(
                member=member,
                email=extra["email"].lower(),
                defaults={key: extra.get(key, "") for key in CONTACT_FIELDS if key != "email"},
            )
    application.status = Status.APPROVED
    application.decided_at = timezone.now()
    application.decided_by = by
    application.decision_message = message
    application.member = member
    application.save(update_fields=["status", "decided_at", "decided_by", "decision_message", "member"])
    email_send(
        to=application.email,
        template="members/application_approved",
        context={
            "application": application,
            "member": member,
            "message": message,
            "iban_masked": iban_mask(member.sepa_iban),
            "password_url": password_set_url(user=user, language=application.language)
            if not user.has_usable_password()
            else "",
            "login_url": login_url(language=application.language),
        },
        language=application.language,
    )
    return member


@transaction.atomic
def membership_application_reject(
    *, application: MembershipApplication, by: User | None = None, message: str = ""
) -> MembershipApplication:
    """Decline an application and tell the applicant politely (with the reason, if given)."""
    application = _locked_application(application)
    application.status = Status.REJECTED
    application.decided_at = timezone.now()
    application.decided_by = by
    application.decision_message = message
    application.save(update_fields=["status", "decided_at", "decided_by", "decision_message"])
    email_send(
        to=application.email,
        template="members/application_rejected",
        context={"application": application, "message": message},
        language=application.language,
    )
    return application


def applications_unconfirmed_purge(*, now=None) -> int:
    """Delete unconfirmed applications past the retention period (and their logos); return how many."""
    cutoff = retention_cutoff("applications_unconfirmed", now=now)
    stale = list(MembershipApplication.objects.filter(status=Status.UNCONFIRMED, created_at__lt=cutoff))
    for application in stale:
        for field in (application.logo, application.logo_thumbnail):
            if field:
                field.delete(save=False)
        application.delete()
    if stale:
        logger.info("Deleted %d unconfirmed application(s) received before %s.", len(stale), cutoff.isoformat())
    return len(stale)


def applications_ips_truncate(*, now=None) -> int:
    """Shorten the IP addresses of applications received longer ago than the retention period; return how many."""
    cutoff = retention_cutoff("ip_addresses", now=now)
    count = ip_fields_truncate(MembershipApplication.objects.all(), {"submitted_ip": "created_at"}, before=cutoff)
    if count:
        logger.info("Shortened the IP address of %d application(s) received before %s.", count, cutoff.isoformat())
    return count

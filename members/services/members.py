"""A member's own tools: profile, directory visibility, contacts, consents, data export, resignation."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Contact, Member, MembershipApplication, Topic, User
from swsdigital.core.images import image_process_upload
from swsdigital.mail.services import email_send
from swsdigital.privacy.audit import audit_export, records_count
from swsdigital.privacy.models import Consent
from swsdigital.privacy.retention import retention_cutoff
from swsdigital.privacy.selectors import consents_active_emails, consents_for_email
from swsdigital.privacy.services import consent_record, consent_withdraw, person_export

from .accounts import account_for_contact, login_url, password_set_url

logger = logging.getLogger(__name__)

PROFILE_FIELDS = (
    "name", "legal_form", "sector", "employee_band", "street", "postcode", "city", "region",
    "website", "description", "description_en",
)  # fmt: skip
WITHDRAWABLE_CONSENTS = ("directory", "newsletter")


def _member_ref(member: Member) -> str:
    return f"member:{member.number}"


def _main_contact(member: Member) -> Contact | None:
    return member.contacts.filter(is_main=True).first()


@transaction.atomic
def member_profile_update(
    *,
    member: Member,
    data: dict,
    topics: list[Topic] | None = None,
    logo: UploadedFile | None = None,
    remove_logo: bool = False,
) -> Member:
    """Save the organisation's profile; a new logo is validated, re-encoded and thumbnailed once."""
    for key in PROFILE_FIELDS:
        if key in data:
            setattr(member, key, data[key])
    member.full_clean()
    if logo or remove_logo:
        _logo_replace(member=member, logo=logo)
    member.save()
    if topics is not None:
        member.topics.set(topics)
    return member


@transaction.atomic
def member_logo_set(*, member: Member, logo: UploadedFile | None) -> Member:
    """Replace the logo and its thumbnail with a re-encoded upload, or remove both (None)."""
    _logo_replace(member=member, logo=logo)
    member.save(update_fields=["logo", "logo_thumbnail", "updated_at"])
    return member


def _logo_replace(*, member: Member, logo: UploadedFile | None) -> None:
    # Logo and thumbnail change together: the card shows one, the member's page the other.
    old_files = [f.name for f in (member.logo, member.logo_thumbnail) if f]
    if logo:
        full, thumbnail = image_process_upload(logo)
        member.logo.save(full.name, full, save=False)
        member.logo_thumbnail.save(thumbnail.name, thumbnail, save=False)
    else:
        member.logo = ""
        member.logo_thumbnail = ""
    storage = Member._meta.get_field("logo").storage
    # Files of the application may still be shared; delete only once the transaction stands.
    transaction.on_commit(lambda: [storage.delete(name) for name in old_files if _unused(name)])


def _unused(name: str) -> bool:
    from members.models import MembershipApplication

    return not (
        Member.objects.filter(logo=name).exists()
        or Member.objects.filter(logo_thumbnail=name).exists()
        or MembershipApplication.objects.filter(logo=name).exists()
        or MembershipApplication.objects.filter(logo_thumbnail=name).exists()
    )


@transaction.atomic
def member_directory_update(
    *, member: Member, listed: bool, fields: list[str], user: User, ip: str | None = None
) -> Member:
    """Set whether and with which fields the member appears in the directory; consent is recorded."""
    allowed = {key for key, _label in Member.DIRECTORY_FIELDS}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(_("Unknown directory field."), code="field")
    if listed and not member.directory_listed:
        consent_record(key="directory", email=user.email, user=user, source="member area", ip=ip,
                       subject_ref=_member_ref(member), confirmed=True)  # fmt: skip
    if not listed and member.directory_listed:
        for email in member.contacts.values_list("email", flat=True):
            consent_withdraw(key="directory", email=email)
    member.directory_listed = listed
    member.directory_fields = [key for key, _label in Member.DIRECTORY_FIELDS if key in fields]
    member.save(update_fields=["directory_listed", "directory_fields", "updated_at"])
    return member


@transaction.atomic
def member_consent_withdraw(*, member: Member, user: User, consent_id: int) -> Consent:
    """Withdraw one of the user's own consents; withdrawing the directory consent unlists the member."""
    consent = Consent.objects.select_related("text").filter(pk=consent_id, email=user.email.lower()).first()
    if consent is None or consent.text.key not in WITHDRAWABLE_CONSENTS:
        raise PermissionDenied
    consent_withdraw(key=consent.text.key, email=consent.email, subject_ref=consent.subject_ref)
    if consent.text.key == "directory" and member.directory_listed:
        member_directory_update(member=member, listed=False, fields=[], user=user)
    consent.refresh_from_db()
    return consent


@transaction.atomic
def contact_invite(*, member: Member, by: User, data: dict) -> Contact:
    """Add a colleague as a contact with an account of their own and mail them the invitation."""
    email = data["email"].strip().lower()
    if member.contacts.filter(email__iexact=email, user__isnull=False).exists():
        raise ValidationError({"email": _("This person already has access to your membership.")}, code="exists")
    contact = member.contacts.filter(email__iexact=email).first() or Contact(member=member, email=email)
    for key in ("salutation", "title", "first_name", "last_name", "role", "phone"):
        if key in data:
            setattr(contact, key, data[key])
    contact.full_clean(exclude=["user"])
    language = data.get("language") or by.language
    user = account_for_contact(
        email=email, first_name=contact.first_name, last_name=contact.last_name, language=language
    )
    contact.user = user
    contact.save()
    email_send(
        to=email,
        template="members/contact_invitation",
        context={
            "contact": contact,
            "member": member,
            "inviter": by.get_full_name(),
            "password_url": "" if user.has_usable_password() else password_set_url(user=user, language=language),
            "login_url": login_url(language=language),
        },
        language=language,
    )
    return contact


@transaction.atomic
def contact_remove(*, contact: Contact, by: User) -> None:
    """Remove a contact (never the main contact, never oneself)."""
    if contact.is_main:
        raise ValidationError(_("The main contact cannot be removed. Please ask the office to change it."))
    if contact.user_id == by.pk:
        raise ValidationError(_("You cannot remove yourself."))
    contact.delete()


def member_data_export(*, member: Member, user: User) -> dict:
    """Return everything stored about the member and the user (and, across all apps, their address); audited."""
    application = getattr(member, "application", None)

    def org(obj) -> dict:
        return {
            # The application has no English description (it is written later, in the member area).
            **{key: getattr(obj, key) for key in PROFILE_FIELDS if hasattr(obj, key)},
            "membership_type": obj.membership_type.name,
            "topics": [t.name for t in obj.topics.all()],
            "logo": obj.logo.url if obj.logo else "",
            "sepa_account_holder": obj.sepa_account_holder,
            "sepa_iban": obj.sepa_iban,
            "sepa_bic": obj.sepa_bic,
        }

    data = {
        "exported_at": timezone.now().isoformat(),
        "member": {
            **org(member),
            "number": member.number,
            "status": member.status,
            "joined_on": member.joined_on.isoformat(),
            "sepa_mandate_reference": member.sepa_mandate_reference,
            "directory_listed": member.directory_listed,
            "directory_fields": member.directory_fields,
            "resignation_requested_at": member.resignation_requested_at.isoformat()
            if member.resignation_requested_at
            else None,
            "resignation_effective_on": member.resignation_effective_on.isoformat()
            if member.resignation_effective_on
            else None,
        },
        "contacts": [
            {
                "name": c.name,
                "salutation": c.salutation,
                "role": c.role,
                "email": c.email,
                "phone": c.phone,
                "main_contact": c.is_main,
                "has_account": c.user_id is not None,
            }
            for c in member.contacts.all()
        ],
        "application": {
            **org(application),
            "received_at": application.created_at.isoformat(),
            "confirmed_at": application.confirmed_at.isoformat() if application.confirmed_at else None,
            "further_contacts": application.further_contacts,
        }
        if application
        else None,
        "account": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "language": user.language,
            "date_joined": user.date_joined.isoformat(),
        },
        "consents": [
            {
                "key": c.text.key,
                "version": c.text.version,
                "text": c.text.text_en if user.language == "en" else c.text.text_de,
                "source": c.source,
                "given_at": c.given_at.isoformat(),
                "confirmed_at": c.confirmed_at.isoformat() if c.confirmed_at else None,
                "withdrawn_at": c.withdrawn_at.isoformat() if c.withdrawn_at else None,
            }
            for c in consents_for_email(email=user.email)
        ],
        # Everything every app holds about the logged-in person's address, through the privacy registry.
        "person": person_export(email=user.email, audit_entry=False),  # recorded once, as this whole export
    }
    audit_export(target=member, kind="member_data", format="json", rows=records_count(data), actor=user)
    return data


def member_resignation_effective_date(*, on: datetime.date) -> datetime.date:
    """Return when a resignation given on ``on`` takes effect: the end of the calendar year after the notice."""
    months = settings.MEMBERS_RESIGNATION_NOTICE_MONTHS
    # The notice ends in the month ``months`` after ``on``; the membership ends with that year.
    return datetime.date(on.year + (on.month - 1 + months) // 12, 12, 31)


@transaction.atomic
def member_resignation_request(*, member: Member, by: User) -> Member:
    """Record a resignation request with its effective date; the office confirms it."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.resignation_requested_at:
        raise ValidationError(_("The resignation has already been requested."), code="exists")
    member.resignation_requested_at = timezone.now()
    member.resignation_effective_on = member_resignation_effective_date(on=timezone.localdate())
    member.save(update_fields=["resignation_requested_at", "resignation_effective_on", "updated_at"])
    context = {"member": member, "requested_by": by.get_full_name(), "requested_by_email": by.email}
    email_send(to=by.email, template="members/resignation_received", context=context, language=by.language)
    email_send(
        to=settings.STAFF_NOTIFICATION_EMAIL,
        template="members/resignation_staff_notify",
        context=context,
        language=settings.LANGUAGE_CODE,
    )
    return member


@transaction.atomic
def member_resignation_confirm(*, member: Member, by: User | None = None) -> Member:
    """Confirm a requested resignation (staff) and tell the main contact."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    if not member.resignation_requested_at:
        raise ValidationError(_("This member has not requested a resignation."), code="state")
    if member.resignation_confirmed_at:
        return member
    member.resignation_confirmed_at = timezone.now()
    member.save(update_fields=["resignation_confirmed_at", "updated_at"])
    main = _main_contact(member)
    if main:
        language = main.user.language if main.user else settings.LANGUAGE_CODE
        email_send(
            to=main.email, template="members/resignation_confirmed", context={"member": member}, language=language
        )
    return member


def members_resignations_apply(*, today: datetime.date | None = None) -> int:
    """End the memberships whose confirmed resignation date has passed; return how many."""
    today = today or timezone.localdate()
    return Member.objects.filter(
        status=Member.Status.ACTIVE, resignation_confirmed_at__isnull=False, resignation_effective_on__lt=today
    ).update(status=Member.Status.ENDED, directory_listed=False, updated_at=timezone.now())


def members_ended_contacts_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete the contact persons of memberships that ended longer ago than the retention period; return how many.

    The contacts go, and the person's details on the member's application (as erasure anonymises them); the
    member organisation's own record stays. A person with an active consent to further contact
    (``settings.RETENTION_CONTACT_CONSENT_KEYS``, e.g. a confirmed newsletter subscription) is kept. A
    membership ends on ``resignation_effective_on``; one ended without that date counts from its last change.
    """
    from members.privacy import _APPLICATION_PERSON

    cutoff = retention_cutoff("contacts_ended", now=now)
    ended = Member.objects.filter(status=Member.Status.ENDED).filter(
        Q(resignation_effective_on__lt=timezone.localdate(cutoff))
        | Q(resignation_effective_on__isnull=True, updated_at__lt=cutoff)
    )
    contacts = list(Contact.objects.filter(member__in=ended).values_list("pk", "email"))
    applications = list(
        MembershipApplication.objects.filter(member__in=ended)
        .filter(~Q(email="") | ~Q(further_contacts=[]))
        .only("pk", "email", "further_contacts")
    )
    emails = [email for _pk, email in contacts] + [a.email for a in applications]
    emails += [str(c.get("email", "")) for a in applications for c in a.further_contacts or []]
    # The application's own newsletter tick is not it: it leads to a double opt-in of its own (withdrawn on
    # unsubscribing), whereas the application's consent stays as the application's record.
    keep = consents_active_emails(
        keys=settings.RETENTION_CONTACT_CONSENT_KEYS,
        emails=emails,
        exclude_subject_ref_prefix="membership-application:",
    )

    def kept(email) -> bool:
        return str(email or "").strip().lower() in keep

    gone = [pk for pk, email in contacts if not kept(email)]
    Contact.objects.filter(pk__in=gone).delete()
    anonymised = further = 0
    for application in applications:
        changes = {} if kept(application.email) or not application.email else dict(_APPLICATION_PERSON)
        remaining = [c for c in application.further_contacts or [] if kept(c.get("email"))]
        if remaining != (application.further_contacts or []):
            further += len(application.further_contacts) - len(remaining)
            changes["further_contacts"] = remaining
        if changes:
            anonymised += 1
            MembershipApplication.objects.filter(pk=application.pk).update(**changes)
    if gone or anonymised:
        logger.info(
            "Deleted %d contact(s) of memberships ended before %s and the contact details of %d application(s) "
            "(%d further contact(s)); kept %d contact(s) with an active consent.",
            len(gone),
            timezone.localdate(cutoff).isoformat(),
            anonymised,
            further,
            len(contacts) - len(gone),
        )
    return len(gone) + anonymised

"""Recording, confirming and withdrawing consent; one person's erasure (Art. 17) and export (Art. 15).

Erasure and export iterate the registry of personal-data providers (registry.py) that the apps fill
from their AppConfig.ready(); this module imports no domain app.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from auditlog.context import disable_auditlog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, override

from . import audit, registry
from .models import Consent, ConsentText, ErasureRecord

# Wording of version 1 of each consent; staff add later versions in the admin.
DEFAULT_TEXTS = {
    "statutes": gettext_noop("I have read the statutes of the association and accept them."),
    "privacy": gettext_noop("I have read the privacy notice and agree to my data being processed as described."),
    "directory": gettext_noop("Our organisation may be listed in the public member directory with the fields chosen."),
    "newsletter": gettext_noop("I would like to receive the newsletter by email. I can unsubscribe at any time."),
    "sepa_mandate": gettext_noop(
        "I authorise the association to collect the membership fee from the account given by SEPA direct debit "
        "and instruct my bank to pay these debits. I may ask my bank to refund a debit within eight weeks of the "
        "debit date, on the terms agreed with my bank."
    ),
    "event_registration": gettext_noop(
        "My details are processed to organise the event and deleted after it as the privacy notice describes."
    ),
}


def consent_text_current(*, key: str) -> ConsentText:
    """Return the newest version of a consent text, creating version 1 from the default wording."""
    text = ConsentText.objects.filter(key=key).order_by("-version").first()
    if text is None:
        wording = DEFAULT_TEXTS[key]
        with override("de"):
            text_de = _(wording)
        with override("en"):
            text_en = _(wording)
        text, _created = ConsentText.objects.get_or_create(
            key=key, version=1, defaults={"text_de": text_de, "text_en": text_en}
        )
    return text


@transaction.atomic
def consent_record(
    *,
    key: str,
    email: str,
    source: str,
    ip: str | None = None,
    user=None,
    subject_ref: str = "",
    confirmed: bool = False,
    given_at: datetime | None = None,
) -> Consent:
    """Record that a person agreed to the current text of ``key`` (confirmed too if ``confirmed``).

    ``given_at`` keeps the time of a consent given earlier elsewhere (an imported list); it is then
    also the confirmation time. It may not lie in the future.
    """
    now = timezone.now().replace(microsecond=0)
    if given_at is not None:
        if timezone.is_naive(given_at):
            given_at = timezone.make_aware(given_at)
        if given_at > timezone.now():
            raise ValueError("A consent cannot be given in the future.")
        now = given_at.replace(microsecond=0)
    return Consent.objects.create(
        text=consent_text_current(key=key),
        email=email.strip().lower(),
        user=user,
        source=source[:100],
        subject_ref=subject_ref,
        given_at=now,
        given_ip=ip or None,
        confirmed_at=now if confirmed else None,
        confirmed_ip=(ip or None) if confirmed else None,
    )


def consent_confirm(*, consent: Consent, ip: str | None = None) -> Consent:
    """Mark a consent as confirmed (the second step of a double opt-in)."""
    if consent.confirmed_at is None:
        consent.confirmed_at = timezone.now().replace(microsecond=0)
        consent.confirmed_ip = ip or None
        consent.save(update_fields=["confirmed_at", "confirmed_ip"])
    return consent


def consent_withdraw(*, key: str, email: str, subject_ref: str = "", reason: str = "request") -> int:
    """Withdraw every active consent of ``email`` to ``key``, recording why (a WithdrawalReason); return how many."""
    qs = Consent.objects.filter(text__key=key, email=email.strip().lower(), withdrawn_at__isnull=True)
    if subject_ref:
        qs = qs.filter(subject_ref=subject_ref)
    return qs.update(withdrawn_at=timezone.now().replace(microsecond=0), withdrawn_reason=reason)


def consents_delete_unconfirmed(
    *,
    key: str,
    older_than: datetime | None = None,
    subject_refs: Iterable[str] | None = None,
    subject_ref_prefix: str = "",
    source: str = "",
) -> int:
    """Delete never-confirmed consents to ``key`` (they prove nothing; retention); return how many.

    Narrow it by ``older_than`` (given before) and/or ``subject_refs``; one of the two is required,
    so a fresh double opt-in still waiting for its click is never deleted by accident.
    """
    if older_than is None and subject_refs is None:
        raise ValueError("Give older_than or subject_refs.")
    qs = Consent.objects.filter(text__key=key, confirmed_at__isnull=True)
    if older_than is not None:
        qs = qs.filter(given_at__lt=older_than)
    if subject_refs is not None:
        qs = qs.filter(subject_ref__in=list(subject_refs))
    if subject_ref_prefix:
        qs = qs.filter(subject_ref__startswith=subject_ref_prefix)
    if source:
        qs = qs.filter(source=source)
    deleted, _per_model = qs.delete()
    return deleted


def consents_ips_truncate(*, now: datetime | None = None) -> int:
    """Shorten the IP addresses of consents recorded longer ago than the retention period; return how many."""
    from .retention import ip_fields_truncate, retention_cutoff

    fields = {"given_ip": "given_at", "confirmed_ip": "confirmed_at"}
    return ip_fields_truncate(Consent.objects.all(), fields, before=retention_cutoff("ip_addresses", now=now))


# --- One person's data across all apps (issue 13) ------------------------------------------------


def person_email_normalise(email: str) -> str:
    """Return the address as every provider looks it up (stripped, lower-case), or raise ValidationError."""
    email = (email or "").strip().lower()
    if not email:
        raise ValidationError(_("Please enter an email address."), code="required")
    if "\x00" in email or len(email) > 254:
        raise ValidationError(_("Please enter a valid email address."), code="invalid")
    validate_email(email)
    return email


@dataclass(frozen=True)
class PersonPreview:
    """What is held about one address across all apps, and what erasure does with it."""

    email: str
    holdings: list

    @property
    def nothing_held(self) -> bool:
        return not self.holdings

    @property
    def kept(self) -> list:
        return [h for h in self.holdings if h.action == registry.KEPT]

    @property
    def erasable(self) -> list:
        return [h for h in self.holdings if h.action != registry.KEPT]


def person_preview(*, email: str) -> PersonPreview:
    """Return every kind of record held about an address and what erasure would do with each."""
    email = person_email_normalise(email)
    return PersonPreview(email, [h for p in registry.providers() for h in p.preview(email)])


def _staff_label(by) -> str:
    if by is None:
        return ""
    return f"{by.get_full_name()} (#{by.pk})" if hasattr(by, "get_full_name") else str(by)


def person_erase(*, email: str, by=None, via: str = ErasureRecord.Via.ADMIN, by_label: str = "") -> ErasureRecord:
    """Erase or anonymise everything held about an address in one transaction; record counts, never the person.

    Records that must stay (a main contact not yet handed over, a staff account) are kept and listed in the
    record as kept; everything else goes.
    """
    return person_erase_addresses(emails=[email], by=by, via=via, by_label=by_label)


def person_erase_addresses(
    *, emails: Iterable[str], by=None, via: str = ErasureRecord.Via.ADMIN, by_label: str = ""
) -> ErasureRecord:
    """Erase everything held about all addresses of one person in one transaction; leave one record of counts.

    Self-service erases every verified address of an account: all of them go, or (on any error) none.
    """
    addresses = list(dict.fromkeys(person_email_normalise(email) for email in emails))
    if not addresses:
        raise ValidationError(_("Please enter an email address."), code="required")
    with transaction.atomic():
        counts: dict[tuple[str, str], int] = {}
        # The audit trail gets one entry for the erasure, not one per erased row naming the person.
        with disable_auditlog():
            for email in addresses:
                for holding in (h for p in registry.providers() for h in p.erase(email)):
                    key = (holding.kind, holding.action)
                    counts[key] = counts.get(key, 0) + holding.count
        record = ErasureRecord.objects.create(
            by=by if by is not None and getattr(by, "pk", None) else None,
            by_label=(by_label or _staff_label(by))[:300],
            via=via,
            holdings=[{"kind": kind, "count": count, "action": action} for (kind, action), count in counts.items()],
        )
        # Never the erased person's own account (it is gone) nor their address: the record's ``by`` or no one.
        audit.audit_record(
            target=record, action=audit.Action.DELETE, event=audit.ERASURE, actor=record.by, via=via,
            records=record.total,
        )  # fmt: skip
        return record


def person_export(*, email: str, audit_entry: bool = True) -> dict:
    """Return everything held about an address across all apps, one part per app; recorded in the audit trail.

    ``audit_entry=False`` for a caller that records its own, wider export (a member's download of their data).
    """
    email = person_email_normalise(email)
    parts = {}
    for provider in registry.providers():
        part = provider.export(email)
        if part:
            parts[provider.name] = part
    if audit_entry:
        # Filed under the erasure records, home of the privacy contact's person page; whose data it was is not said.
        with override(settings.LANGUAGE_CODE):
            description = _("Export of a person's data (Art. 15)")
        rows = audit.records_count(parts)
        audit.audit_export(target=ErasureRecord, kind="person", format="json", rows=rows, description=description)
    return {"email": email, "exported_at": timezone.now().isoformat(), "data": parts}


def person_export_addresses(*, emails: Iterable[str]) -> dict:
    """Return the exports of all addresses of one person (an account's verified addresses), one per address."""
    addresses = list(dict.fromkeys(person_email_normalise(email) for email in emails))
    return {"exported_at": timezone.now().isoformat(), "exports": [person_export(email=e) for e in addresses]}


def person_export_json(*, email: str) -> str:
    """Return the export of an address as indented JSON."""
    return json.dumps(person_export(email=email), ensure_ascii=False, indent=2, default=str)


def person_export_send(*, email: str):
    """Email the export of an address to that address only, as a JSON attachment through the outbox."""
    from swsdigital.mail.services import Attachment, email_send

    email = person_email_normalise(email)
    content = person_export_json(email=email).encode()
    return email_send(
        to=email,
        template="privacy/person_export",
        context={},
        language=settings.LANGUAGE_CODE,
        attachments=[Attachment(filename="daten-export.json", content=content, mimetype="application/json")],
    )

"""CSV import and export of the list, and import of bounce reports."""

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from swsdigital.core.csvexport import csv_text
from swsdigital.privacy.services import consent_record

from ..models import Subscriber, Topic
from .subscriptions import CONSENT_KEY, subscriber_bounce, subscriber_subscribe

EXPORT_FIELDS = ["email", "name", "language", "topics", "status", "source", "created_at", "confirmed_at"]


@dataclass
class ImportReport:
    confirmed: int = 0
    invited: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)


def _read_rows(data: bytes) -> list[dict]:
    text = data.decode("utf-8-sig", errors="replace")
    try:
        dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;\t")
    except csv.Error:  # one column, or nothing to guess from
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    return [{(k or "").strip().lower(): (v or "").strip() for k, v in row.items()} for row in reader]


def _parse_date(value: str) -> datetime | None:
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d", "%d.%m.%Y %H:%M", "%d.%m.%Y"):
        try:
            parsed = datetime.strptime(value, fmt)
        except ValueError:
            continue
        return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed
    return None


@transaction.atomic
def subscribers_import_csv(*, data: bytes, source: str) -> ImportReport:
    """Import a list: rows with consent source and date become confirmed, the others get an opt-in mail.

    Columns: email, name, language, topics (slugs separated by |), consent_source, consent_date.
    """
    report = ImportReport()
    topics = {t.slug: t for t in Topic.objects.all()}
    known = {e.lower() for e in Subscriber.objects.values_list("email", flat=True)}
    for number, row in enumerate(_read_rows(data), start=2):
        email = row.get("email", "").lower()
        try:
            validate_email(email)
        except ValidationError:
            report.errors.append(
                _("Line %(line)s: “%(email)s” is not a valid email address.") % {"line": number, "email": email}
            )
            continue
        if email in known:
            report.skipped += 1
            continue
        known.add(email)
        language = row.get("language") or settings.LANGUAGE_CODE
        language = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        chosen = [topics[s.strip()] for s in row.get("topics", "").split("|") if s.strip() in topics]
        consent_source = row.get("consent_source", "")
        consent_date = _parse_date(row.get("consent_date", ""))
        if consent_date and consent_date > timezone.now():
            report.errors.append(
                _("Line %(line)s: the consent date %(date)s lies in the future.")
                % {"line": number, "date": row.get("consent_date", "")}
            )
            known.discard(email)
            continue
        if consent_source and consent_date:
            subscriber = Subscriber.objects.create(
                email=email,
                name=row.get("name", "")[:150],
                language=language,
                status=Subscriber.Status.CONFIRMED,
                source=f"import: {consent_source}"[:100],
                confirmed_at=consent_date,
            )
            subscriber.topics.set(chosen)
            consent = consent_record(
                key=CONSENT_KEY,
                email=email,
                source=f"import ({source}): {consent_source}",
                subject_ref=f"newsletter:{subscriber.pk}",
                confirmed=True,
                given_at=consent_date,  # the date of the original consent, not of the import
            )
            subscriber.consent = consent
            subscriber.save(update_fields=["consent"])
            report.confirmed += 1
        else:
            subscriber_subscribe(
                email=email, name=row.get("name", ""), language=language, topics=chosen, source=f"import ({source})"
            )
            report.invited += 1
    return report


def subscribers_export_csv(*, queryset=None) -> str:
    """Return the list (or a selection) as CSV text."""
    queryset = (queryset if queryset is not None else Subscriber.objects.all()).prefetch_related("topics")
    rows = (
        [
            s.email,
            s.name,
            s.language,
            "|".join(t.slug for t in s.topics.all()),
            s.status,
            s.source,
            s.created_at.isoformat() if s.created_at else "",
            s.confirmed_at.isoformat() if s.confirmed_at else "",
        ]
        for s in queryset.order_by("email")
    )
    # Names come from the public sign-up form: a planted =HYPERLINK(…) must stay text.
    return csv_text(EXPORT_FIELDS, rows, delimiter=",", audit={"target": Subscriber, "kind": "subscribers"})


def bounces_import_csv(*, data: bytes) -> int:
    """Mark the addresses in a bounce report (column ``email``, optional ``reason``) as bounced."""
    count = 0
    for row in _read_rows(data):
        if row.get("email") and subscriber_bounce(email=row["email"], reason=row.get("reason", "")):
            count += 1
    return count

"""Retention in one place: how long personal data is kept, and the rules that apply it (Art. 5(1)(e) GDPR).

The periods are ``settings.RETENTION`` (days, each from an environment variable, README). Each app registers
the rules for its own data from ``AppConfig.ready()`` — a rule names its period, says in words what it does
and points to the app's service that does it — so this module imports no domain app. Celery beat runs the
rules of each period daily (``tasks.retention_apply_task``) and the privacy notice shows the same rules with
the same periods (``retention_schedule``): text and behaviour cannot drift.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import ngettext

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetentionRule:
    """One rule: which data, after which period of ``settings.RETENTION``, and what then happens to it."""

    name: str  # stable, "app_label.what"; names the rule in logs
    period: str  # key of settings.RETENTION
    data: str  # translated: which data ("Unconfirmed membership applications")
    since: str  # translated, with %(period)s: "%(period)s after they were received"
    outcome: str  # translated: what happens then ("deleted")
    apply: Callable[..., int]  # apply(now=...) -> how many records it removed, anonymised or shortened


_rules: dict[str, RetentionRule] = {}


def register(*rules: RetentionRule) -> None:
    """Register (or replace, on a second ``ready()``) retention rules."""
    for rule in rules:
        _rules[rule.name] = rule


def rules(*, period: str | None = None) -> list[RetentionRule]:
    """Return the registered rules (of one period), in the order of settings.RETENTION."""
    order = list(settings.RETENTION)
    selected = [rule for rule in _rules.values() if period is None or rule.period == period]
    return sorted(selected, key=lambda rule: order.index(rule.period) if rule.period in order else len(order))


def retention_days(period: str) -> int:
    """Return the days of a retention period from settings."""
    try:
        return int(settings.RETENTION[period])
    except KeyError:
        raise ImproperlyConfigured(f"settings.RETENTION has no period {period!r}.") from None


def retention_cutoff(period: str, *, now: datetime | None = None) -> datetime:
    """Return the moment before which data of a retention period is due."""
    return (now or timezone.now()) - timedelta(days=retention_days(period))


def period_display(days: int) -> str:
    """Return a period in words ("30 days", "3 years": a year counts as 365 days)."""
    if days % 365 == 0:
        years = days // 365
        return ngettext("%(count)d year", "%(count)d years", years) % {"count": years}
    return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}


def retention_schedule() -> list[dict]:
    """Return the rules as the privacy notice shows them: data, period in words, what happens."""
    return [
        {
            "data": rule.data,
            "period": rule.since % {"period": period_display(retention_days(rule.period))},
            "outcome": rule.outcome,
        }
        for rule in rules()
    ]


def retention_apply(*, period: str | None = None, now: datetime | None = None) -> dict[str, int]:
    """Apply the rules (of one period), each in its own transaction; log and return what each removed.

    A failing rule does not stop the others; the first failure is raised once all have run.
    """
    now = now or timezone.now()
    done: dict[str, int] = {}
    failures: list[Exception] = []
    selected = rules(period=period)
    if not selected:
        logger.info("Retention %s: no rule registered.", period or "(all)")
    for rule in selected:
        days = retention_days(rule.period)
        try:
            with transaction.atomic():
                count = rule.apply(now=now)
        except Exception as exc:
            logger.exception("Retention rule %s failed.", rule.name)
            failures.append(exc)
            continue
        done[rule.name] = count
        logger.info(
            "Retention rule %s: %d record(s) removed, anonymised or shortened (%s, %d days, due before %s).",
            rule.name,
            count,
            rule.period,
            days,
            (now - timedelta(days=days)).isoformat(timespec="seconds"),
        )
    if failures:
        raise failures[0]
    return done


# --- IP addresses ---------------------------------------------------------------------------------

IPV4_PREFIX = 24
IPV6_PREFIX = 48
# Forms that are already their own /48 network ("2001:db8:1::", "::"); anything else is looked at.
_IPV6_SHORTENED = r"^([0-9a-fA-F]{1,4}:){1,3}:$|^::$"


def ip_truncate(ip: str) -> str:
    """Return an IP address shortened to its network: IPv4 to /24 (1.2.3.0), IPv6 to /48 (2001:db8:1::).

    An IPv4 address written as IPv6 (::ffff:1.2.3.4) is shortened as IPv4.
    """
    address = ipaddress.ip_address(ip)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    prefix = IPV4_PREFIX if address.version == 4 else IPV6_PREFIX
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False).network_address)


def _maybe_full(field: str) -> Q:
    # An IPv4 address ending in .0 is its own /24 network already; the rest is checked one by one.
    return (
        Q(**{f"{field}__isnull": False})
        & ~Q(**{f"{field}__endswith": ".0"})
        & ~Q(**{f"{field}__regex": _IPV6_SHORTENED})
    )


def ip_fields_truncate(queryset, fields: dict[str, str], *, before: datetime, batch_size: int = 500) -> int:
    """Shorten the IP addresses of ``queryset`` recorded before ``before``; return how many rows changed.

    ``fields`` maps each IP field to the time field that says when it was recorded. Shortening is idempotent:
    an address already shortened is left alone and not counted.
    """
    due = Q()
    for ip_field, time_field in fields.items():
        due |= _maybe_full(ip_field) & Q(**{f"{time_field}__lt": before})
    model = queryset.model
    # Per field, so a field nobody shortened is never written back (a confirmation racing this keeps its IP).
    changed: dict[str, list] = {ip_field: [] for ip_field in fields}
    rows = set()
    for row in queryset.filter(due).values("pk", *fields, *fields.values()).iterator(chunk_size=batch_size):
        for ip_field, time_field in fields.items():
            ip, recorded = row[ip_field], row[time_field]
            if ip and recorded is not None and recorded < before and ip_truncate(ip) != ip:
                changed[ip_field].append(model(pk=row["pk"], **{ip_field: ip_truncate(ip)}))
                rows.add(row["pk"])
    for ip_field, objs in changed.items():
        model.objects.bulk_update(objs, [ip_field], batch_size=batch_size)
    return len(rows)


# --- Privacy's own rules ----------------------------------------------------------------------------


def _consent_ips(*, now: datetime) -> int:
    from .services import consents_ips_truncate

    return consents_ips_truncate(now=now)


def _audit_entries(*, now: datetime) -> int:
    from .audit import audit_entries_purge

    return audit_entries_purge(before=retention_cutoff("audit_entries", now=now))


def register_privacy_rules() -> None:
    """Register privacy's own rules: IP addresses in consent records, the audit trail (from ready())."""
    from django.utils.translation import gettext_lazy as _

    register(
        RetentionRule(
            name="privacy.consent_ips",
            period="ip_addresses",
            data=_("IP addresses in the records of consents (newsletter, registrations, applications)"),
            since=_("%(period)s after the consent was given or confirmed"),
            outcome=_("shortened to the network (IPv4 to the first three parts, IPv6 to the first 48 bits)"),
            apply=_consent_ips,
        ),
        RetentionRule(
            name="privacy.audit_entries",
            period="audit_entries",
            data=_("The audit trail of staff changes, exports and erasures"),
            since=_("%(period)s after the entry"),
            outcome=_("deleted"),
            apply=_audit_entries,
        ),
    )

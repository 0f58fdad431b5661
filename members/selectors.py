"""Reads of membership data for views and other apps."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.utils import timezone

from .models import Contact, Member, MembershipApplication, MembershipType, Region, Topic, User


def _active_q(prefix: str = "") -> Q:
    """Active: not ended, and no confirmed resignation whose date has passed."""
    today = timezone.localdate()
    return Q(**{f"{prefix}status": Member.Status.ACTIVE}) & ~Q(
        **{f"{prefix}resignation_confirmed_at__isnull": False, f"{prefix}resignation_effective_on__lt": today}
    )


def members_active() -> QuerySet[Member]:
    """Return the active members."""
    return Member.objects.filter(_active_q())


def member_count() -> int:
    """Return the number of active members (the home page figure)."""
    return members_active().count()


def user_is_member(*, user) -> bool:
    """Return whether a user is a contact with an account at an active member organisation."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return Contact.objects.filter(_active_q("member__"), user=user).exists()


def member_email_addresses() -> list[str]:
    """Return the distinct email addresses of all contacts of active members (lower case, sorted)."""
    emails = Contact.objects.filter(_active_q("member__")).values_list("email", flat=True)
    return sorted({e.strip().lower() for e in emails if e})


def member_for_user(*, user) -> Member | None:
    """Return the (active or resigning) member organisation the user acts for, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    contact = (
        Contact.objects.filter(_active_q("member__"), user=user)
        .select_related("member", "member__membership_type")
        .order_by("-is_main", "pk")
        .first()
    )
    return contact.member if contact else None


def account_verified_emails(*, user) -> list[str]:
    """Return the account's verified addresses (lower case), the primary one first — the addresses it proved."""
    from allauth.account.models import EmailAddress

    verified = EmailAddress.objects.filter(user=user, verified=True).order_by("-primary", "email")
    emails = verified.values_list("email", flat=True)
    return list(dict.fromkeys(email.strip().lower() for email in emails))


def account_main_contacts(*, user, emails) -> list[Contact]:
    """Return the contacts by which the account's person is main contact of an active member (erasure keeps them)."""
    person = Q(user=user)
    for email in emails:
        person |= Q(email__iexact=email)
    qs = Contact.objects.filter(person, is_main=True, member__status=Member.Status.ACTIVE).select_related("member")
    return list(qs.order_by("member__name"))


def account_exists_for_email(*, email: str) -> bool:
    """Return whether an account holds the address, as its login or as one of its addresses."""
    return User.objects.filter(Q(email__iexact=email) | Q(emailaddress__email__iexact=email)).exists()


def directory_members(*, region: str = "", membership_type: str = "", topic: str = "", q: str = "") -> QuerySet[Member]:
    """Return the listed active members for the directory, filtered, with what the cards show."""
    qs = members_active().filter(directory_listed=True)
    if region:
        qs = qs.filter(region=region)
    if membership_type:
        qs = qs.filter(membership_type__slug=membership_type)
    if topic:
        qs = qs.filter(topics__slug=topic)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(city__icontains=q) | Q(description__icontains=q))
    return qs.select_related("membership_type").prefetch_related("topics").order_by("name", "pk").distinct()


def directory_member_get(*, slug: str) -> Member | None:
    """Return one listed active member with its type, topics and main contact, or None."""
    return (
        members_active()
        .filter(directory_listed=True, slug=slug)
        .select_related("membership_type")
        .prefetch_related("topics", Prefetch("contacts", queryset=Contact.objects.filter(is_main=True), to_attr="main"))
        .first()
    )


def directory_filters() -> dict:
    """Return the choices of the directory's filters."""
    return {
        "regions": Region.choices,
        "types": list(MembershipType.objects.filter(members__directory_listed=True).distinct().order_by("position")),
        "topics": list(Topic.objects.all()),
    }


def membership_types_offered() -> QuerySet[MembershipType]:
    """Return the membership types offered in the application form."""
    return MembershipType.objects.filter(is_active=True)


def member_contacts(*, member: Member) -> QuerySet[Contact]:
    """Return a member's contacts with their accounts."""
    return member.contacts.select_related("user")


def membership_figures() -> dict:
    """Return active member counts by type, region and joining year, and the application pipeline."""
    active = members_active()
    regions = dict(Region.choices)
    return {
        "total": active.count(),
        "by_type": list(active.values("membership_type__name_de").annotate(n=Count("pk")).order_by("-n")),
        "by_region": [
            {"region": regions.get(row["region"], row["region"]), "n": row["n"]}
            for row in active.values("region").annotate(n=Count("pk")).order_by("-n")
        ],
        "by_year": list(
            Member.objects.annotate(year=ExtractYear("joined_on"))
            .values("year")
            .annotate(n=Count("pk"))
            .order_by("year")
        ),
        "ended": Member.objects.exclude(pk__in=active.values("pk")).count(),
        "applications": list(MembershipApplication.objects.values("status").annotate(n=Count("pk")).order_by("status")),
    }


def applications_newsletter_optins(*, since=None) -> list[dict]:
    """Return applicants who confirmed their address and asked for the newsletter (email, language, confirmed_at)."""
    qs = MembershipApplication.objects.filter(newsletter=True, confirmed_at__isnull=False)
    if since is not None:
        qs = qs.filter(confirmed_at__gte=since)
    return list(qs.order_by("confirmed_at").values("email", "language", "confirmed_at"))


def members_in_year(*, year: int) -> QuerySet[Member]:
    """Return the members who belonged to the association during ``year``, with type and main contact loaded.

    Joined by the year's end, and not gone before it began: a resignation (confirmed or still to be confirmed)
    that took effect earlier, or an ended membership without a date, leaves the member out.
    """
    import datetime

    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return (
        Member.objects.filter(joined_on__lte=end)
        .exclude(resignation_effective_on__lt=start)
        .exclude(Q(status=Member.Status.ENDED) & Q(resignation_effective_on__isnull=True))
        .select_related("membership_type")
        .prefetch_related(
            Prefetch(
                "contacts",
                queryset=Contact.objects.filter(is_main=True).select_related("user"),
                to_attr="main_contacts",
            )
        )
        .order_by("number")
    )


def member_bank_accounts(*, member_ids) -> dict[int, tuple[str, str, str]]:
    """Return (IBAN, account holder, BIC) of the given members, by id — for the treasurer's debit files only."""
    members = Member.objects.filter(pk__in=member_ids).only("pk", "sepa_iban", "sepa_account_holder", "sepa_bic")
    return {m.pk: (m.sepa_iban, m.sepa_account_holder, m.sepa_bic) for m in members}


def user_is_main_contact(*, user, member: Member) -> bool:
    """Return whether the user is the member's main contact (who gives and changes the SEPA mandate)."""
    return Contact.objects.filter(member=member, user=user, is_main=True).exists()


def members_with_mandate() -> QuerySet[Member]:
    """Return the members holding a SEPA mandate, with their main contact loaded."""
    return (
        Member.objects.exclude(sepa_mandate_reference="")
        .only("pk", "number", "name", "sepa_mandate_reference", "sepa_mandate_signed_on")
        .prefetch_related(
            Prefetch(
                "contacts",
                queryset=Contact.objects.filter(is_main=True).select_related("user"),
                to_attr="main_contacts",
            )
        )
    )

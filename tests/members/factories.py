"""Real members for other apps' tests: built through the application → confirmation → admission services."""

from __future__ import annotations

import itertools
import uuid
from decimal import Decimal

from members import services
from members.models import Member, MembershipApplication, MembershipType, Region

_numbers = itertools.count(1)


def membership_type_default() -> MembershipType:
    """Return the membership type the factories use (created once)."""
    membership_type, _created = MembershipType.objects.get_or_create(
        slug="unternehmen-klein",
        defaults={
            "name_de": "Unternehmen (1–9 Beschäftigte)",
            "name_en": "Company (1–9 employees)",
            "category": "company",
            "annual_fee": Decimal("240.00"),
        },
    )
    return membership_type


def application_submit(
    *,
    email: str,
    first_name: str = "Mia",
    last_name: str = "Muster",
    name: str = "",
    newsletter: bool = False,
    language: str = "de",
    confirmed: bool = True,
) -> MembershipApplication:
    """Apply for membership like the form does, and confirm the address unless told otherwise."""
    n = next(_numbers)
    data = {
        "name": name or f"Sächsische Digitalwerkstatt {n} GmbH", "legal_form": "GmbH", "sector": "Software",
        "employee_band": "10-49", "street": "Bahnhofstraße 32", "postcode": "09111", "city": "Chemnitz",
        "region": Region.CHEMNITZ, "website": "", "description": "", "membership_type": membership_type_default(),
        "sepa_account_holder": "", "sepa_iban": "", "sepa_bic": "", "salutation": "ms", "title": "",
        "first_name": first_name, "last_name": last_name, "role": "", "email": email, "phone": "",
        "directory_listed": False, "directory_fields": [], "newsletter": newsletter,
    }  # fmt: skip
    application = services.membership_application_create(
        data=data, submission_token=uuid.uuid4().hex, language=language
    )
    if confirmed:
        token = services.application_confirm_url(application).rstrip("/").rsplit("/", 1)[-1]
        application = services.membership_application_confirm(token=token)
    return application


def member_admitted(*, email: str, **kwargs) -> Member:
    """Return an active member admitted by staff, whose main contact has an account for ``email``."""
    application = application_submit(email=email, **kwargs)
    return services.membership_application_approve(application=application)

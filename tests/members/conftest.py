"""Factories and fixtures of the membership tests."""

from __future__ import annotations

import io
import itertools
import uuid
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from members import services
from members.models import Contact, Member, MembershipApplication, MembershipType, Region, Topic

_numbers = itertools.count(100_000)
VALID_IBAN = "DE89370400440532013000"


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def membership_type(db) -> MembershipType:
    return MembershipType.objects.create(
        slug="unternehmen-klein", name_de="Unternehmen (1–9 Beschäftigte)", name_en="Company (1–9 employees)",
        category="company", annual_fee=Decimal("240.00"),
    )  # fmt: skip


@pytest.fixture
def topic(db) -> Topic:
    return Topic.objects.create(slug="ki", name_de="Künstliche Intelligenz", name_en="Artificial intelligence")


def png_bytes(size=(64, 48), color=(10, 120, 140), *, exif: bool = False) -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", size, color)
    if exif:
        data = image.getexif()
        data[0x010E] = "secret description"  # ImageDescription
        data[0x8825] = {1: "N"}  # GPS IFD
        image.save(buffer, format="JPEG", exif=data)
    else:
        image.save(buffer, format="PNG")
    return buffer.getvalue()


def logo_upload(name: str = "logo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def application_post(membership_type: MembershipType, **overrides) -> dict:
    """The POST fields of a complete, valid application form."""
    data = {
        "name": "Erzgebirge Software GmbH",
        "legal_form": "GmbH",
        "sector": "Software",
        "employee_band": "10-49",
        "street": "Bahnhofstraße 12",
        "postcode": "09456",
        "city": "Annaberg-Buchholz",
        "region": Region.ERZGEBIRGSKREIS,
        "website": "https://erzgebirge-software.example",
        "description": "Wir entwickeln Software für den Mittelstand.",
        "salutation": "ms",
        "title": "Dr.",
        "first_name": "Anna",
        "last_name": "Schubert",
        "role": "Geschäftsführerin",
        "email": "anna.schubert@example.org",
        "phone": "03733 123456",
        "membership_type": str(membership_type.pk),
        "statutes": "on",
        "privacy": "on",
        "directory_listed": "on",
        "directory_fields": ["logo", "description", "website"],
        "submission_token": uuid.uuid4().hex,
        "contacts-TOTAL_FORMS": "2",
        "contacts-INITIAL_FORMS": "0",
        "contacts-MIN_NUM_FORMS": "0",
        "contacts-MAX_NUM_FORMS": "5",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def application_data(membership_type: MembershipType, **overrides) -> dict:
    """The cleaned data the service receives."""
    data = {
        "name": "Vogtland Digital GmbH", "legal_form": "GmbH", "sector": "IT-Dienstleistungen",
        "employee_band": "10-49", "street": "Friedensstraße 32", "postcode": "08523", "city": "Plauen",
        "region": Region.VOGTLANDKREIS, "website": "", "description": "", "membership_type": membership_type,
        "sepa_account_holder": "", "sepa_iban": "", "sepa_bic": "", "salutation": "mr", "title": "",
        "first_name": "Jens", "last_name": "Meier", "role": "", "email": "jens.meier@example.org", "phone": "",
        "directory_listed": True, "directory_fields": ["description", "website"], "newsletter": False,
    }  # fmt: skip
    data.update(overrides)
    return data


@pytest.fixture
def make_application(membership_type):
    def make(*, confirmed: bool = True, **overrides) -> MembershipApplication:
        application = services.membership_application_create(
            data=application_data(membership_type, **overrides), submission_token=uuid.uuid4().hex
        )
        if confirmed:
            token = services.application_confirm_url(application).rstrip("/").rsplit("/", 1)[-1]
            application = services.membership_application_confirm(token=token)
        return application

    return make


@pytest.fixture
def make_member(membership_type):
    def make(*, name: str | None = None, listed: bool = True, fields=("description", "website", "logo"), **extra):
        number = next(_numbers)
        values = {
            "name": name or f"Mitglied {number}", "street": "Hauptstraße 1", "postcode": "08056", "city": "Zwickau",
            "region": Region.ZWICKAU, "membership_type": membership_type, "number": number,
            "slug": f"mitglied-{number}", "joined_on": timezone.localdate(), "directory_listed": listed,
            "directory_fields": list(fields), "description": "Beschreibung", "website": "https://example.org",
        }  # fmt: skip
        return Member.objects.create(**{**values, **extra})

    return make


@pytest.fixture
def member_user(make_member, django_user_model):
    """A logged-in-able main contact of an active member."""
    member = make_member(name="Chemnitzer Werkstatt eG")
    user = django_user_model.objects.create_user(email="main@example.org", password="ein-sicheres-passwort-42")
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    Contact.objects.create(
        member=member, user=user, first_name="Maria", last_name="Lang", email=user.email, is_main=True
    )
    return user


def token_from(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]

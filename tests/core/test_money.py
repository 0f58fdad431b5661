"""One money format everywhere: "1.800,00 €" in German, "€1,800.00" in English."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from swsdigital.core.money import money_format

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("amount", "german", "english"),
    [
        (Decimal("1800"), f"1.800,00{NBSP}€", "€1,800.00"),
        (Decimal("240.5"), f"240,50{NBSP}€", "€240.50"),
        (Decimal("1234567.891"), f"1.234.567,89{NBSP}€", "€1,234,567.89"),
        (0, f"0,00{NBSP}€", "€0.00"),
        ("75", f"75,00{NBSP}€", "€75.00"),
    ],
)
def test_money_in_both_languages(amount, german, english):
    assert money_format(amount, language="de") == german
    assert money_format(amount, language="en") == english
    with translation.override("en"):
        assert money_format(amount) == english
        assert Template("{% load sws %}{{ amount|money }}").render(Context({"amount": amount})) == english
    assert Template("{% load sws %}{{ amount|money }}").render(Context({"amount": amount})) == german


def test_no_amount_shows_nothing():
    assert money_format(None) == "" and money_format("") == ""


def test_the_application_form_shows_each_fee_in_the_same_format(client, db):
    from members.models import MembershipType

    MembershipType.objects.create(
        slug="gross", name_de="Unternehmen (250+ Beschäftigte)", name_en="Company (250+ employees)",
        category="company", annual_fee=Decimal("1800.00"),
    )  # fmt: skip
    html = client.get("/mitglied-werden/").content.decode()
    assert html.count(f"1.800,00{NBSP}€") == 2  # the choice and the sidebar
    assert f"Unternehmen (250+ Beschäftigte) – 1.800,00{NBSP}€ pro Jahr" in html
    assert "1800,00" not in html
    english = client.get("/en/join/").content.decode()
    assert english.count("€1,800.00") == 2 and "Company (250+ employees) – €1,800.00 per year" in english

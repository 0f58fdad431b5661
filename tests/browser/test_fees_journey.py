"""Issue 14, done-when: the treasurer's year in a real browser — the dues previewed and run, the debit file
downloaded, a statement uploaded that pays some invoices and returns one — and the member sees paid and open
invoices in the member area, and a reminder goes out for the open one (real worker, SMTP sink)."""

import datetime
import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.utils import timezone

from fees.models import DebitFile, Invoice, InvoiceDocument
from fees.services.reminders import reminders_send
from members.models import Contact, User
from swsdigital.core.roles import TREASURER, roles_sync
from swsdigital.pages.models import SiteProfile
from tests.browser.test_journeys import _log_in
from tests.conftest import give_second_factor
from tests.fees import camt
from tests.fees.test_pdf import PROFILE
from tests.harness import wait_until
from tests.members.factories import member_admitted

pytestmark = [pytest.mark.browser, pytest.mark.integration]
PASSWORD = "Schatzmeisterin-2026!"


def test_the_treasurer_runs_the_year_and_the_member_sees_it(
    page, chromium, live_server, settings, transactional_db, celery_worker, smtp_sink, tmp_path
):
    settings.FORM_MIN_FILL_SECONDS = 0
    SiteProfile.objects.create(**PROFILE)
    members = []
    for n, name in enumerate(("Vogtland Datenwerk GmbH", "Silberstraße Software GmbH", "Stadt Werdau"), start=1):
        member = member_admitted(email=f"kasse{n}@example.org", name=name)
        if n < 3:  # two pay by direct debit
            member.sepa_iban, member.sepa_account_holder = "DE89370400440532013000", name
            member.sepa_mandate_reference, member.sepa_mandate_signed_on = f"SWS-M-{n:05d}", datetime.date(2025, 5, 1)
        member.joined_on = datetime.date(2025, 5, 1)
        member.save()
        members.append(member)
    roles_sync()
    treasurer = User.objects.create_user(email="kasse@sws-digital.example", password=PASSWORD, is_staff=True)
    EmailAddress.objects.create(user=treasurer, email=treasurer.email, verified=True, primary=True)
    treasurer.groups.set(Group.objects.filter(name=TREASURER))
    secret = give_second_factor(treasurer)
    year = timezone.localdate().year + 1
    invoice_date = timezone.localdate()
    collection = invoice_date + datetime.timedelta(days=21)

    # 1. Preview, then run the dues.
    _log_in(page, treasurer.email, PASSWORD, secret=secret, next_url="/admin/fees/duesrun/run/")
    page.locator("input[name=year]").fill(str(year))
    page.locator("input[name=invoice_date]").fill(invoice_date.strftime("%d.%m.%Y"))
    page.locator("input[name=collection_date]").fill(collection.strftime("%d.%m.%Y"))
    page.get_by_role("button", name="Vorschau anzeigen").click()
    preview = page.locator("#dues-preview")
    assert "3 Rechnungen" in preview.inner_text() and "Ohne Lastschriftmandat" in preview.inner_text()
    assert not Invoice.objects.exists()
    page.get_by_role("button", name=re.compile("3 Rechnungen jetzt ausstellen")).click()
    page.locator(".messagelist .success").wait_for()
    assert Invoice.objects.filter(year=year).count() == 3
    # The worker renders and mails each invoice with its PDF.
    wait_until(
        lambda: InvoiceDocument.objects.filter(emailed_at__isnull=False).count() == 3, timeout=60, message="mailed"
    )

    # 2. The debit file for the bank.
    page.goto("/admin/fees/debitfile/create/")
    page.locator("input[name=collection_date]").fill(collection.strftime("%d.%m.%Y"))
    page.get_by_role("button", name="Vorschau anzeigen").click()
    assert "2 Lastschriften" in page.locator("#debit-preview").inner_text()
    page.get_by_role("button", name="Datei erstellen").click()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"lastschrift-.*\.xml")).click()
    xml = tmp_path / "file.xml"
    download.value.save_as(xml)
    assert b"pain.008.001.02" in xml.read_bytes() and DebitFile.objects.count() == 1

    # 3. The statement: both debits credited, then one returned (no funds); the town has not paid.
    debit = list(Invoice.objects.filter(method="debit").order_by("sequence"))
    batch = camt.entry(
        amount=sum(i.amount for i in debit), ref="SAMMLER-1", booked=collection.isoformat(),
        txs=[camt.tx(amount=i.amount, e2e=f"SWS-{i.number}") for i in debit],
    )  # fmt: skip
    returned = camt.entry(
        amount=debit[1].amount, credit=False, ref="RUECK-1",
        booked=(collection + datetime.timedelta(days=3)).isoformat(),
        txs=[camt.tx(amount=debit[1].amount, e2e=f"SWS-{debit[1].number}", reason="AM04", fee=3)],
    )  # fmt: skip
    statement = tmp_path / "kontoauszug.xml"
    statement.write_bytes(camt.camt053(batch, returned, statement_id=f"STMT-{year}-01"))
    page.goto("/admin/fees/bankstatement/import/")
    page.locator("input[name=file]").set_input_files(str(statement))
    page.get_by_role("button", name="Importieren").click()
    page.locator(".messagelist .success").wait_for()
    assert (
        "2 gebucht" in page.locator(".messagelist").inner_text()
        and "1 Rücklastschriften" in page.locator(".messagelist").inner_text()
    )
    statuses = dict(Invoice.objects.values_list("member__name", "status"))
    assert statuses == {"Vogtland Datenwerk GmbH": "paid", "Silberstraße Software GmbH": "open", "Stadt Werdau": "open"}
    returned_to = Contact.objects.get(member=members[1], is_main=True).email
    wait_until(lambda: [m for m in smtp_sink.to(returned_to) if "zurückgegeben" in m["Subject"]], timeout=60)
    [notice] = [m for m in smtp_sink.to(returned_to) if "zurückgegeben" in m["Subject"]]
    assert "keine ausreichende Deckung" in notice.get_body(("plain",)).get_content()

    # 4. The member sees paid and open invoices in the member area.
    contact = Contact.objects.get(member=members[0], is_main=True)
    contact.user.set_password("Mitglied-Passwort-2026!")
    contact.user.save()
    member_page = chromium.new_context(base_url=live_server.url, locale="de-DE").new_page()
    _log_in(member_page, contact.email, "Mitglied-Passwort-2026!", next_url="/konto/mitgliedschaft/rechnungen/")
    row = member_page.locator("tbody tr").first
    assert "bezahlt" in row.inner_text() and debit[0].number in row.inner_text()
    town = Contact.objects.get(member=members[2], is_main=True)
    town.user.set_password("Mitglied-Passwort-2026!")
    town.user.save()
    town_page = chromium.new_context(base_url=live_server.url, locale="de-DE").new_page()
    _log_in(town_page, town.email, "Mitglied-Passwort-2026!", next_url="/konto/mitgliedschaft/rechnungen/")
    assert "offen" in town_page.locator("tbody tr").first.inner_text()
    with town_page.expect_download() as pdf:
        town_page.get_by_role("link", name=re.compile("PDF")).first.click()
    assert pdf.value.suggested_filename.endswith(".pdf")

    # 5. The reminder for the open transfer goes out through the worker.
    town_invoice = Invoice.objects.get(member=members[2])
    assert reminders_send(today=town_invoice.due_date + datetime.timedelta(days=14)) >= 1

    def reminders():
        return [m for m in smtp_sink.to(town.email) if "Zahlungserinnerung" in m["Subject"]]

    wait_until(reminders, timeout=60, message="reminder mail")
    assert town_invoice.number in reminders()[0]["Subject"]

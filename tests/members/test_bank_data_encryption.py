"""Bank data at rest and in transit (issue 13.2): IBAN and account holder encrypted in the database, rotated
keys, and never in full in the outbox, error reports or logs. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import logging
import re
import sys

import django
import pytest
from cryptography.fernet import Fernet
from django.contrib import admin
from django.core import mail
from django.core.exceptions import FieldError, ValidationError
from django.core.management import CommandError, call_command
from django.db import connection, models
from django.test import RequestFactory
from django.views.debug import get_exception_reporter_class, get_exception_reporter_filter

from members import services
from members.forms import ApplicationForm
from members.models import Member, MembershipApplication
from swsdigital.core import checks, crypto
from swsdigital.core.redaction import BankDataExceptionReporterFilter, BankDataLogFilter, ibans_masked
from swsdigital.mail.models import OutboxEmail
from tests.members.conftest import VALID_IBAN, application_post, token_from

pytestmark = pytest.mark.django_db

IBAN_GROUPED = "DE89 3704 0044 0532 0130 00"
MASKED = "DE89 •••• •••• •••• •••• 00"
HOLDER = "Kassenwart Erzgebirge GmbH"


def _raw(model, pk: int) -> tuple[str, str]:
    """The stored column values, read past the ORM as a database dump would show them."""
    table, q = model._meta.db_table, connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {q('sepa_iban')}, {q('sepa_account_holder')} FROM {q(table)} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()


def _leaks(text: str) -> bool:
    compact = re.sub(r"\s+", "", text)
    return VALID_IBAN in compact or VALID_IBAN.lower() in compact.lower()


@pytest.fixture
def member_with_bank_data(make_member):
    return make_member(sepa_iban=VALID_IBAN, sepa_account_holder=HOLDER, sepa_bic="COBADEFFXXX")


@pytest.fixture
def keys(settings):
    """Set FIELD_ENCRYPTION_KEYS (first encrypts) for the rest of the test; returns the setter."""

    def use(*values: bytes) -> None:
        settings.FIELD_ENCRYPTION_KEYS = [v.decode() for v in values]

    return use


# --- at rest ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("model", [Member, MembershipApplication])
def test_the_raw_columns_hold_neither_iban_nor_account_holder(model, member_with_bank_data, make_application):
    if model is Member:
        obj = member_with_bank_data
    else:
        obj = make_application(sepa_iban=VALID_IBAN, sepa_account_holder=HOLDER)
    iban, holder = _raw(model, obj.pk)
    for stored in (iban, holder):
        assert stored.startswith("gAAAAA") and len(stored) > 34  # a Fernet token, not the value
        assert not _leaks(stored) and HOLDER not in stored and "Kassenwart" not in stored
    obj = model.objects.get(pk=obj.pk)
    assert (obj.sepa_iban, obj.sepa_account_holder) == (VALID_IBAN, HOLDER)


def test_round_trip_and_empty_stays_empty(make_member):
    member = make_member(sepa_iban=VALID_IBAN, sepa_account_holder=HOLDER)
    member.refresh_from_db()
    assert member.sepa_iban == VALID_IBAN and member.has_sepa_mandate
    assert list(Member.objects.values_list("sepa_iban", flat=True)) == [VALID_IBAN]
    member.sepa_iban = member.sepa_account_holder = ""
    member.save()
    assert _raw(Member, member.pk) == ("", "")
    member.refresh_from_db()
    assert member.sepa_iban == "" and not member.has_sepa_mandate
    # every write path encrypts: update() and bulk_update() too
    Member.objects.filter(pk=member.pk).update(sepa_iban=VALID_IBAN)
    member.refresh_from_db()
    member.sepa_account_holder = HOLDER
    Member.objects.bulk_update([member], ["sepa_account_holder"])
    assert not any(_leaks(v) or HOLDER in v for v in _raw(Member, member.pk))
    member.refresh_from_db()
    assert (member.sepa_iban, member.sepa_account_holder) == (VALID_IBAN, HOLDER)


def test_each_write_gives_a_new_token(make_member):
    first, second = make_member(sepa_iban=VALID_IBAN), make_member(sepa_iban=VALID_IBAN)
    assert _raw(Member, first.pk)[0] != _raw(Member, second.pk)[0]  # equal IBANs are not recognisable


def test_without_configured_keys_the_key_is_derived_from_the_secret_key(settings, make_member):
    settings.FIELD_ENCRYPTION_KEYS = []
    member = make_member(sepa_iban=VALID_IBAN)
    token = _raw(Member, member.pk)[0]
    assert Fernet(crypto.key_from_secret(settings.SECRET_KEY)).decrypt(token.encode()).decode() == VALID_IBAN


def test_lookups_on_encrypted_fields_raise_a_clear_error(member_with_bank_data):
    for lookup in ({"sepa_iban": VALID_IBAN}, {"sepa_iban__icontains": "DE89"}, {"sepa_account_holder__gt": "A"}):
        with pytest.raises(FieldError, match="stored encrypted"):
            list(Member.objects.filter(**lookup))
    with pytest.raises(FieldError, match=r"members\.Member\.sepa_iban"):
        Member.objects.exclude(sepa_iban="").count()
    assert Member.objects.filter(sepa_iban__isnull=False).count() == 1


def test_no_admin_searches_filters_or_sorts_by_an_encrypted_field():
    encrypted = {(model, f.name) for model, f in crypto.encrypted_fields()}
    assert (Member, "sepa_iban") in encrypted and (MembershipApplication, "sepa_account_holder") in encrypted
    for model, model_admin in admin.site._registry.items():
        names = {name for owner, name in encrypted if owner is model}
        if not names:
            continue
        used = [
            *model_admin.search_fields,
            *(f if isinstance(f, str) else f[0] for f in model_admin.list_filter if not isinstance(f, type)),
            *(model_admin.ordering or ()),
            *model_admin.list_display,
            *(model_admin.sortable_by or ()),
            model_admin.date_hierarchy or "",
        ]
        bare = {re.sub(r"^[=^@-]", "", name).split("__")[0] for name in used if isinstance(name, str)}
        assert not bare & names, f"{model._meta.label} admin uses {bare & names}"


def test_form_and_model_still_validate_the_values(membership_type, form_protection_data):
    form = ApplicationForm()
    assert form.fields["sepa_iban"].max_length == 34 and form.fields["sepa_account_holder"].max_length == 70
    data = {**application_post(membership_type), "sepa_mandate": "on", "sepa_account_holder": "A" * 71}
    bound = ApplicationForm(data={**data, "sepa_iban": "DE89 3704 0044 0532 0130 01"})
    assert not bound.is_valid()
    assert "sepa_iban" in bound.errors and "sepa_account_holder" in bound.errors
    good = ApplicationForm(data={**data, "sepa_account_holder": HOLDER, "sepa_iban": "de89 3704 0044 0532 0130 00"})
    good.is_valid()
    assert "sepa_iban" not in good.errors and good.cleaned_data["sepa_iban"] == VALID_IBAN
    member = Member(sepa_account_holder="A" * 71, sepa_iban="D" * 35)
    with pytest.raises(ValidationError) as caught:
        member.full_clean()
    assert {"sepa_account_holder", "sepa_iban"} <= set(caught.value.error_dict)


# --- keys ---------------------------------------------------------------------------------------------


def test_rotation_with_two_keys(keys, make_member, make_application):
    old, new = Fernet.generate_key(), Fernet.generate_key()
    keys(old)
    members = [make_member(sepa_iban=VALID_IBAN, sepa_account_holder=HOLDER) for _ in range(3)]
    plain = make_member()  # no bank data: nothing to rotate
    application = make_application(sepa_iban=VALID_IBAN, sepa_account_holder=HOLDER)
    old_token = _raw(Member, members[0].pk)[0]
    assert Fernet(old).decrypt(old_token.encode()).decode() == VALID_IBAN

    keys(new, old)  # step 1: the new key first, the old one still decrypts
    assert Member.objects.get(pk=members[0].pk).sepa_iban == VALID_IBAN
    out = io.StringIO()
    call_command("rotate_field_keys", "--batch-size", "2", stdout=out)  # step 2
    report = out.getvalue()
    assert "members.Member.sepa_iban: 3 values, 3 re-encrypted" in report
    assert "members.MembershipApplication.sepa_account_holder: 1 values, 1 re-encrypted" in report
    assert "Total: 8 values in 4 fields, 8 re-encrypted." in report
    for member in members:
        iban, holder = _raw(Member, member.pk)
        assert Fernet(new).decrypt(iban.encode()).decode() == VALID_IBAN
        assert Fernet(new).decrypt(holder.encode()).decode() == HOLDER
    assert _raw(Member, plain.pk) == ("", "")

    again = io.StringIO()
    call_command("rotate_field_keys", stdout=again)  # idempotent
    assert "Total: 8 values in 4 fields, 0 re-encrypted." in again.getvalue()

    keys(new)  # step 3: the old key is gone
    assert {m.sepa_iban for m in Member.objects.filter(pk__in=[m.pk for m in members])} == {VALID_IBAN}
    assert MembershipApplication.objects.get(pk=application.pk).sepa_account_holder == HOLDER


def test_rotation_dry_run_changes_nothing(keys, make_member):
    old, new = Fernet.generate_key(), Fernet.generate_key()
    keys(old)
    member = make_member(sepa_iban=VALID_IBAN)
    before = _raw(Member, member.pk)
    keys(new, old)
    out = io.StringIO()
    call_command("rotate_field_keys", "--dry-run", stdout=out)
    assert "members.Member.sepa_iban: 1 values, 1 would be re-encrypted" in out.getvalue()
    assert _raw(Member, member.pk) == before


def test_a_value_no_key_decrypts_raises_a_clear_error(keys, settings, make_member):
    keys(Fernet.generate_key())
    member = make_member(sepa_iban=VALID_IBAN, sepa_account_holder=HOLDER)
    keys(Fernet.generate_key())  # the key that encrypted it is missing
    with pytest.raises(crypto.FieldDecryptionError, match=r"members\.Member\.sepa_\w+: .*cannot be decrypted"):
        Member.objects.get(pk=member.pk)
    with pytest.raises(CommandError, match=rf"members\.Member\.sepa_iban \(rows {member.pk}\)"):
        call_command("rotate_field_keys", stdout=io.StringIO())


def test_a_value_changed_in_the_database_is_refused(make_member):
    member = make_member(sepa_iban=VALID_IBAN)
    token = _raw(Member, member.pk)[0]
    tampered = token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:]
    Member.objects.filter(pk=member.pk).update(sepa_iban=models.Value(tampered, output_field=models.TextField()))
    with pytest.raises(crypto.FieldDecryptionError):
        Member.objects.get(pk=member.pk)


def test_the_migration_encrypts_plain_rows_once_and_reverses(make_member):
    member = make_member()
    # What the column held before migration 0004: plain text.
    plain = {"sepa_iban": VALID_IBAN, "sepa_account_holder": HOLDER}
    as_text = {k: models.Value(v, output_field=models.TextField()) for k, v in plain.items()}
    Member.objects.filter(pk=member.pk).update(**as_text)
    assert _raw(Member, member.pk) == (VALID_IBAN, HOLDER)
    crypto.stored_values_encrypt(Member, "sepa_iban", "sepa_account_holder")
    first = _raw(Member, member.pk)
    assert not _leaks(first[0]) and HOLDER not in first[1]
    crypto.stored_values_encrypt(Member, "sepa_iban", "sepa_account_holder")  # a second run changes nothing
    assert _raw(Member, member.pk) == first
    member.refresh_from_db()
    assert (member.sepa_iban, member.sepa_account_holder) == (VALID_IBAN, HOLDER)
    crypto.stored_values_decrypt(Member, "sepa_iban", "sepa_account_holder")
    assert _raw(Member, member.pk) == (VALID_IBAN, HOLDER)


def test_deploy_check_wants_own_keys_and_every_check_valid_ones(settings):
    settings.FIELD_ENCRYPTION_KEYS = []
    assert [m.id for m in checks.field_encryption_keys_set()] == ["core.E001"]
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    assert checks.field_encryption_keys_set() == [] and checks.field_encryption_keys_valid() == []
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), "s3cret-but-no-key"]
    [error] = checks.field_encryption_keys_valid()
    assert error.id == "core.E002" and "key 2" in error.msg and "s3cret" not in error.msg


# --- never in the outbox ------------------------------------------------------------------------------


def test_the_application_mails_show_the_iban_masked_only(client, membership_type, form_protection_data):
    data = {
        **application_post(membership_type),
        **form_protection_data,
        "sepa_mandate": "on",
        "sepa_account_holder": HOLDER,
        "sepa_iban": IBAN_GROUPED,
        "sepa_bic": "COBADEFFXXX",
    }
    assert client.post("/mitglied-werden/", data).status_code == 302  # the real view
    application = MembershipApplication.objects.get()
    assert application.sepa_iban == VALID_IBAN
    confirmation = OutboxEmail.objects.get(template="members/application_confirm")
    assert MASKED in confirmation.body_text and MASKED in confirmation.body_html
    link = token_from(services.application_confirm_url(application))
    assert client.post(f"/mitglied-werden/bestaetigen/{link}/").status_code == 200  # staff are told
    services.membership_application_approve(application=application)  # the welcome mail
    mails = list(OutboxEmail.objects.all())
    assert {m.template for m in mails} >= {
        "members/application_confirm",
        "members/application_staff_notify",
        "members/application_approved",
    }
    approved = next(m for m in mails if m.template == "members/application_approved")
    assert MASKED in approved.body_text and "SWSD-" in approved.body_text
    for email in mails:
        for part in (email.subject, email.body_text, email.body_html):
            assert not _leaks(part), (email.template, part)
            assert HOLDER not in part, email.template
    staff = next(m for m in mails if m.template == "members/application_staff_notify")
    assert "DE89" not in staff.body_text  # the office has no bank rights: not even masked


# --- never in error reports ---------------------------------------------------------------------------

BANK_POST = {"name": "X GmbH", "sepa_iban": IBAN_GROUPED, "sepa_account_holder": HOLDER, "iban_repeat": VALID_IBAN}


def test_the_exception_reporter_filter_hides_bank_fields_and_keys(settings):
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    request = RequestFactory().post("/anywhere/", BANK_POST)
    report_filter = get_exception_reporter_filter(request)
    assert isinstance(report_filter, BankDataExceptionReporterFilter)
    post = report_filter.get_post_parameters(request)
    assert post["name"] == "X GmbH"  # only bank data is hidden, even without sensitive_post_parameters
    assert {post[k] for k in ("sepa_iban", "sepa_account_holder", "iban_repeat")} == {"********************"}
    safe = report_filter.get_safe_settings()
    assert safe["FIELD_ENCRYPTION_KEYS"] == "********************"
    assert safe["SECRET_KEY"] == "********************"


def _raise_with_bank_data_in_locals(iban: str, cleaned: dict):
    message = f"could not store {iban}"
    raise RuntimeError(message)


def test_tracebacks_mask_ibans_in_frame_variables_and_messages():
    request = RequestFactory().post("/mitglied-werden/", BANK_POST)
    try:
        _raise_with_bank_data_in_locals(IBAN_GROUPED, {"sepa_iban": VALID_IBAN, "sepa_account_holder": HOLDER})
    except RuntimeError:
        reporter = get_exception_reporter_class(request)(request, *sys.exc_info())
        text, html = reporter.get_traceback_text(), reporter.get_traceback_html()
    for report in (text, html):
        assert "_raise_with_bank_data_in_locals" in report
        assert not _leaks(report) and HOLDER not in report


def test_an_error_in_the_join_view_mails_no_bank_data(
    client, settings, membership_type, form_protection_data, monkeypatch
):
    settings.ADMINS = ["it@sws-digital.example"] if django.VERSION >= (6,) else [("IT", "it@sws-digital.example")]

    def broken(**kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(services, "membership_application_create", broken)
    client.raise_request_exception = False
    data = {
        **application_post(membership_type),
        **form_protection_data,
        "sepa_mandate": "on",
        "sepa_account_holder": HOLDER,
        "sepa_iban": IBAN_GROUPED,
        "sepa_bic": "COBADEFFXXX",  # hidden by the view's sensitive_post_parameters, not by its name
    }
    mail.outbox.clear()
    assert client.post("/mitglied-werden/", data).status_code == 500
    [report] = [m for m in mail.outbox if "database on fire" in m.body]
    for part in [report.subject, report.body, *(content for content, _type in report.alternatives)]:
        assert not _leaks(part) and HOLDER not in part
    assert "sepa_iban" in report.body and "********************" in report.body
    assert "COBADEFFXXX" not in report.body and "Erzgebirge Software GmbH" in report.body


# --- never in logs ------------------------------------------------------------------------------------


def test_the_log_filter_masks_ibans_in_messages_arguments_and_tracebacks():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(BankDataLogFilter())
    logger = logging.getLogger("tests.bank_data")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("IBAN %s rejected", IBAN_GROUPED)
        logger.warning("compact: iban=%s;", VALID_IBAN.lower())
        try:
            raise ValueError(f"bad value {VALID_IBAN}")
        except ValueError:
            logger.exception("failed")
        logger.info("order AB12 west from here, id 4711")  # words stay
    finally:
        logger.removeHandler(handler)
    output = stream.getvalue()
    assert not _leaks(output)
    assert f"IBAN {MASKED} rejected" in output and "ValueError: bad value DE89" in output
    assert "order AB12 west from here, id 4711" in output


def test_every_configured_log_handler_masks(settings):
    handlers = settings.LOGGING["handlers"]
    assert handlers and all("bank_data" in handler.get("filters", []) for handler in handlers.values())
    root = logging.getLogger()
    assert any(isinstance(f, BankDataLogFilter) for h in root.handlers for f in h.filters)


def test_the_celery_worker_handlers_mask_too():
    from celery.signals import after_setup_logger

    import swsdigital.celery  # noqa: F401 - connects the signal handlers

    logger = logging.getLogger("tests.celery_worker")
    handler = logging.StreamHandler(io.StringIO())
    logger.addHandler(handler)
    try:
        for _ in range(2):  # Celery may set up logging more than once: one filter per handler
            after_setup_logger.send(
                sender=None, logger=logger, loglevel=logging.INFO, logfile=None, format="", colorize=False
            )
        assert sum(isinstance(f, BankDataLogFilter) for f in handler.filters) == 1
    finally:
        logger.removeHandler(handler)


def test_masking_in_text():
    assert ibans_masked(f"a {IBAN_GROUPED} b") == f"a {MASKED} b"
    assert ibans_masked("GB29NWBK60161331926819") == "GB29 •••• •••• •••• •••• 19"
    assert (
        ibans_masked("sha 3f2a9c0e1b7d4a6f8e2c1d0b9a8f7e6d5c4b3a2f") == "sha 3f2a9c0e1b7d4a6f8e2c1d0b9a8f7e6d5c4b3a2f"
    )

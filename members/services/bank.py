"""A member's direct debit mandate: ended when the bank reports the account gone or wrong."""

from __future__ import annotations

from django.db import transaction

from members.models import Member


def member_mandate_end(*, member_id: int, reason: str) -> bool:
    """End a member's SEPA mandate and forget the account (closed or wrong); return whether one was ended.

    Fees are then invoiced for transfer, until the member gives a new mandate.
    """
    with transaction.atomic():
        member = Member.objects.select_for_update().filter(pk=member_id).first()
        if member is None or not (member.sepa_mandate_reference or member.sepa_iban):
            return False
        member.sepa_mandate_reference, member.sepa_mandate_signed_on = "", None
        member.sepa_iban, member.sepa_account_holder, member.sepa_bic = "", "", ""
        member.save(
            update_fields=[
                "sepa_mandate_reference", "sepa_mandate_signed_on", "sepa_iban", "sepa_account_holder", "sepa_bic",
                "updated_at",
            ]
        )  # fmt: skip
    return True


def member_bank_account_change(*, member: Member, account_holder: str, iban: str, by, ip: str | None = None) -> Member:
    """Give the member a new SEPA mandate for another account: a new reference and date, the consent recorded.

    The old mandate ends with it (the next collection under the new reference is a first one).
    """
    from django.conf import settings
    from django.core.exceptions import ValidationError
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from swsdigital.core.sepa import bic_for_iban, iban_check
    from swsdigital.privacy.services import consent_record

    holder = " ".join((account_holder or "").split())
    if not holder:
        raise ValidationError({"account_holder": _("Please enter the account holder.")})
    if len(holder) > 70:
        raise ValidationError({"account_holder": _("Please enter at most 70 characters.")})
    try:
        compact = iban_check(iban)
    except ValidationError as exc:
        raise ValidationError({"iban": exc.messages}) from exc
    with transaction.atomic():
        member = Member.objects.select_for_update().get(pk=member.pk)
        previous = member.sepa_mandate_reference
        suffix = 2
        if previous.startswith(f"{settings.MEMBERS_MANDATE_PREFIX}-{member.number:06d}-"):
            suffix = int(previous.rsplit("-", 1)[1]) + 1 if previous.rsplit("-", 1)[1].isdigit() else 2
        member.sepa_account_holder, member.sepa_iban, member.sepa_bic = holder, compact, bic_for_iban(compact)
        member.sepa_mandate_reference = f"{settings.MEMBERS_MANDATE_PREFIX}-{member.number:06d}-{suffix}"
        member.sepa_mandate_signed_on = timezone.localdate()
        member.save(
            update_fields=[
                "sepa_account_holder", "sepa_iban", "sepa_bic", "sepa_mandate_reference", "sepa_mandate_signed_on",
                "updated_at",
            ]
        )  # fmt: skip
        consent_record(
            key="sepa_mandate", email=by.email, source="member area", ip=ip, user=by,
            subject_ref=member.sepa_mandate_reference, confirmed=True,
        )  # fmt: skip
    return member

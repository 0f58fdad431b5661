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

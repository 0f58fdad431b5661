"""Membership rules: applications and admission, member profiles, contacts, consents, resignation."""

from .applications import (
    ApplicationLinkInvalid,
    application_confirm_url,
    applications_unconfirmed_purge,
    membership_application_approve,
    membership_application_confirm,
    membership_application_create,
    membership_application_from_confirm_token,
    membership_application_link_resend,
    membership_application_reject,
    membership_number_next,
)
from .bank import member_mandate_end
from .members import (
    contact_invite,
    contact_remove,
    member_consent_withdraw,
    member_data_export,
    member_directory_update,
    member_logo_set,
    member_profile_update,
    member_resignation_confirm,
    member_resignation_effective_date,
    member_resignation_request,
    members_resignations_apply,
)

__all__ = [
    "ApplicationLinkInvalid",
    "application_confirm_url",
    "applications_unconfirmed_purge",
    "contact_invite",
    "contact_remove",
    "member_consent_withdraw",
    "member_data_export",
    "member_directory_update",
    "member_logo_set",
    "member_mandate_end",
    "member_profile_update",
    "member_resignation_confirm",
    "member_resignation_effective_date",
    "member_resignation_request",
    "members_resignations_apply",
    "membership_application_approve",
    "membership_application_confirm",
    "membership_application_create",
    "membership_application_from_confirm_token",
    "membership_application_link_resend",
    "membership_application_reject",
    "membership_number_next",
]

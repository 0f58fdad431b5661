"""The members app's personal-data provider: accounts and their addresses, contacts, applications.

Registered with swsdigital.privacy from MembersConfig.ready(); privacy calls it for one person's export
(Art. 15) and erasure (Art. 17), always with a normalised address and inside its transaction.
"""

from __future__ import annotations

from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from swsdigital.privacy.registry import ANONYMISED, ERASED, KEPT, Holding, PersonalDataProvider

from .models import Contact, Member, MembershipApplication, User

MAIN_CONTACT_REASON = _(
    "Main contact of an active member: the member must first name another main contact or end the membership."
)
STAFF_REASON = _("Staff account: remove its staff status and roles first.")
APPLICATION_REASON = _("Proof of admission: the approved application stays without the person's details.")
FURTHER_CONTACT_REASON = _("The application stays; the person is removed from its list of further contacts.")
MEMBER_REASON = _("The member organisation's own record; the person's details are erased with the contacts.")

# Everything that describes the person on an approved application (the organisation's fields stay).
_APPLICATION_PERSON = {
    "salutation": "",
    "title": "",
    "first_name": "",
    "last_name": "",
    "role": "",
    "email": "",
    "phone": "",
    "decision_message": "",
    "submitted_ip": None,
    "newsletter": False,
    "sepa_account_holder": "",
    "sepa_iban": "",
    "sepa_bic": "",
}


def _iso(value):
    return value.isoformat() if value else None


class MembersProvider(PersonalDataProvider):
    name = "members"
    covers = (
        "members.User",
        "account.EmailAddress",
        "members.Contact",
        "members.MembershipApplication",
        "members.Member",
    )
    title = _("Account and membership")
    labels = {
        "accounts": _("User accounts"),
        "date_joined": _("Registered"),
        "last_login": _("Last login"),
        "email_addresses": _("Email addresses"),
        "verified": _("Confirmed"),
        "primary": _("Primary address"),
        "contacts": _("Contact at member organisations"),
        "member": _("Member organisation"),
        "member_number": _("Membership number"),
        "main_contact": _("Main contact"),
        "applications": _("Membership applications"),
        "organisation": _("Organisation"),
        "newsletter": _("Newsletter wanted"),
        "received_at": _("Received"),
        "decided_at": _("Decided"),
        "ip_address": _("IP address"),
        "further_contact_on_applications": _("Named as further contact on applications"),
        "contact": _("Contact details"),
    }
    value_labels = {"status": dict(MembershipApplication.Status.choices)}

    # --- what is held -------------------------------------------------------------------

    def _users(self, email: str):
        return User.objects.filter(Q(email__iexact=email) | Q(emailaddress__email__iexact=email)).distinct()

    def _contacts(self, email: str):
        return Contact.objects.filter(email__iexact=email).select_related("member")

    def _applications(self, email: str):
        return MembershipApplication.objects.filter(email__iexact=email)

    def _further_contact_applications(self, email: str) -> list[MembershipApplication]:
        # JSON lists of further contacts: searched as text on every backend, then matched exactly.
        candidates = MembershipApplication.objects.annotate(further_text=Cast("further_contacts", TextField())).filter(
            further_text__icontains=email
        )
        return [
            a
            for a in candidates
            if any(str(c.get("email", "")).strip().lower() == email for c in a.further_contacts or [])
        ]

    def _plan(self, email: str) -> dict:
        """Sort what is held into what erasure removes, anonymises and keeps (and why)."""
        contacts = list(self._contacts(email))
        main_blocked = [c for c in contacts if c.is_main and c.member.status == Member.Status.ACTIVE]
        blocked_members = {c.member_id for c in main_blocked}
        users = list(self._users(email))
        kept_users = [u for u in users if u.is_staff or u.is_superuser or any(c.user_id == u.pk for c in main_blocked)]
        applications = list(self._applications(email))
        kept_applications = [a for a in applications if a.member_id in blocked_members]
        anonymised = [
            a for a in applications if a not in kept_applications and a.status == MembershipApplication.Status.APPROVED
        ]
        return {
            "users_erased": [u for u in users if u not in kept_users],
            "users_staff": [u for u in kept_users if u.is_staff or u.is_superuser],
            "users_main": [u for u in kept_users if not (u.is_staff or u.is_superuser)],
            "contacts_erased": [c for c in contacts if c not in main_blocked],
            "contacts_main": main_blocked,
            "applications_erased": [a for a in applications if a not in kept_applications and a not in anonymised],
            "applications_anonymised": anonymised,
            "applications_main": kept_applications,
            "further": self._further_contact_applications(email),
            "members": {c.member_id for c in contacts},
        }

    def _holdings(self, plan: dict) -> list[Holding]:
        applications = _("membership applications")
        rows = [
            ("members.user", _("user accounts"), len(plan["users_erased"]), ERASED, ""),
            ("members.user.main_contact", _("user accounts"), len(plan["users_main"]), KEPT, MAIN_CONTACT_REASON),
            ("members.user.staff", _("user accounts"), len(plan["users_staff"]), KEPT, STAFF_REASON),
            ("members.contact", _("member contacts"), len(plan["contacts_erased"]), ERASED, ""),
            ("members.contact.main", _("member contacts"), len(plan["contacts_main"]), KEPT, MAIN_CONTACT_REASON),
            ("members.membershipapplication", applications, len(plan["applications_erased"]), ERASED, ""),
            (
                "members.membershipapplication.approved",
                _("membership applications"),
                len(plan["applications_anonymised"]),
                ANONYMISED,
                APPLICATION_REASON,
            ),
            (
                "members.membershipapplication.main_contact",
                _("membership applications"),
                len(plan["applications_main"]),
                KEPT,
                MAIN_CONTACT_REASON,
            ),
            (
                "members.membershipapplication.further_contact",
                _("further contacts on applications"),
                len(plan["further"]),
                ANONYMISED,
                FURTHER_CONTACT_REASON,
            ),
            ("members.member", _("member organisations"), len(plan["members"]), KEPT, MEMBER_REASON),
        ]  # fmt: skip
        return [Holding(*row) for row in rows if row[2]]

    # --- the provider's three answers -----------------------------------------------------

    def preview(self, email: str) -> list[Holding]:
        return self._holdings(self._plan(email))

    def erase(self, email: str) -> list[Holding]:
        from allauth.account.models import EmailAddress

        plan = self._plan(email)
        holdings = self._holdings(plan)
        Contact.objects.filter(pk__in=[c.pk for c in plan["contacts_erased"]]).delete()
        MembershipApplication.objects.filter(pk__in=[a.pk for a in plan["applications_erased"]]).delete()
        MembershipApplication.objects.filter(pk__in=[a.pk for a in plan["applications_anonymised"]]).update(
            **_APPLICATION_PERSON
        )
        for application in plan["further"]:
            remaining = [c for c in application.further_contacts if str(c.get("email", "")).strip().lower() != email]
            MembershipApplication.objects.filter(pk=application.pk).update(further_contacts=remaining)
        # Allauth's addresses, sessions' second factors and the like go with the account (CASCADE).
        User.objects.filter(pk__in=[u.pk for u in plan["users_erased"]]).delete()
        # A kept account may hold this address as a second one: that one goes unless it is the login.
        EmailAddress.objects.filter(email__iexact=email).exclude(user__email__iexact=email).delete()
        return holdings

    def object_refs(self, email: str) -> dict[str, list]:
        plan = self._plan(email)
        return {
            "members.User": [u.pk for u in plan["users_erased"]],
            "members.Contact": [c.pk for c in plan["contacts_erased"]],
            "members.MembershipApplication": [
                a.pk for a in plan["applications_erased"] + plan["applications_anonymised"]
            ],
        }

    def export(self, email: str) -> dict:
        from allauth.account.models import EmailAddress

        users = self._users(email)
        data = {
            "accounts": [
                {
                    "email": u.email,
                    "first_name": u.first_name,
                    "last_name": u.last_name,
                    "language": u.language,
                    "date_joined": _iso(u.date_joined),
                    "last_login": _iso(u.last_login),
                    "email_addresses": [
                        {"email": a.email, "verified": a.verified, "primary": a.primary}
                        for a in EmailAddress.objects.filter(user=u)
                    ],
                }
                for u in users
            ],
            "contacts": [
                {
                    "member": c.member.name,
                    "member_number": c.member.number,
                    "salutation": c.salutation,
                    "title": c.title,
                    "first_name": c.first_name,
                    "last_name": c.last_name,
                    "role": c.role,
                    "email": c.email,
                    "phone": c.phone,
                    "main_contact": c.is_main,
                    "created_at": _iso(c.created_at),
                }
                for c in self._contacts(email)
            ],
            "applications": [
                {
                    "organisation": a.name,
                    "status": a.status,
                    "salutation": a.salutation,
                    "title": a.title,
                    "first_name": a.first_name,
                    "last_name": a.last_name,
                    "role": a.role,
                    "email": a.email,
                    "phone": a.phone,
                    "newsletter": a.newsletter,
                    "language": a.language,
                    "received_at": _iso(a.created_at),
                    "confirmed_at": _iso(a.confirmed_at),
                    "decided_at": _iso(a.decided_at),
                    "ip_address": a.submitted_ip,
                }
                for a in self._applications(email)
            ],
            "further_contact_on_applications": [
                {
                    "organisation": a.name,
                    "contact": next(c for c in a.further_contacts if str(c.get("email", "")).strip().lower() == email),
                }
                for a in self._further_contact_applications(email)
            ],
        }
        return data if any(data.values()) else {}

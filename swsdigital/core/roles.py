"""The office's staff roles, defined once: each a Django group holding exactly these permissions.

A staff account may hold several roles; superusers stay for IT. Admin classes and views ask for
permissions, never for group names, so a role is nothing but the list below. `roles_sync()` (run after
every `migrate` and by `manage.py roles_sync`) creates the groups and repairs any that were edited by hand.
Permissions are named as strings ("app.codename"): this module imports no domain app.
"""

from __future__ import annotations

from dataclasses import dataclass, field


def _crud(app: str, *models: str, actions: tuple[str, ...] = ("view", "add", "change", "delete")) -> list[str]:
    return [f"{app}.{action}_{model}" for model in models for action in actions]


def _view(app: str, *models: str) -> list[str]:
    return _crud(app, *models, actions=("view",))


OFFICE = "Geschäftsstelle"
EDITORS = "Redaktion"
TREASURER = "Schatzmeisterei"
PRIVACY = "Datenschutz"

ROLES: dict[str, dict] = {
    # Applications, members, contacts, events with their registrations, subscribers and mailings, the email
    # log; no bank data.
    OFFICE: {
        "description": "Office: applications, members, events and registrations, newsletter, email log",
        "permissions": [
            *_crud("members", "membershipapplication", "member", "contact", actions=("view", "change")),
            "members.add_member",
            "members.add_contact",
            "members.delete_contact",
            *_view("members", "membershiptype", "topic"),
            *_crud("events", "event", "registration", "series", "topic", "venue"),
            *_crud("newsletter", "subscriber", "mailing"),
            "newsletter.send_mailing",
            *_view("newsletter", "topic", "delivery", "membershipoptin"),
            "mail.view_outboxemail",
            "mail.resend_outboxemail",
            "mail.view_inboundmessage",
        ],
    },
    # Events without the participants' personal data (the lists show counts), series, topics, press and
    # news, legal pages and the site profile, mailings to compose, preview and test — never the subscribers.
    EDITORS: {
        "description": "Editors: events, press and news, legal pages and site profile, composing mailings",
        "permissions": [
            *_crud("events", "event", "series", "topic"),
            # Venues are shared by many events: editors add and correct them; deleting one is the office's.
            *_crud("events", "venue", actions=("view", "add", "change")),
            *_crud("news", "newsitem", "newsimage", "newsattachment", "topic", "presscontact"),
            *_crud("pages", "legalpage", "siteprofile", actions=("view", "change")),
            "pages.add_legalpage",
            *_crud("newsletter", "mailing", actions=("view", "add", "change")),
            *_view("newsletter", "topic"),
        ],
    },
    # Members read-only, plus their bank data (IBAN, account holder, mandate); invoices and payments with fees.
    TREASURER: {
        "description": "Treasurer: members read-only with their bank details, fees, invoices and payments",
        "permissions": [
            *_view("members", "member", "contact", "membershipapplication", "membershiptype"),
            "members.view_bank_data",
            *_crud("fees", "feerate", "memberfee"),
            *_view("fees", "duesrun", "invoice"),
            "fees.run_dues",
            "fees.change_invoice",  # its state only: cancellation, payments
            *_view("fees", "debitfile", "debitentry"),
            "fees.add_debitfile",
            *_view("fees", "bankstatement", "payment"),
            "fees.add_bankstatement",
            "fees.change_payment",  # confirm or reject a proposed line
            # The letterhead's bank details and creditor identifier (members pay there).
            *_crud("pages", "siteprofile", actions=("view", "change")),
            "pages.change_bank_details",
        ],
    },
    # Consents, the audit trail, erasure and access requests.
    PRIVACY: {
        "description": "Data protection: consents, the audit trail, erasure and access requests",
        "permissions": [
            *_view("privacy", "consent", "consenttext"),
            "admin.view_logentry",
            "auditlog.view_logentry",  # the audit trail (read-only for everyone)
            # Erasure (Art. 17) and access (Art. 15) requests: the records are read-only for everyone.
            *_view("privacy", "erasurerecord"),
            "privacy.erase_person",
            "privacy.export_person",
        ],
    },
}


@dataclass
class SyncReport:
    created: list[str] = field(default_factory=list)
    added: dict[str, list[str]] = field(default_factory=dict)
    removed: dict[str, list[str]] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.added or self.removed)

    def lines(self) -> list[str]:
        out = [f"created group {name}" for name in self.created]
        out += [f"{name}: + {perm}" for name, perms in self.added.items() for perm in perms]
        out += [f"{name}: - {perm}" for name, perms in self.removed.items() for perm in perms]
        return out


def _permissions(names: list[str]):
    from django.contrib.auth.models import Permission

    wanted = {tuple(name.split(".", 1)) for name in names}
    found = {
        (p.content_type.app_label, p.codename): p
        for p in Permission.objects.select_related("content_type").filter(
            codename__in={codename for _app, codename in wanted}
        )
        if (p.content_type.app_label, p.codename) in wanted
    }
    missing = sorted(f"{a}.{c}" for a, c in wanted - found.keys())
    if missing:
        raise LookupError(f"Unknown permissions in the role definitions: {', '.join(missing)}")
    return found


def roles_sync() -> SyncReport:
    """Create the role groups and give each exactly its defined permissions; report what changed."""
    from django.contrib.auth.models import Group
    from django.db import transaction

    report = SyncReport()
    with transaction.atomic():
        for name, role in ROLES.items():
            group, created = Group.objects.get_or_create(name=name)
            if created:
                report.created.append(name)
            wanted = _permissions(role["permissions"])
            current = {
                (p.content_type.app_label, p.codename): p for p in group.permissions.select_related("content_type")
            }
            add = [wanted[k] for k in sorted(wanted.keys() - current.keys())]
            remove = [current[k] for k in sorted(current.keys() - wanted.keys())]
            if add:
                group.permissions.add(*add)
                report.added[name] = [f"{p.content_type.app_label}.{p.codename}" for p in add]
            if remove:
                group.permissions.remove(*remove)
                report.removed[name] = [f"{p.content_type.app_label}.{p.codename}" for p in remove]
    return report

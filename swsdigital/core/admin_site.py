"""The portal's admin site: navigation grouped by the office's tasks instead of by Django app.

The groups name models as "app_label.ModelName" strings, so this module imports no domain app. A model no
group names lands under "System", so nothing registered ever disappears from the navigation. Django's own
permission filtering (``get_app_list``) runs first: each role sees only the groups and models it may use.
"""

from dataclasses import dataclass

from django.contrib import admin
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavGroup:
    key: str
    label: str
    models: tuple[str, ...]


# In the order the office works: people, dates, press, mail, money, the website, privacy, the machine room.
NAV_GROUPS = (
    NavGroup(
        "mitglieder",
        _("Members"),
        ("members.MembershipApplication", "members.Member", "members.User", "members.MembershipType", "members.Topic"),
    ),
    NavGroup(
        "termine",
        _("Events"),
        ("events.Event", "events.Registration", "events.Series", "events.Topic", "events.Venue"),
    ),
    NavGroup("presse", _("Press"), ("news.NewsItem", "news.PressContact", "news.Topic")),
    NavGroup(
        "newsletter",
        _("Newsletter"),
        (
            "newsletter.Mailing",
            "newsletter.Subscriber",
            "mail.InboundMessage",
            "newsletter.Topic",
            "newsletter.MembershipOptin",
        ),
    ),
    NavGroup(
        "beitraege",
        _("Fees"),
        (
            "fees.Invoice",
            "fees.DuesRun",
            "fees.DebitFile",
            "fees.BankStatement",
            "fees.Payment",
            "fees.FeeRate",
            "fees.MemberFee",
        ),
    ),
    NavGroup("website", _("Website"), ("pages.SiteProfile", "pages.LegalPage")),
    NavGroup(
        "datenschutz",
        _("Privacy"),
        ("privacy.ErasureRecord", "privacy.Consent", "privacy.ConsentText", "auditlog.LogEntry"),
    ),
)
SYSTEM = NavGroup("system", _("System"), ())


# Third-party models whose names Django made up from the class name ("authenticators"): German in the
# admin without a migration (only _meta's display names change, not the Meta options migrations record).
DISPLAY_NAMES = {"mfa.Authenticator": (_("two-factor key"), _("two-factor keys"))}


def display_names_apply() -> None:
    """Give third-party models translatable display names."""
    from django.apps import apps

    for name, (singular, plural) in DISPLAY_NAMES.items():
        try:
            model = apps.get_model(name)
        except LookupError:
            continue
        model._meta.verbose_name, model._meta.verbose_name_plural = singular, plural


class PortalAdminSite(admin.AdminSite):
    """The admin with task groups (Mitglieder, Termine, …) in its start page and sidebar."""

    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)
        if app_label is not None:
            return apps  # an app's own index page (breadcrumbs link there) lists that app as Django does
        return self.group_list(apps)

    def group_list(self, apps: list[dict]) -> list[dict]:
        """Regroup Django's per-app list into the task groups; empty groups are left out."""
        by_name = {f"{app['app_label']}.{model['object_name']}": model for app in apps for model in app["models"]}
        placed: set[str] = set()
        groups = []
        for group in NAV_GROUPS:
            models = [by_name[name] for name in group.models if name in by_name]
            placed.update(name for name in group.models if name in by_name)
            groups.append((group, models))
        groups.append((SYSTEM, [model for name, model in by_name.items() if name not in placed]))
        return [
            {
                "name": group.label,
                "app_label": f"group-{group.key}",
                "app_url": reverse(f"{self.name}:group_index", kwargs={"group": group.key}),
                "has_module_perms": True,
                "models": models,
            }
            for group, models in groups
            if models
        ]

    def get_urls(self):
        group = path("bereich/<slug:group>/", self.admin_view(self.group_index), name="group_index")
        return [group, *super().get_urls()]

    def group_index(self, request, group: str):
        """One task group's page: its models, as Django's app index shows an app's."""
        found = [entry for entry in self.get_app_list(request) if entry["app_label"] == f"group-{group}"]
        if not found:
            raise Http404
        context = {
            **self.each_context(request),
            "title": found[0]["name"],
            "subtitle": None,
            "app_list": found,
            "app_label": found[0]["app_label"],
        }
        request.current_app = self.name
        return TemplateResponse(request, "admin/group_index.html", context)

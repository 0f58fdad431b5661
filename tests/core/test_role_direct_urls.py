"""Issue 13.1: every role's can and cannot, model by model, on the URLs themselves.

The admin index hides what a role may not open; these tests type the addresses instead: every registered
model's change, history and delete page for one real object, a change posted without the permission,
every custom admin page (participants export, check-in, decisions, mailing tools, erasure) and every
export action. The demo content gives each model at least one row where the demo has one.
"""

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse

from swsdigital.core.roles import ROLES

pytestmark = pytest.mark.django_db

STANDARD = {"changelist", "add", "change", "delete", "history", "autocomplete"}


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115 - closed with the process


def _registry():
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def _first(model):
    return model._default_manager.order_by("pk").first()


def _granted(role: str) -> set[str]:
    return set(ROLES[role]["permissions"])


def _may(granted: set[str], model, *actions: str) -> bool:
    opts = model._meta
    return any(f"{opts.app_label}.{action}_{opts.model_name}" in granted for action in actions)


@pytest.mark.parametrize("role", list(ROLES))
def test_change_history_and_delete_pages_follow_the_role(staff_login, demo, role):
    client = staff_login(roles=(role,))
    granted = _granted(role)
    checked = 0
    for model, _model_admin in _registry():
        obj = _first(model)
        if obj is None:
            continue
        checked += 1
        opts = model._meta
        base = f"/admin/{opts.app_label}/{opts.model_name}/{obj.pk}"
        may_see = _may(granted, model, "view", "change")
        for page in ("change", "history"):
            status = client.get(f"{base}/{page}/").status_code
            if may_see:
                assert status == 200, (role, opts.label, page, status)
            else:
                assert status == 403, (role, opts.label, page, status)
        delete = client.get(f"{base}/delete/").status_code
        if not _may(granted, model, "delete"):
            assert delete == 403, (role, opts.label, "delete", delete)
        if not _may(granted, model, "change"):
            # A crafted POST changes nothing: refused outright.
            assert client.post(f"{base}/change/", {}).status_code == 403, (role, opts.label, "post")
    assert checked >= 15  # the demo gave most models a row; a broken demo must not make this test vacuous


def _custom_urls():
    """Yield (model, url name, path args) for every page an admin class adds to the stock ones."""
    for model, model_admin in _registry():
        opts = model._meta
        for pattern in model_admin.get_urls():
            name = getattr(pattern, "name", None) or ""
            prefix = f"{opts.app_label}_{opts.model_name}_"
            if not name.startswith(prefix) or name[len(prefix) :] in STANDARD:
                continue
            yield model, name, list(pattern.pattern.regex.groupindex)


def test_every_custom_admin_page_is_found_by_the_test():
    names = {name for _model, name, _args in _custom_urls()}
    # The custom pages built so far; a new one joins this test by itself.
    assert {
        "events_event_export",
        "privacy_erasurerecord_person",
    } <= names, names


@pytest.mark.parametrize("role", list(ROLES))
def test_custom_admin_pages_refuse_roles_without_the_models_permissions(staff_login, demo, role):
    client = staff_login(roles=(role,))
    granted = _granted(role)
    for model, name, args in _custom_urls():
        if _may(granted, model, "view", "change", "add", "delete"):
            continue  # the page's own permission decides; tests of each app cover that
        obj = _first(model)
        if args and obj is None:
            continue
        kwargs = dict.fromkeys(args, obj.pk) if args else {}
        try:
            url = reverse(f"admin:{name}", kwargs=kwargs)
        except NoReverseMatch:
            continue
        for method in (client.get, client.post):
            status = method(url).status_code
            assert status == 403, (role, name, method.__name__, status)


def test_a_staff_account_without_any_role_opens_no_model_page(staff_login, demo):
    client = staff_login()
    for model, name, args in _custom_urls():
        obj = _first(model)
        if args and obj is None:
            continue
        url = reverse(f"admin:{name}", kwargs=dict.fromkeys(args, obj.pk) if args else {})
        assert client.get(url).status_code == 403, name
    for model, _model_admin in _registry():
        opts = model._meta
        assert client.get(f"/admin/{opts.app_label}/{opts.model_name}/").status_code == 403, opts.label
        obj = _first(model)
        if obj is not None:
            assert client.get(f"/admin/{opts.app_label}/{opts.model_name}/{obj.pk}/change/").status_code == 403


def test_a_member_account_is_sent_to_the_login_from_every_admin_page(client, django_user_model, demo):
    user = django_user_model.objects.create_user(email="mitglied@example.org", password="x-very-long-pass")
    client.force_login(user)
    for model, _model_admin in _registry():
        opts = model._meta
        response = client.get(f"/admin/{opts.app_label}/{opts.model_name}/")
        assert response.status_code == 302 and "/admin/login/" in response["Location"], opts.label
    for model, name, args in _custom_urls():
        obj = _first(model)
        if args and obj is None:
            continue
        response = client.get(reverse(f"admin:{name}", kwargs=dict.fromkeys(args, obj.pk) if args else {}))
        assert response.status_code == 302 and "/admin/login/" in response["Location"], name


def _export_actions():
    for model, model_admin in _registry():
        for action in model_admin._get_base_actions():
            func, name = (action.func, action.name) if hasattr(action, "func") else action[:2]  # Django 6.1 / 5.2
            if "export" in name or "csv" in name:
                yield model, name, tuple(getattr(func, "allowed_permissions", ()))


def test_the_exports_are_found_by_the_test():
    assert {model._meta.label for model, _name, _perms in _export_actions()} >= {
        "members.Member",
        "members.MembershipApplication",
        "newsletter.Subscriber",
    }


@pytest.mark.parametrize("role", list(ROLES))
def test_an_export_answers_with_a_file_only_for_the_roles_that_may_run_it(staff_login, demo, role):
    client = staff_login(roles=(role,))
    request = RequestFactory().get("/admin/")
    request.user = client.user
    granted = _granted(role)
    files = 0
    for model, name, _perms in _export_actions():
        obj = _first(model)
        if obj is None:
            continue
        opts = model._meta
        model_admin = admin.site._registry[model]
        offered = _may(granted, model, "view", "change") and name in model_admin.get_actions(request)
        response = client.post(
            f"/admin/{opts.app_label}/{opts.model_name}/", {"action": name, "_selected_action": [obj.pk]}
        )
        is_file = response.status_code == 200 and "text/csv" in response.get("Content-Type", "")
        assert is_file == offered, (role, opts.label, name, response.status_code)
        if not _may(granted, model, "view", "change"):
            assert response.status_code == 403, (role, opts.label, name, response.status_code)
        files += is_file
    # Who may export what: the office the lists it works with, the treasurer the members, editors nothing personal.
    assert (files > 0) == (role in ("Geschäftsstelle", "Schatzmeisterei")), (role, files)
